"""Settings for the benchmark's child processes (``import_benchmark``): the test settings
with the database task queue (``db_worker`` runs it; the web process only enqueues) and
the row limit and heartbeat read from the environment."""

from koperasi_registry.settings.test import *  # noqa: F401,F403
from koperasi_registry.settings.env import env_int

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
IMPORT_HEARTBEAT_SECONDS = env_int("IMPORT_HEARTBEAT_SECONDS", 30)
