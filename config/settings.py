"""Settings for the claims system, read from the environment.

DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS are the knobs; with no DATABASE_URL an
embedded PostgreSQL server is started (config.embedded), with no REDIS_URL Celery runs eagerly.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import environ
from django.core.exceptions import ImproperlyConfigured

from config import embedded

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
TESTING = os.environ.get("CLAIMS_TESTING") == "1"
# "development" (manage.py and `make run` set it) or "production" (the default: gunicorn, Celery,
# compose). Development has a generated secret key, embedded servers and plain HTTP; production
# takes every setting from the environment and refuses to start without them. DEBUG (Django's
# debug pages) is separate and off unless asked for, in either.
ENVIRONMENT = env.str("CLAIMS_ENV", default="production")
if ENVIRONMENT not in ("development", "production"):
    raise ImproperlyConfigured(
        f"CLAIMS_ENV must be development or production, not {ENVIRONMENT!r}."
    )
DEVELOPMENT = ENVIRONMENT == "development" or TESTING
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and TESTING:
    from django.core.management.utils import get_random_secret_key

    SECRET_KEY = get_random_secret_key()
if not SECRET_KEY:
    if not (DEBUG or DEVELOPMENT):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: production takes it from the environment "
            "(for development, run manage.py or `make run`, or set CLAIMS_ENV=development)."
        )
    # Development only: a random key kept in the project's (git-ignored) data folder.
    from django.core.management.utils import get_random_secret_key

    _key_file = BASE_DIR / ".data" / "dev-secret-key"
    if not _key_file.exists():
        _key_file.parent.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(get_random_secret_key())
    SECRET_KEY = _key_file.read_text().strip()
if not (DEVELOPMENT or DEBUG):
    _missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if _missing:
        raise ImproperlyConfigured(
            f"{' and '.join(_missing)} not set: production takes its servers from the environment "
            "(development starts embedded ones)."
        )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

embedded.ensure_servers(BASE_DIR)
REDIS_URL = env.str("REDIS_URL", default="")

INSTALLED_APPS = [
    # First: its ready() gives every admin form's decimal field the one money field.
    "language.apps.LanguageConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "knox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "accounts.apps.AccountsConfig",
    "config.apps.ConfigAppConfig",
    "coverage.apps.CoverageConfig",
    "policies.apps.PoliciesConfig",
    "claims.apps.ClaimsConfig",
    "claims.vendors.apps.VendorsConfig",
    "claims.money.apps.MoneyConfig",
    "claims.events.apps.EventsConfig",
    "claims.portal.apps.PortalConfig",
    "privacy.apps.PrivacyConfig",
    "demo.apps.DemoConfig",  # manage.py demo_data
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.OTPMiddleware",  # django-otp's, its device read compiled
    "language.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    # Last: turns a locked-out sign-in into the 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
            ],
            "builtins": ["language.templatetags.money"],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL")}
# A Unix socket directory travels percent-encoded in the host part of the URL.
DATABASES["default"]["HOST"] = unquote(DATABASES["default"]["HOST"])
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (seconds), checked before reuse: no connect per request, and a
# connection broken by a database restart is noticed and replaced at the next request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
    "DATABASE_CONNECT_TIMEOUT", default=3
)
# Parameters bound by the server (psycopg 3), so a statement a connection runs again is prepared
# once and planned once (psycopg's prepare_threshold): the claim page's 20 statements took
# 14.4 ms of PostgreSQL's CPU per request planned each time, 5.4 ms prepared.
DATABASES["default"]["OPTIONS"]["server_side_binding"] = env.bool(
    "DATABASE_SERVER_SIDE_BINDING", default=True)
DATABASES["default"]["OPTIONS"]["prepare_threshold"] = env.int(
    "DATABASE_PREPARE_THRESHOLD", default=2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# German first, English complete (README: "Languages"). A signed-in user's choice wins, then the
# language cookie, then Accept-Language, then German.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# config/formats/<lang>/formats.py: German number, date and time formats (and typed input).
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGE_COOKIE_NAME = "claims_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Documents in S3-compatible object storage (MinIO, AWS S3, ...) when a bucket is configured, so
# web and worker processes share no disk; else on local disk (MEDIA_ROOT). Either way the files
# are private and reach a user only through the app's authorised download views.
DOCUMENTS_S3_BUCKET = env.str("DOCUMENTS_S3_BUCKET", default="")
if DOCUMENTS_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": DOCUMENTS_S3_BUCKET,
            "endpoint_url": env.str("DOCUMENTS_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("DOCUMENTS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("DOCUMENTS_S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env.str("DOCUMENTS_S3_REGION", default="eu-central-1"),
            "location": env.str("DOCUMENTS_S3_PREFIX", default="documents"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Email: SMTP from the environment (EMAIL_URL, e.g. smtp+tls://user:password@mail.example.com:587);
# the console backend (mails, password-reset links included, printed to the log) only with DEBUG.
_email = env.email_url("EMAIL_URL") if env.str("EMAIL_URL", default="") else {}
EMAIL_BACKEND = _email.get("EMAIL_BACKEND") or env.str("EMAIL_BACKEND", default=(
    "django.core.mail.backends.console.EmailBackend" if DEBUG or DEVELOPMENT
    else "django.core.mail.backends.smtp.EmailBackend"))
EMAIL_HOST = _email.get("EMAIL_HOST") or env.str("EMAIL_HOST", default="")
EMAIL_PORT = _email.get("EMAIL_PORT") or env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = (_email.get("EMAIL_HOST_PASSWORD")
                       or env.str("EMAIL_HOST_PASSWORD", default=""))
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", env.bool("EMAIL_USE_TLS", default=True))
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False) and not EMAIL_USE_TLS
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / ".data" / "mail"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="claims@example.com")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
# kombu's Redis transport with one client object per channel instead of one per message
# (config/broker.py); other brokers (rediss://, sentinel, memory://) as kombu has them.
CELERY_BROKER_TRANSPORT = ("config.broker:Transport" if CELERY_BROKER_URL.startswith("redis://")
                           else None)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = env.bool("CELERY_TASK_EAGER_PROPAGATES", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A request must never hang on a broker that is down or frozen: every Redis use times out in about
# 1 s, and the work stays in the outbox (see config/outbox.py).
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=1.0)
# The cache answers in milliseconds when Redis is well; it fails open (config/cache.py).
REDIS_CACHE_TIMEOUT = env.float("REDIS_CACHE_TIMEOUT", default=0.3)
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
    "max_retries": 0,
    "visibility_timeout": 3600,
}
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "config.outbox_sweep", "schedule": timedelta(seconds=60)},
    "outbox-prune": {"task": "config.outbox_prune", "schedule": timedelta(hours=24)},
    "policies-expire-due": {"task": "policies.policy_expire_due", "schedule": timedelta(days=1)},
    "claims-activities-escalate-overdue": {
        "task": "claims.activities_escalate_overdue",
        "schedule": timedelta(minutes=5),
    },
    "money-payments-sweep": {"task": "money.payments_sweep", "schedule": timedelta(seconds=60)},
    "vendors-jobs-escalate-unaccepted": {
        "task": "vendors.jobs_escalate_unaccepted",
        "schedule": timedelta(minutes=1),
    },
    "privacy-retention-sweep": {"task": "privacy.retention_sweep", "schedule": timedelta(days=1)},
    "privacy-exports-expire": {
        "task": "privacy.data_exports_expire", "schedule": timedelta(hours=1)},
    "events-reports-register": {
        "task": "events.event_reports_register", "schedule": timedelta(seconds=5),
    },
    "claims-report-receipts-register": {
        "task": "claims.report_receipts_register", "schedule": timedelta(seconds=5),
    },
}
# The outbox (config/outbox.py, config/relay.py). Seconds a pending message waits before the beat's
# sweep sends it (the relay usually has); where processes publish their own commits (below), the
# workers' relay sends what is left after OUTBOX_RELAY_GRACE seconds, checking every
# OUTBOX_RELAY_INTERVAL seconds (0: no relay thread).
OUTBOX_RETRY_AFTER = env.int("OUTBOX_RETRY_AFTER", default=5)
OUTBOX_RELAY_INTERVAL = env.float("OUTBOX_RELAY_INTERVAL", default=1.0)
OUTBOX_RELAY_GRACE = env.float("OUTBOX_RELAY_GRACE", default=2.0)
# Seconds after which a message handed to the broker but never confirmed by its task is sent again.
OUTBOX_CONFIRM_AFTER = env.int("OUTBOX_CONFIRM_AFTER", default=120)
# After a failed publish, a process sends nothing itself for this long (the relay does).
OUTBOX_BREAKER_SECONDS = env.float("OUTBOX_BREAKER_SECONDS", default=10.0)
# Who hands a committed message to the broker:
# - "relay" (production): the workers' relay threads, which look for pending messages every
#   OUTBOX_RELAY_POLL seconds and send them at once; the process that committed (a web request,
#   a task) does no broker work at all;
# - "thread": a publisher thread of the committing process, as soon as it has committed;
# - "inline": the committing thread itself, after commit (the tests: they see the result at once).
OUTBOX_PUBLISHER = env.str("OUTBOX_PUBLISHER", default="inline" if TESTING else "relay")
if OUTBOX_PUBLISHER not in ("relay", "thread", "inline"):
    raise ImproperlyConfigured(
        f"OUTBOX_PUBLISHER must be relay, thread or inline, not {OUTBOX_PUBLISHER!r}.")
OUTBOX_RELAY_POLL = env.float("OUTBOX_RELAY_POLL", default=0.05)
# A task that raised is retried after base * 2^(n-1) seconds (capped), at most MAX_ATTEMPTS times.
OUTBOX_BACKOFF_BASE = env.int("OUTBOX_BACKOFF_BASE", default=10)
OUTBOX_BACKOFF_MAX = env.int("OUTBOX_BACKOFF_MAX", default=3600)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=14)
# /healthz: a worker is alive when its heartbeat is younger than WORKER_HEARTBEAT_STALE seconds;
# the outbox is late when a message has waited longer than OUTBOX_LATE_AFTER seconds.
WORKER_HEARTBEAT_INTERVAL = env.float("WORKER_HEARTBEAT_INTERVAL", default=5.0)
WORKER_HEARTBEAT_STALE = env.int("WORKER_HEARTBEAT_STALE", default=30)
OUTBOX_LATE_AFTER = env.int("OUTBOX_LATE_AFTER", default=300)
# Seconds a pending payment waits before the payments sweep enqueues its task again.
PAYMENT_RETRY_AFTER = env.int("PAYMENT_RETRY_AFTER", default=120)
# Seconds the admin start page's charts, and its work queues that are the same for every user,
# are kept in the cache (0: computed on every visit, as the tests do; a user's own queues are
# always counted).
DASHBOARD_CHARTS_SECONDS = env.int("DASHBOARD_CHARTS_SECONDS", default=0 if TESTING else 60)
DASHBOARD_QUEUES_SECONDS = env.int("DASHBOARD_QUEUES_SECONDS", default=0 if TESTING else 10)

# --- REST framework ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes "not signed in" a 401, not a 403.
        "accounts.authentication.TokenAuthentication",  # knox's, one statement
        "accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "claims.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Page numbers, 50 a page, with a count that never scans the whole table (claims.pagination).
    "DEFAULT_PAGINATION_CLASS": "claims.pagination.EstimatedCountPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Claims API",
    "DESCRIPTION": (
        "Claims handling for IT-liability and cyber insurance. Every error has the shape "
        '{"error": {"code", "message", "fields"}}. Writes that create claims or money accept an '
        "Idempotency-Key header."
    ),
    "VERSION": "1.0.0",
    # Swagger UI from our own static files (works without internet and under the CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema is generated and checked by the tests (tests/api/test_schema.py, schemathesis
    # per role), not by `check --deploy`, where cosmetic enum-naming notes would fail the check.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema_document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ClaimStateEnum": "claims.models.claim.ClaimState",
        "VendorJobStateEnum": "claims.vendors.models.JobState",
        "SettlementStateEnum": "claims.money.models.SettlementState",
        "InformationRequestKindEnum": "claims.models.records.InformationRequest.Kind",
        "InformationRequestStatusEnum": "claims.models.records.InformationRequest.Status",
        "ReserveKindEnum": "claims.money.models.ReserveKind",
        "PolicyStatusEnum": "policies.models.Policy.Status",
    },
}

# --- Cache --------------------------------------------------------------------------------------


def _cache_location(url: str) -> str:
    """redis-py's URL for ``REDIS_URL``; kombu's ``redis+socket://PATH`` becomes ``unix://PATH``."""
    if url.startswith("redis+socket://"):
        return "unix://" + url.removeprefix("redis+socket://")
    return url


