"""Settings, all from the environment (see `.env.example`); runs with no `.env` at all.

Secrets may also come from files: `SECRET_KEY_FILE=/run/secrets/key` works for every variable.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.FileAwareEnv(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "testserver"]),
)
if (BASE_DIR / ".env").exists():
    environ.FileAwareEnv.read_env(BASE_DIR / ".env")

DEBUG = env("DEBUG")
# A fixed development key only while DEBUG is on or nothing was configured for a local run;
# production sets SECRET_KEY (checked by `manage.py check --deploy`).
SECRET_KEY = env(
    "SECRET_KEY", default="django-insecure-dev-key-change-me-0123456789-callback-profiles"
)
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Key for secrets stored in the database (header values, encryption keys). Derived from
# SECRET_KEY when unset; set it explicitly so SECRET_KEY can be rotated independently.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "api",
    "accounts",
    "profiles",
    "delivery",
    "sms",
    "receive_sms",
    "worker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "common.middleware.UTCTimesMiddleware",  # times on pages are UTC whatever TIME_ZONE says
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lock-out into its answer
]

ROOT_URLCONF = "callbackadmin.urls"
WSGI_APPLICATION = "callbackadmin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.current_account",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web process and the workers share the file. In WAL mode
    # synchronous=NORMAL survives any process crash (a killed worker loses nothing committed);
    # only an OS crash or power cut can undo the last commits. FULL fsyncs every commit
    # (~5 ms each here): set SQLITE_SYNCHRONOUS=FULL to trade that speed for power-cut safety.
    SQLITE_SYNCHRONOUS = env("SQLITE_SYNCHRONOUS", default="NORMAL")
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20, "transaction_mode": "IMMEDIATE",
        "init_command": f"PRAGMA journal_mode=WAL; PRAGMA synchronous={SQLITE_SYNCHRONOUS};",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits (Test button) count in this cache: set CACHE_URL=redis://... (or a database
# cache) when several web processes must share the count.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Login and API-key lock-out (django-axes, accounts/login_throttle.py): after
# LOGIN_FAILURE_LIMIT failures for one username (or one SID's api-key) from one address, that
# pair is locked for LOGIN_LOCKOUT_MINUTES, even with the right password or key.
AUTHENTICATION_BACKENDS = [
    "accounts.login_throttle.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.login_throttle.lockout_response"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "profiles:list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# Request bodies above this are refused with a 413 envelope instead of being parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=256 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.HasAccountApiKey"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.SafeJSONParser",  # depth limit, no NUL characters (api/parsers.py)
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "api.exception_handlers.envelope_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Callback Profiles API",
    "DESCRIPTION": "Callback profiles, SMS with delivery reports, and Receive SMS configurations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Wrap every answer in the envelope and list the error codes (api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums", "api.schema.envelope_hook",
    ],
}

# --- Product settings -------------------------------------------------------------------------
# Region prefix of public ids: profile ids look like IN_<uuid4>, SIDs like HXIN....
CALLBACK_PROFILE_ID_PREFIX = env("CALLBACK_PROFILE_ID_PREFIX", default="IN")
# Callbacks to loopback/private addresses are refused unless this is on (SSRF guard).
CALLBACK_ALLOW_PRIVATE_NETWORKS = env.bool("CALLBACK_ALLOW_PRIVATE_NETWORKS", default=DEBUG)
INBOUND_SMS_TOKEN = env("INBOUND_SMS_TOKEN", default="dev-inbound-token")
# A carrier post without its own message_id that repeats sender + text on the same number within
# this many seconds is a replay: answered 200, neither stored nor fired again.
INBOUND_DEDUP_WINDOW_SECONDS = env.int("INBOUND_DEDUP_WINDOW_SECONDS", default=300)
SMS_DLR_DELAY_SECONDS = env.float("SMS_DLR_DELAY_SECONDS", default=2.0)
# Callback delivery (delivery/policy.py documents retries and auto-disable).
CALLBACK_CONNECT_TIMEOUT = env.float("CALLBACK_CONNECT_TIMEOUT", default=5.0)
CALLBACK_READ_TIMEOUT = env.float("CALLBACK_READ_TIMEOUT", default=15.0)
CALLBACK_TEST_READ_TIMEOUT = env.float("CALLBACK_TEST_READ_TIMEOUT", default=10.0)
CALLBACK_CA_BUNDLE = env("CALLBACK_CA_BUNDLE", default="")  # extra CAs for private endpoints
CALLBACK_TEST_RATE_LIMIT = env.int("CALLBACK_TEST_RATE_LIMIT", default=10)  # per account...
CALLBACK_TEST_RATE_WINDOW = env.int("CALLBACK_TEST_RATE_WINDOW", default=60)  # ...per N seconds
DELIVERY_RESEND_RATE_LIMIT = env.int("DELIVERY_RESEND_RATE_LIMIT", default=20)  # per account...
DELIVERY_RESEND_RATE_WINDOW = env.int("DELIVERY_RESEND_RATE_WINDOW", default=60)  # ...per N s
# A SENDING delivery claimed longer ago than this is re-queued even if its worker looks alive.
DELIVERY_LEASE_SECONDS = env.int("DELIVERY_LEASE_SECONDS", default=300)

# --- Delivery engine (delivery/engine) and the worker process (bin/worker) -------------------
# Attempts in flight per worker process, and the most one endpoint may use of them (a profile's
# max_concurrency can lower it). Endpoints start with a few slots and earn more while healthy.
DELIVERY_CONCURRENCY = env.int("DELIVERY_CONCURRENCY", default=100)
DELIVERY_ENDPOINT_CONCURRENCY = env.int("DELIVERY_ENDPOINT_CONCURRENCY", default=50)
DELIVERY_ENDPOINT_INITIAL_CONCURRENCY = env.int("DELIVERY_ENDPOINT_INITIAL_CONCURRENCY", default=4)
DELIVERY_SLOW_RESPONSE_MS = env.int("DELIVERY_SLOW_RESPONSE_MS", default=5000)
DELIVERY_BATCH_SIZE = env.int("DELIVERY_BATCH_SIZE", default=100)
# Seconds between polls when nothing woke the worker (0 = 0.05 on SQLite, 0.5 on PostgreSQL,
# where LISTEN/NOTIFY wakes workers at once).
DELIVERY_POLL_INTERVAL = env.float("DELIVERY_POLL_INTERVAL", default=0)
# Circuit breaker: consecutive endpoint failures before pausing it, and the cool-off.
DELIVERY_CIRCUIT_THRESHOLD = env.int("DELIVERY_CIRCUIT_THRESHOLD", default=5)
DELIVERY_CIRCUIT_COOLOFF_SECONDS = env.int("DELIVERY_CIRCUIT_COOLOFF_SECONDS", default=30)
DELIVERY_CIRCUIT_MAX_COOLOFF_SECONDS = env.int("DELIVERY_CIRCUIT_MAX_COOLOFF_SECONDS", default=600)
# A worker silent for this long is dead: the sweep gives its claimed deliveries back.
DELIVERY_WORKER_STALE_SECONDS = env.int("DELIVERY_WORKER_STALE_SECONDS", default=30)

# --- Background tasks (django-tasks backport of django.tasks) --------------------------------
# Other background work (not deliveries or SMS settlement, whose tables are their own queues)
# runs through the database backend, executed inside every `bin/worker` process.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Email, used by the Receive Message "Forward" action. EMAIL_URL as django-environ reads it:
# smtp+tls://user:password@smtp.example.com:587, or consolemail:// (print to the console).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="callbacks@localhost")
