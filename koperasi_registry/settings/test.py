"""Settings for the test suite: the same database choice (``DATABASE_URL``), fast
hashing, no static manifest."""

from .base import *  # noqa: F401,F403
from .base import STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
LANGUAGE_CODE = "id"
# Serve static files through the finders (no collectstatic in tests, live server included).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
