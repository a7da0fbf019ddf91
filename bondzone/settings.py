"""Settings, configured by environment variables (see docs/configuration.md).

BONDZONE_DATABASE_URL   database URL; default: SQLite file bondzone.sqlite3 at the repository root
BONDZONE_DB_CONN_MAX_AGE   seconds a worker keeps its database connection (default 0: one per request)
BONDZONE_DB_PREPARE_THRESHOLD   PostgreSQL: runs before a hot-path statement is prepared (default 5; "off")
BONDZONE_SECRET_KEY     secret key; required unless DEBUG is on (the server refuses to start without it)
BONDZONE_DEBUG          "1" to enable debug mode (default "0")
BONDZONE_ALLOWED_HOSTS  comma-separated host names (default "localhost,127.0.0.1,[::1]")
BONDZONE_TIME_ZONE      default "Asia/Shanghai"
BONDZONE_EMAIL_BACKEND, BONDZONE_EMAIL_HOST, BONDZONE_EMAIL_PORT, BONDZONE_MAIL_FROM   outgoing mail (regime alerts)
BONDZONE_REGIME_ALERT_DAYS   days before a regime's deadline the alerts go out (default: the rule table's, 30,7,1)
"""

import os
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent


def _env_bool(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("BONDZONE_DEBUG")
# Without BONDZONE_SECRET_KEY and with DEBUG off, the system check bondzone.E001 stops runserver, migrate and
# every command, and the WSGI application refuses to load (bondzone/wsgi.py); tests run on this key.
INSECURE_DEV_KEY = "dev-insecure-bondzone-key-do-not-use-in-production-0123456789abcdef"
SECRET_KEY = os.environ.get("BONDZONE_SECRET_KEY") or INSECURE_DEV_KEY
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("BONDZONE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "bondzone.core",
    "bondzone.supervision",
    "bondzone.sharing",
    "bondzone.governance",
    "bondzone.evaluation",
    "bondzone.duties",
    "bondzone.cbec",
    "bondzone.gate",
    "bondzone.processing",
    "bondzone.servicedesk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bondzone.core.middleware.RequestContextMiddleware",
    "bondzone.core.middleware.BoundaryMiddleware",
    "bondzone.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bondzone.urls"
WSGI_APPLICATION = "bondzone.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bondzone.core.context_processors.actor",
                "bondzone.core.context_processors.refused_form",
            ],
        },
    },
]

DEFAULT_DB_URL = f"sqlite:///{REPO_DIR / 'bondzone.sqlite3'}"
# BONDZONE_DB_CONN_MAX_AGE > 0 keeps each worker's database connection for that many seconds instead of
# opening one per request (production behind gunicorn); the health check replaces a connection that died.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("BONDZONE_DATABASE_URL", DEFAULT_DB_URL),
        conn_max_age=int(os.environ.get("BONDZONE_DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers never fail on a lock upgrade;
    # WAL lets readers run beside the one writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Statements run through core.rawrows.prepared_cursor (the gate's) are prepared on the connection after
    # this many runs; "off" for a pooler that cannot keep prepared statements (PgBouncer in transaction mode).
    # The ORM's cursors bind on the client and are never prepared.
    threshold = os.environ.get("BONDZONE_DB_PREPARE_THRESHOLD", "5")
    DATABASES["default"]["OPTIONS"] = {"prepare_threshold": None if threshold == "off" else int(threshold)}
if os.environ.get("BONDZONE_TEST_DB_NAME"):
    # lets several test runs share one PostgreSQL server without clashing
    DATABASES["default"]["TEST"] = {"NAME": os.environ["BONDZONE_TEST_DB_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Log-in throttling (django-axes): after 5 failures for one user name OR from one address, that user name or
# address is locked out for 15 minutes (answer 429 with a sentence, audit event auth.locked_out).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("BONDZONE_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("BONDZONE_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "bondzone.core.views.locked_out"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if _env_bool("BONDZONE_FAST_PASSWORDS")
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["bondzone.formats"]
TIME_ZONE = os.environ.get("BONDZONE_TIME_ZONE", "Asia/Shanghai")

# Outgoing mail (regime deadline alerts): printed to the console unless a backend and host are configured
EMAIL_BACKEND = os.environ.get("BONDZONE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("BONDZONE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("BONDZONE_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("BONDZONE_MAIL_FROM", "bondzone@localhost")
# days before a regime's deadline its alerts go out (a list for every kind, or a dict kind -> list, "*" = the rest)
# (unset: each kind's days in bondzone.duties.domain.regimes.RULES, 30, 7 and 1 today)
BONDZONE_REGIME_ALERT_DAYS = [int(d) for d in os.environ.get("BONDZONE_REGIME_ALERT_DAYS", "").split(",") if d.strip()]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# WhiteNoise serves from the app directories (WHITENOISE_USE_FINDERS); collectstatic is optional, so
# its warning about a missing STATIC_ROOT is noise.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
STATIC_ROOT = REPO_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and _env_bool("BONDZONE_HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

BONDZONE_SEED_POLICY = REPO_DIR / "bondzone" / "governance" / "seeds" / "jingzhengfa-2021-33.txt"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BONDZONE_LOG_LEVEL", "WARNING")},
}

PAGE_SIZE = 50
APP_NAME = _("BondZone")

# Background jobs (bondzone/core/jobs.py): a Celery broker, e.g. redis://127.0.0.1:6379/0; empty = run
# tasks in the calling process (no worker needed).
BONDZONE_BROKER_URL = os.environ.get("BONDZONE_BROKER_URL", "")
# Webhook targets on loopback or private networks (and plain http) are refused unless this is on (tests,
# a development machine); it follows DEBUG unless set.
BONDZONE_WEBHOOK_ALLOW_PRIVATE = _env_bool("BONDZONE_WEBHOOK_ALLOW_PRIVATE", "1" if DEBUG else "0")
BONDZONE_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("BONDZONE_WEBHOOK_MAX_ATTEMPTS", "6"))
BONDZONE_WEBHOOK_TIMEOUT = float(os.environ.get("BONDZONE_WEBHOOK_TIMEOUT", "5"))
