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
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and TESTING:
    from django.core.management.utils import get_random_secret_key

    SECRET_KEY = get_random_secret_key()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set it in the environment (or DEBUG=true for development)."
        )
    # Development only: a random key kept in the project's (git-ignored) data folder.
    from django.core.management.utils import get_random_secret_key

    _key_file = BASE_DIR / ".data" / "dev-secret-key"
    if not _key_file.exists():
        _key_file.parent.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(get_random_secret_key())
    SECRET_KEY = _key_file.read_text().strip()
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
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "config.apps.ConfigAppConfig",
    "coverage.apps.CoverageConfig",
    "policies.apps.PoliciesConfig",
    "claims.apps.ClaimsConfig",
    "claims.vendors.apps.VendorsConfig",
    "claims.money.apps.MoneyConfig",
    "claims.portal.apps.PortalConfig",
    "privacy.apps.PrivacyConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "language.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
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
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="claims@example.com")

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
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
# A request must never hang on a broker that is down: fail fast and leave the work in the outbox.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 0,
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "config.outbox_sweep", "schedule": timedelta(seconds=60)},
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
}
# Seconds a pending outbox message waits before the sweep sends it again.
OUTBOX_RETRY_AFTER = env.int("OUTBOX_RETRY_AFTER", default=30)
# Seconds a pending payment waits before the payments sweep enqueues its task again.
PAYMENT_RETRY_AFTER = env.int("PAYMENT_RETRY_AFTER", default=120)
# Test-only: seconds the payment task waits inside its transaction (to kill a worker mid-task).
PAYMENT_EXECUTE_DELAY = env.int("PAYMENT_EXECUTE_DELAY", default=0) if TESTING else 0

# --- REST framework ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes "not signed in" a 401, not a 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
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
    "SERVE_INCLUDE_SCHEMA": False,
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

# --- Cache (login rate limits) -------------------------------------------------------------------


def _cache_location(url: str) -> str:
    """redis-py's URL for ``REDIS_URL``; kombu's ``redis+socket://PATH`` becomes ``unix://PATH``."""
    if url.startswith("redis+socket://"):
        return "unix://" + url.removeprefix("redis+socket://")
    return url


CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache",
         "LOCATION": _cache_location(REDIS_URL), "KEY_PREFIX": "claims"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Failed sign-ins per IP address and username before further attempts are refused for a while.
LOGIN_FAILURES_ALLOWED = env.int("LOGIN_FAILURES_ALLOWED", default=5)
LOGIN_FAILURES_WINDOW_SECONDS = env.int("LOGIN_FAILURES_WINDOW_SECONDS", default=15 * 60)

# --- Security (production: DEBUG off) ------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

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

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    SECURE_SSL_REDIRECT = False
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
