"""Settings, all from the environment (see `.env.example`); runs with no `.env` at all.

Secrets may also come from files: `SECRET_KEY_FILE=/run/secrets/key` works for every variable.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.FileAwareEnv(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
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

# Keys for secrets stored in the database (header values, encryption keys), comma-separated:
# the first encrypts, every one decrypts (rotate by prepending a new key, then run
# `manage.py reencrypt_secrets`). Derived from SECRET_KEY when unset (development only).
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")
FIELD_ENCRYPTION_KEYS = [k.strip() for k in FIELD_ENCRYPTION_KEY.split(",") if k.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "api",
    "accounts",
    "profiles",
    "profile_pages",
    "delivery",
    "sms",
    "receive_sms",
    "worker",
    "alerts",
    "ops",
]

MIDDLEWARE = [
    "ops.request_id.RequestIdMiddleware",
    "ops.probes.ProbeMiddleware",
    "accounts.middleware.PercentEncodedQueryStringMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.DisplayTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lock-out into its answer
]

# Content-Security-Policy (django-csp) on every answer: pages load scripts, styles, images and
# fonts from this origin only, with no inline script, style or event handler (templates use
# static/js files and data- attributes). The API docs relax it for their own pages (api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

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
                "alerts.context_processors.open_alerts",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections: each web thread and worker loop keeps its connection this many
# seconds instead of opening one per request (a PostgreSQL connection costs more than a
# send); checked before reuse, so a database restart costs one failed check, not an error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that vanished from the network fails a connect in 10 s instead of never
    # (bin/worker's loops then retry, README "How callbacks are delivered").
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 10)
    # A send's INSERT runs prepared after this many runs on a connection
    # (common/prepared_statements.py); off (0) behind a pooler that cannot keep prepared
    # statements, such as PgBouncer before 1.21 in transaction mode.
    DATABASES["default"]["OPTIONS"].setdefault(
        "prepare_threshold", env.int("DATABASE_PREPARE_THRESHOLD", default=2) or None)
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
# API key → account is remembered this long in that cache (accounts/api_key_cache.py).
API_KEY_CACHE_SECONDS = env.int("API_KEY_CACHE_SECONDS", default=10)

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
AXES_LOCKOUT_CALLABLE = "api.lockout.lockout_response"
AXES_VERBOSE = False
AXES_HANDLER = "accounts.login_throttle.LockoutHandler"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "profiles:list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Request bodies above this are refused with a 413 envelope instead of being parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=256 * 1024)
# JSON nested deeper than this is refused with a 400 (a profile body may nest 16 levels).
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=32)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.HasAccountApiKey"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies only (depth limit, no NUL, no repeated property: api/parsers.py); the SMS
    # send API also takes form bodies, as the original does (sms/apis.py).
    "DEFAULT_PARSER_CLASSES": ["api.parsers.SafeJSONParser"],
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
    # The profile API also takes the original API's name of the default channel.
    "ENUM_NAME_OVERRIDES": {"ChannelInputEnum": "profiles.apis.CHANNEL_INPUTS"},
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
# A real SMSC over SMPP 3.4 (README: Connecting a carrier); empty = the carrier simulator.
SMS_CARRIER_URL = env("SMS_CARRIER_URL", default="")
if SMS_CARRIER_URL:
    from sms.smpp.url import InvalidCarrierUrl, parse_carrier_url

    try:
        parse_carrier_url(SMS_CARRIER_URL)
    except InvalidCarrierUrl as exc:
        raise ImproperlyConfigured(f"SMS_CARRIER_URL {exc}") from None
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
# Seconds between polls when nothing woke the worker (0 = 0.5): committed work wakes workers
# at once (PostgreSQL LISTEN/NOTIFY, SQLite a local socket); the poll finds retries falling due.
DELIVERY_POLL_INTERVAL = env.float("DELIVERY_POLL_INTERVAL", default=0)
# Circuit breaker: consecutive endpoint failures before pausing it, and the cool-off.
DELIVERY_CIRCUIT_THRESHOLD = env.int("DELIVERY_CIRCUIT_THRESHOLD", default=5)
DELIVERY_CIRCUIT_COOLOFF_SECONDS = env.int("DELIVERY_CIRCUIT_COOLOFF_SECONDS", default=30)
DELIVERY_CIRCUIT_MAX_COOLOFF_SECONDS = env.int("DELIVERY_CIRCUIT_MAX_COOLOFF_SECONDS", default=600)
# A worker silent for this long is dead: the sweep gives its claimed deliveries back.
DELIVERY_WORKER_STALE_SECONDS = env.int("DELIVERY_WORKER_STALE_SECONDS", default=30)

# --- Local run (bin/run) ----------------------------------------------------------------------
# The one place the port lives: runserver listens on PORT and the demo's callback URLs (which
# point at this same server's request inbox) are built from PUBLIC_BASE_URL.
PORT = env.int("PORT", default=8000)
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default=f"http://127.0.0.1:{PORT}")

# --- Background tasks (django-tasks backport of django.tasks) --------------------------------
# Other background work (not deliveries or SMS settlement, whose tables are their own queues)
# runs through the database backend, executed inside every `bin/worker` process.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Production (README "Deploying"; `manage.py check --deploy` is clean with these set) -----
# Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
_proxy_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
SECURE_PROXY_SSL_HEADER = tuple(_proxy_header) if len(_proxy_header) == 2 else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
# Static files: whitenoise serves the compressed, content-hashed files that `collectstatic`
# wrote to STATIC_ROOT (bin/serve sets STATICFILES_HASHED=true). Without a manifest
# (development, tests) there are no hashed names to look up, so plain names are used.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
_hashed_static = env.bool(
    "STATICFILES_HASHED", default=not DEBUG and (Path(STATIC_ROOT) / "staticfiles.json").exists()
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if _hashed_static
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
WHITENOISE_MAX_AGE = env.int("WHITENOISE_MAX_AGE", default=3600)
# Link in alert emails (e.g. https://callbacks.example.com); empty = relative paths only.
SITE_URL = env("SITE_URL", default="").rstrip("/")
# Alerts: at most one email per profile per this many seconds.
ALERT_EMAIL_INTERVAL_SECONDS = env.int("ALERT_EMAIL_INTERVAL_SECONDS", default=3600)
# Health and metrics (ops app). /metrics answers a Bearer METRICS_TOKEN, or a client address in
# METRICS_ALLOWED_IPS (CIDRs); everyone else gets 403.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1/32", "::1/128"])
READYZ_HEARTBEAT_MAX_AGE_SECONDS = env.int("READYZ_HEARTBEAT_MAX_AGE_SECONDS", default=60)
READYZ_MAX_QUEUE_AGE_SECONDS = env.int("READYZ_MAX_QUEUE_AGE_SECONDS", default=300)
# Retention: finished deliveries (with their attempts), inbox requests and incoming messages
# older than this many days are pruned in batches (`manage.py prune`, run by bin/serve).
DELIVERY_RETENTION_DAYS = env.int("DELIVERY_RETENTION_DAYS", default=30)
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=1000)
# Recover ("resend every failed delivery since T"): at most this many per run, this far back.
RECOVER_MAX_DELIVERIES = env.int("RECOVER_MAX_DELIVERIES", default=10000)
RECOVER_MAX_AGE_DAYS = env.int("RECOVER_MAX_AGE_DAYS", default=14)
# Logs: LOG_FORMAT=json prints one JSON object per line with the request id.
LOG_FORMAT = env("LOG_FORMAT", default="text")

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Email, used by the Receive Message "Forward" action. EMAIL_URL as django-environ reads it:
# smtp+tls://user:password@smtp.example.com:587, or consolemail:// (print to the console).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="callbacks@localhost")

# Every log line carries the request id (X-Request-ID) of the request that wrote it, if any.
LOGGING["filters"] = {"request_id": {"()": "ops.request_id.RequestIdFilter"}}
LOGGING["handlers"]["console"]["filters"] = ["request_id"]
if LOG_FORMAT == "json":
    LOGGING["formatters"] = {"json": {"()": "ops.log_format.JsonFormatter"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
