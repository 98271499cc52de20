"""Settings shared by every environment. Values that differ per office come from the
environment through ``env.py``; see README.md, "Configuration"."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "koperasi_registry",
    "cooperatives",
    "assistants",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML, JSON and CSV gzipped when the browser asks (Django's GZipMiddleware for text
    # types only: photos and XLSX pass as they are): after WhiteNoise, which answers static
    # files itself with its precompressed .gz/.br files, and before every middleware that
    # reads or writes the body. BREACH: Django (>= 4.2) pads each gzip header with up to 100
    # random bytes (django.utils.text.compress_string) and masks the CSRF token per response.
    "koperasi_registry.middleware.TextGZipMiddleware",
    # Reads of GET requests on the read replica, if there is one (koperasi_registry.db_router);
    # before sessions, so that a session save counts as the request's write.
    "koperasi_registry.db_router.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "koperasi_registry.middleware.IgnoreBrowserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "koperasi_registry.urls"
WSGI_APPLICATION = "koperasi_registry.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "koperasi_registry.context_processors.shell",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL names another database (an empty value counts as unset).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'koperasi.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT spent ~0.6 s compiling the dashboard's status aggregates over 100,000
    # cooperatives and saved nothing (measured with ``make bench``): off for this app.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # BEGIN IMMEDIATE: a transaction takes SQLite's write lock when it starts. The edit
    # forms' version check (koperasi_registry.concurrency) relies on it: select_for_update()
    # is a no-op on SQLite, and with the default deferred BEGIN two saves could both read the
    # old version before either writes. Writers now wait their turn (up to the busy timeout)
    # instead of failing with "database is locked" when a read transaction turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("transaction_mode", "IMMEDIATE")
# An optional PostgreSQL streaming replica (README, "Deployment"): GET requests read from it,
# writes and everything a request reads after writing go to the primary, and so does the
# same browser for DATABASE_REPLICA_PIN_SECONDS after a write (koperasi_registry.db_router).
DATABASE_ROUTERS = ["koperasi_registry.db_router.PrimaryReplicaRouter"]
DATABASE_REPLICA_ALIAS = None
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 15)
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASE_REPLICA_ALIAS = "replica"
    DATABASES[DATABASE_REPLICA_ALIAS] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"), conn_max_age=env_int("DB_CONN_MAX_AGE", 0)
    )
    if DATABASES[DATABASE_REPLICA_ALIAS]["ENGINE"] == "django.db.backends.postgresql":
        _options = DATABASES[DATABASE_REPLICA_ALIAS].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # The office's and the app's own names, the kabupaten, the username, and common
    # Indonesian passwords (koperasi_registry/passwords/id-common.txt), digits on the end too.
    {"NAME": "koperasi_registry.passwords.ContextualPasswordValidator"},
    {"NAME": "koperasi_registry.passwords.IndonesianCommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Brute-force protection on the login form (django-axes).
# A (username, client address) pair is locked after AXES_FAILURE_LIMIT failures; a
# username alone, from any number of addresses, after LOGIN_USERNAME_FAILURE_LIMIT
# (koperasi_registry.login_throttle), so one client cannot lock an account for everybody.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
LOGIN_USERNAME_FAILURE_LIMIT = env_int("LOGIN_USERNAME_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "koperasi_registry.login_throttle.LoginThrottleHandler"
AXES_USERNAME_CALLABLE = "koperasi_registry.login_throttle.login_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address: REMOTE_ADDR when the app is reached directly (0), else the
# address the nearest of TRUSTED_PROXY_COUNT reverse proxies saw, read from the right of
# X-Forwarded-For (what a client writes on its left is never trusted). python-ipware
# counts the proxies listed inside the header; the last proxy is REMOTE_ADDR itself.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT > 0:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
AXES_IPWARE_PROXY_ORDER = "left-most"  # the chain as sent; the client is counted from the right
IPWARE_STRICT = False  # a longer chain (a client's own X-Forwarded-For) still counts from the right

# Sessions last a working day and end with the browser.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 9 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

# Mail: password reset works only when EMAIL_HOST is set (koperasi_registry.password_reset).
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Bahasa Indonesia by default, English switchable.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# WIB by default; an office in WITA (Asia/Makassar) or WIT (Asia/Jayapura) sets TIME_ZONE.
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
FORMAT_MODULE_PATH = ["koperasi_registry.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    # runserver without collectstatic: serve from static/ as it is.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

# Uploads: size cap for attachments and photos (bytes).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Spreadsheets to import: 100,000 rows are about 11 MB as XLSX and 20 MB as CSV.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 64 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# Images (visit photos, image attachments): largest pixel count, read from the header
# before anything is decoded; also Pillow's MAX_IMAGE_PIXELS. 52 MP lets a 50 MP phone's
# full-resolution photo (8160 x 6144 = 50.1 MP) through; a JPEG is decoded reduced, and
# another format at the cap costs at most about 210 MB (4 bytes a pixel), one at a time.
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 52_000_000)

# --- The office -------------------------------------------------------------------
# Kemendagri code of the kabupaten/kota this office serves (Sintang by default). Lists
# and dashboards show this kabupaten's regions; other loaded regions stay in the data.
OFFICE_REGENCY_CODE = env_str("OFFICE_REGENCY_CODE", "61.05")
OFFICE_NAME = env_str("OFFICE_NAME", "Dinas Koperasi dan UKM")

# The dashboards' figures, kept per version of the data (dashboard/selectors/cache.py): in
# files shared by the app processes of one host (gunicorn's workers compute a figure once
# between them); every process reads the version from the database, so several hosts stay
# exact without a shared cache. DASHBOARD_CACHE_SECONDS=0 turns it off.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 24 * 60 * 60)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("DASHBOARD_CACHE_DIR", str(VAR_DIR / "figures-cache")),
        "OPTIONS": {"MAX_ENTRIES": env_int("DASHBOARD_CACHE_ENTRIES", 2000)},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# RAT rules (domain brief sections 4 and 5). Deadlines are month-day in the year after
# the book year (SE Deputi 1/2025: primer 30 April, sekunder 30 June). A cooperative with
# a RAT within the window (book years, counting the reference year) is at least
# "kurang aktif".
RAT_DEADLINE_PRIMER = env_str("RAT_DEADLINE_PRIMER", "04-30")
RAT_DEADLINE_SEKUNDER = env_str("RAT_DEADLINE_SEKUNDER", "06-30")
RAT_STATUS_WINDOW = env_int("RAT_STATUS_WINDOW", 3)
# Years with a stored status per cooperative (cooperatives.models.years), this one included;
# older years are read by the rule live. Rebuild (rebuild_cooperative_years) after changing
# these RAT settings.
COOPERATIVE_YEARS_BACK = env_int("COOPERATIVE_YEARS_BACK", 10)

# Coaching (assistants/conf.py documents each): load warning above this many current
# assignments; "coached" = at least N visits of the coaching kinds in a year; a cooperative
# is due for a visit after this many days; phone photos are reduced to this longest side.
ASSISTANTS_MAX_ASSIGNMENTS = env_int("ASSISTANTS_MAX_ASSIGNMENTS", 15)
ASSISTANTS_COACHED_MIN_VISITS = env_int("ASSISTANTS_COACHED_MIN_VISITS", 2)
ASSISTANTS_VISIT_INTERVAL_DAYS = env_int("ASSISTANTS_VISIT_INTERVAL_DAYS", 30)
ASSISTANTS_VISIT_MAX_DISTANCE_M = env_int("ASSISTANTS_VISIT_MAX_DISTANCE_M", 1000)
ASSISTANTS_PHOTO_MAX_SIDE = env_int("ASSISTANTS_PHOTO_MAX_SIDE", 1600)
MAP_TILE_URL = env_str("MAP_TILE_URL", "")  # dashboard map tiles; empty: no background map
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")

# Content-Security-Policy (django-csp 4): no inline script anywhere (templates load
# static/js/ files; data goes through json_script). Inline style="" attributes (progress
# bars, legend colours) and the styles Leaflet and Chart.js set are allowed; <style>
# elements and style sheets only from this site.
from urllib.parse import urlsplit  # noqa: E402

from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402

# The tile server's origin ("https://tiles.example.go.id"); {s} subdomains as a wildcard.
_tiles = urlsplit(MAP_TILE_URL.replace("{s}.", "*.")) if MAP_TILE_URL else None
_TILE_ORIGINS = [f"{_tiles.scheme}://{_tiles.netloc}"] if _tiles and _tiles.netloc else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *_TILE_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Background jobs (README, "Background jobs"): Django 6's tasks API through the django-tasks
# backport, queued in this same database and run by ``manage.py db_worker``. A running job
# that has not reported for IMPORT_STALE_SECONDS is shown as stopped (its worker died); the
# worker reports every IMPORT_HEARTBEAT_SECONDS while it works (0: only on progress).
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
IMPORT_STALE_SECONDS = env_int("IMPORT_STALE_SECONDS", 600)
IMPORT_HEARTBEAT_SECONDS = env_int("IMPORT_HEARTBEAT_SECONDS", 30)
# A filtered list with more rows than this exports through a background job.
EXPORT_INLINE_MAX_ROWS = env_int("EXPORT_INLINE_MAX_ROWS", 5000)
