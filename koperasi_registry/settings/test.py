"""Settings for the test suite: the same database choice (``DATABASE_URL``), fast
hashing, no static manifest."""

from pathlib import Path

from .base import *  # noqa: F401,F403
from .base import STORAGES
from .env import env_int, env_str

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
# Dashboard figures in this process's memory: two suites side by side never share files.
CACHES = {
    **CACHES,  # noqa: F405
    "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "figures"},
}
LANGUAGE_CODE = "id"
# Serve static files through the finders (no collectstatic in tests, live server included).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# SQLite: a file, not pytest-django's shared-cache in-memory database. Shared cache answers
# a second thread with "database table is locked" at once; a file makes it wait for the
# lock, as production SQLite does (the import worker thread and the live server need it).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # Named after the database, so two suites (two DATABASE_URLs) can run side by side.
    _stem = Path(DATABASES["default"]["NAME"]).stem  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{_stem}.sqlite3")}  # noqa: F405

# The read replica is a test mirror: a second connection to the test database. Reads go to it
# only in tests that set DATABASE_REPLICA_ALIAS = "replica" and allow both databases
# (tests/koperasi_registry/test_db_router.py); a mirror sees only committed rows, so they use
# django_db(transaction=True). Everywhere else, as in a single-server install, all is default.
DATABASES["replica"] = {  # noqa: F405
    **{key: value for key, value in DATABASES["default"].items() if key != "TEST"},  # noqa: F405
    "TEST": {"MIRROR": "default"},
}
DATABASE_REPLICA_ALIAS = None

# Background tasks run at once, inside the request (django-tasks' ImmediateBackend); the
# worker tests start ``db_worker`` with TASKS_BACKEND=django_tasks_db.DatabaseBackend.
# ENQUEUE_ON_COMMIT (koperasi_registry.background): most tests run inside a transaction that
# never commits, so the immediate backend is handed the task at once.
_TASKS_BACKEND = env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
TASKS = {"default": {"BACKEND": _TASKS_BACKEND, "ENQUEUE_ON_COMMIT": "immediate" not in _TASKS_BACKEND}}
# No heartbeat thread beside a test's own transaction (the worker tests set it).
IMPORT_HEARTBEAT_SECONDS = env_int("IMPORT_HEARTBEAT_SECONDS", 0)
