"""Settings, read from the environment.

KAOHE_ENV=production turns on the production checks: a secret key must be given, DEBUG is off and
cookies are secure. Everything else has a default that serves the demo on SQLite.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KAOHE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = os.environ.get("KAOHE_ENV", "development") == "production"


def _secret_key() -> str:
    key = os.environ.get("KAOHE_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("KAOHE_SECRET_KEY must be set when KAOHE_ENV=production")
    # The demo keeps a generated key in var/ so sessions survive a restart.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("KAOHE_DEBUG", "0" if PRODUCTION else "1") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("KAOHE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("KAOHE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "ninja",  # serves the API docs (Swagger UI) from its own static files, not a CDN
    "kaohe.platform",
    "kaohe.web",
    "kaohe.audit",
    "kaohe.accounts",
    "kaohe.org",
    "kaohe.worklog",
    "kaohe.scheduler",
    "kaohe.ballot",
    "kaohe.appraisal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kaohe.web.middleware.TokenRequestMiddleware",  # a bearer-token API call skips the browser's parts
    "kaohe.web.middleware.SessionMiddleware",
    "kaohe.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kaohe.web.middleware.CsrfViewMiddleware",
    "kaohe.web.middleware.AuthenticationMiddleware",
    "kaohe.web.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kaohe.urls"
WSGI_APPLICATION = "kaohe.wsgi.application"

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
                "kaohe.web.context.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# DATABASE_URL selects the database; the default is an embedded SQLite file in WAL mode.
_default_sqlite = f"sqlite:///{VAR_DIR / 'kaohe.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections as on PostgreSQL: opening one per request (and running the PRAGMAs
    # below) cost about as much CPU as the bare request itself.
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside one writer; IMMEDIATE avoids lock-upgrade deadlocks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif os.environ.get("KAOHE_DB_PREPARE", "1") != "0":
    # The hottest hand-written statements (the API token read, the log write) are prepared once per
    # connection (kaohe.db.prepared_cursor); the ORM's statements never are, at this threshold.
    # KAOHE_DB_PREPARE=0 turns it off, for a connection pooler that cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed-login throttling (django-axes): at most KAOHE_LOGIN_FAILURES failures an hour per account,
# then that account is locked until the hour is over. Not per address: a whole township office sits
# behind one NAT address, and one mistyping colleague must not lock everyone out (so axes.W006 is
# silenced on purpose).
AXES_FAILURE_LIMIT = int(os.environ.get("KAOHE_LOGIN_FAILURES", "100"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = int(os.environ.get("KAOHE_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("KAOHE_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("KAOHE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Uploads: Excel imports and attachments are bounded.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
KAOHE_MAX_UPLOAD_BYTES = int(os.environ.get("KAOHE_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
KAOHE_WORKLOG_ATTACHMENT_BYTES = int(os.environ.get("KAOHE_WORKLOG_ATTACHMENT_BYTES", str(5 * 1024 * 1024)))

# --- Mail (work-log reminders by email) ------------------------------------------------------------
# Without EMAIL_HOST the demo prints mails to the console instead of trying a local SMTP server.
if os.environ.get("EMAIL_HOST"):
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "465"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "1") == "1"
    EMAIL_USE_TLS = not EMAIL_USE_SSL and os.environ.get("EMAIL_USE_TLS", "0") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kaohe@localhost")

# --- Cache ------------------------------------------------------------------------------------------
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Language and time ---------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "kaohe" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("KAOHE_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("KAOHE_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KAOHE_LOG_LEVEL", "WARNING")},
}
