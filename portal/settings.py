"""All settings, read from the environment (see README "Configuration").

With nothing set the portal runs on embedded defaults: SQLite, a local-memory
cache, and a Celery broker kept in files, so one machine needs no other service.
"""

from pathlib import Path

import dj_database_url

from portal.env import (
    ImproperlyConfiguredEnv,
    env_bool,
    env_int,
    env_int_list,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfiguredEnv("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Base URL that consumers call; appears in code snippets and OpenAPI documents.
GATEWAY_URL = env_str("GATEWAY_URL", SITE_URL).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "template_partials",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "portal",
    "catalog",
    "serving",
    "billing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

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
            ],
        },
    },
]

# --- Database: SQLite unless DATABASE_URL names another (PostgreSQL via psycopg 3).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if not DATABASE_IS_POSTGRES:
    # Workers share the file with the web process: wait for locks, take them up front, and
    # keep the test database in a file too so that a test's worker process can open it.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Redis.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery: a real broker when configured, else a broker kept in files so that a
# web process and a worker on one machine talk without any server.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _celery_dir = VAR_DIR / "celery"
    for _folder in ("queue", "processed", "control"):
        (_celery_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        # Broadcasts (remote control); kombu's default is a `control` folder in the cwd.
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = "default"
# Host tasks (start, check, stop services) are sent to `host.<name>` explicitly.
CELERY_TASK_ROUTES = {
    "serving.tasks.validate_artifact": {"queue": "build"},
    "serving.tasks.build": {"queue": "build"},
    "serving.tasks.deploy": {"queue": "build"},
    "serving.tasks.run_gates": {"queue": "gates"},
    "serving.tasks.run_job": {"queue": "inference"},
    "serving.tasks.deliver_webhook": {"queue": "inference"},
    "serving.tasks.recheck_gates": {"queue": "gates"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = "UTC"
if CELERY_BROKER_URL.startswith("redis"):
    # An unacknowledged task (its worker died) is redelivered after this long.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
    }
CELERY_BEAT_SCHEDULE = {
    "health-sweep": {"task": "serving.tasks.health_sweep", "schedule": 60.0},
    "recover-stalled-versions": {
        "task": "serving.tasks.recover_stalled_versions",
        "schedule": 300.0,
    },
    # Metered calls move from Redis counters to hourly UsageRecord rows.
    "flush-usage": {"task": "billing.tasks.flush_usage", "schedule": 30.0},
    "recheck-live-versions": {"task": "serving.tasks.recheck_live_versions", "schedule": 86400.0},
    "retire-sunset-versions": {"task": "serving.tasks.retire_sunset_versions", "schedule": 3600.0},
    # Closes due billing periods, then retries unpaid invoices and suspends after grace.
    "billing-run": {"task": "billing.tasks.run_billing", "schedule": 300.0},
}

# --- Publishing pipeline and serving hosts.
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 200)
BENTOML_HOME = Path(env_str("BENTOML_HOME", str(VAR_DIR / "bentoml")))
# A worker consuming `host.<name>` registers that host with these figures.
SERVING_HOST_KIND = env_str("SERVING_HOST_KIND", "cpu")
SERVING_HOST_CAPACITY = env_int("SERVING_HOST_CAPACITY", 4)
SERVING_HOST_MEMORY_MB = env_int("SERVING_HOST_MEMORY_MB", 1024)
if SERVING_HOST_KIND not in ("cpu", "gpu"):
    raise ImproperlyConfiguredEnv(f"SERVING_HOST_KIND={SERVING_HOST_KIND!r} must be cpu or gpu.")
PIPELINE_STALL_MINUTES = env_int("PIPELINE_STALL_MINUTES", 30)
# The latency gate's bounded load: this many concurrent clients for this many seconds.
GATE_LATENCY_CLIENTS = env_int("GATE_LATENCY_CLIENTS", 4)
GATE_LATENCY_SECONDS = env_int("GATE_LATENCY_SECONDS", 5)

# --- Billing. The portal is the billing engine; Stripe (or localstripe in tests, through
# STRIPE_API_BASE) is the payment rail. Keys are unset on the embedded defaults: paid plans then
# say that card payments are not configured.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")
STRIPE_JS_URL = env_str("STRIPE_JS_URL", "https://js.stripe.com/v3/")
# Seconds a Stripe call may take before the call (and the period close) is retried later.
STRIPE_TIMEOUT_SECONDS = env_int("STRIPE_TIMEOUT_SECONDS", 20)
# The publisher's share of each paid invoice, in whole percent.
REVENUE_SHARE_PERCENT = env_int("REVENUE_SHARE_PERCENT", 80)
# After a failed payment: retried after each of these hours in turn; keys suspended once the
# first failure is this many days old, and served again as soon as the invoice is paid.
BILLING_RETRY_HOURS = env_int_list("BILLING_RETRY_HOURS", [24, 72, 120])
BILLING_GRACE_DAYS = env_int("BILLING_GRACE_DAYS", 7)
# When Stripe cannot be reached, a period's invoice is collected again after this long.
BILLING_UNREACHABLE_RETRY_MINUTES = env_int("BILLING_UNREACHABLE_RETRY_MINUTES", 15)
# A period closes this long after its end, once the gateway has flushed its last hour of usage.
BILLING_CLOSE_DELAY_MINUTES = env_int("BILLING_CLOSE_DELAY_MINUTES", 10)
if not 0 <= REVENUE_SHARE_PERCENT <= 100:
    raise ImproperlyConfiguredEnv(f"REVENUE_SHARE_PERCENT={REVENUE_SHARE_PERCENT} is not 0-100.")

# --- Gateway. Job webhooks to private or loopback addresses are refused unless allowed
# (a webhook URL must not reach the platform's own network).
JOB_WEBHOOK_ALLOW_PRIVATE = env_bool("JOB_WEBHOOK_ALLOW_PRIVATE", DEBUG)
# When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`.
METRICS_TOKEN = env_str("METRICS_TOKEN")

# --- Accounts (django-allauth): email is the identity, verified before login.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Model Market] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Model Market"
LOGIN_REDIRECT_URL = "/dashboard/"
LOGIN_URL = "/accounts/login/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Email: printed to the console unless an SMTP host is configured.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Model Market <noreply@localhost>")

# --- Platform REST API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.tokens.PersonalAccessTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Model Market platform API",
    "DESCRIPTION": "Catalog data and publisher operations. Model calls go through the gateway "
    "(/v1/...), documented per version by each version's own OpenAPI document.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Static and media files.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at start when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed names in production (after collectstatic); plain names in DEBUG and tests.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
# Uploads go to the filesystem unless an S3-compatible bucket is configured.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
_media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if AWS_STORAGE_BUCKET_NAME:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
            "region_name": env_str("AWS_S3_REGION_NAME"),
            "access_key": env_str("AWS_ACCESS_KEY_ID"),
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY"),
            "default_acl": None,
            "querystring_auth": True,
        },
    }
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security. Production defaults are strict; a TLS-terminating proxy sets the header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