CACHES = {
    "default": (
        {"BACKEND": "config.cache.FailOpenRedisCache",
         "LOCATION": _cache_location(REDIS_URL), "KEY_PREFIX": "claims",
         "OPTIONS": {"socket_timeout": REDIS_CACHE_TIMEOUT,
                     "socket_connect_timeout": REDIS_CACHE_TIMEOUT}}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Sign-in: backends, login limits (django-axes), API tokens (knox), two-factor (django-otp) ---
# Django's database sessions, read by a statement compiled once per connection
# (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
AUTHENTICATION_BACKENDS = [
    # First: a locked-out name or address never reaches the password check.
    "accounts.backends.LoginLimitBackend",
    "accounts.backends.NormalisedUsernameBackend",
]
# Failed sign-ins allowed per user name and, separately, per IP address before further attempts
# are refused for LOGIN_FAILURES_WINDOW_SECONDS. Kept in the database (no cache to fail open).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURES_ALLOWED", default=5)
AXES_COOLOFF_TIME = timedelta(seconds=env.int("LOGIN_FAILURES_WINDOW_SECONDS", default=15 * 60))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "accounts.usernames.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
# The client's address is REMOTE_ADDR unless a trusted proxy count is configured (a header such
# as X-Forwarded-For is set by the client and would let it pick a fresh address per attempt).
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=None) if env.str(
    "AXES_PROXY_COUNT", default="") else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)
AXES_VERBOSE = False
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_IDLE_DAYS", default=30)),
    "AUTO_REFRESH": True,  # the expiry moves on with each use: it counts idle days
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": None,
}
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Claims")

# --- Security (production: DEBUG off) ------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not (DEBUG or DEVELOPMENT):
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Development without DEBUG (the friendly error pages): static files straight from the apps.
WHITENOISE_USE_FINDERS = DEVELOPMENT
WHITENOISE_AUTOREFRESH = DEVELOPMENT and not TESTING
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles and images from our own origin only, no
# inline scripts anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Templates still carry small style attributes and blocks; scripts are strictly files.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if not (DEBUG or DEVELOPMENT) and EMAIL_BACKEND.endswith("console.EmailBackend"):
    raise ImproperlyConfigured(
        "The console email backend prints password-reset links to the log: set EMAIL_URL (or "
        "EMAIL_HOST and friends) for production, or DEBUG=true for development."
    )
if not (DEBUG or DEVELOPMENT) and EMAIL_BACKEND.endswith("smtp.EmailBackend") and not EMAIL_HOST:
    raise ImproperlyConfigured(
        "No email server is configured: set EMAIL_URL (e.g. smtp+tls://user:password@host:587) "
        "or EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Vendors: an invoice above the approved estimate by more than this fraction needs the adjuster's
# explicit approval; an emergency job not accepted within the window goes to the next vendor.
VENDOR_INVOICE_TOLERANCE = env.str("VENDOR_INVOICE_TOLERANCE", default="0.10")
VENDOR_EMERGENCY_ACCEPT_MINUTES = env.int("VENDOR_EMERGENCY_ACCEPT_MINUTES", default=60)

# Data protection: days a finished export's download link works; days a vendor still sees the
# policyholder's contact after finishing a job.
PRIVACY_EXPORT_LINK_DAYS = env.int("PRIVACY_EXPORT_LINK_DAYS", default=7)
PRIVACY_VENDOR_CONTACT_GRACE_DAYS = env.int("PRIVACY_VENDOR_CONTACT_GRACE_DAYS", default=14)

# Uploads: size limit in bytes for a claim document.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Office documents are ZIP archives: bounds on what they may unpack to (zip bombs).
DOCUMENT_ZIP_MAX_TOTAL_BYTES = env.int("DOCUMENT_ZIP_MAX_TOTAL_BYTES", default=100 * 1024 * 1024)
DOCUMENT_ZIP_MAX_MEMBER_BYTES = env.int("DOCUMENT_ZIP_MAX_MEMBER_BYTES",
                                        default=50 * 1024 * 1024)
DOCUMENT_ZIP_MAX_RATIO = env.int("DOCUMENT_ZIP_MAX_RATIO", default=100)
DOCUMENT_ZIP_MAX_MEMBERS = env.int("DOCUMENT_ZIP_MAX_MEMBERS", default=2000)

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    SECURE_SSL_REDIRECT = False
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # `make test` runs the tests in several processes (pytest-xdist), each on a test database of
    # its own; their cache entries (throttles, sign-in counters, the sidebar) are kept apart too.
    if os.environ.get("PYTEST_XDIST_WORKER") and "KEY_PREFIX" in CACHES["default"]:
        CACHES["default"]["KEY_PREFIX"] += f"-{os.environ['PYTEST_XDIST_WORKER']}"
