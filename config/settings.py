"""Settings for the continuing-education platform.

Everything that differs between a laptop demo and a bureau's production cluster comes from
environment variables (see README, "Configuration"). The embedded default is SQLite with
background jobs run in-process; production sets DATABASE_URL and REDIS_URL.
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from xstatic.pkg import bootstrap as xstatic_bootstrap

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CE_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG")
# The demo flag lets `make run` serve demo accounts with DEBUG off (production-grade server).
DEMO_MODE = env_flag("CE_DEMO")


def _local_secrets() -> dict:
    """Keys for the embedded default, generated once and kept in var/ (git-ignored)."""
    path = VAR_DIR / "local-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ID_LOOKUP_KEY": secrets.token_urlsafe(32),
    }
    path.write_text(json.dumps(values, indent=2))
    path.chmod(0o600)
    return values


def _secret(name: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if DEBUG or DEMO_MODE:
        return _local_secrets()[name]
    raise ImproperlyConfigured(f"环境变量 {name} 未设置（生产环境必须设置）。")


SECRET_KEY = _secret("SECRET_KEY")
# Comma-separated Fernet keys; the first encrypts, all decrypt (key rotation).
FIELD_ENCRYPTION_KEYS = [k.strip() for k in _secret("FIELD_ENCRYPTION_KEY").split(",") if k.strip()]
ID_LOOKUP_KEY = _secret("ID_LOOKUP_KEY")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "organisations.apps.BureauAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_bootstrap5",
    # ninja: Swagger UI from its own static files instead of a CDN; csp: the header.
    "ninja",
    "csp",
    "core",
    "audit",
    "organisations",
    "accounts",
    "policy",
    "filings",
    "credits",
    "catalogue",
    "reports",
    "notifications",
    "bulletins",
    "sampling",
    "certificates",
    "supervision",
    "web",
    "provisioning",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "core.replica.PrimaryAfterWriteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.security.PermissionsPolicyMiddleware",
    "core.middleware.ApiErrorFormatMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.InputCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.ActiveRoleMiddleware",
    "web.middleware.ForcePasswordChangeMiddleware",
    "core.middleware.DomainErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while a writer commits; IMMEDIATE avoids lock upgrades that
    # would otherwise fail with "database is locked" under concurrent writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif os.environ.get("DB_PREPARED_STATEMENTS", "0" if os.environ.get("DATABASE_POOLER") else "1") == "1":
    # Statements run through core.db.prepared_cursor are prepared on their first execution on
    # each connection (Django's own cursors bind on the client and never prepare). Set 0 behind
    # a pooler in transaction mode that loses prepared statements (PgBouncer < 1.21; off by
    # default when DATABASE_POOLER is set).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 0
# Statistics and exports may read on a PostgreSQL streaming replica (core.replica): explicit
# `.using(reporting_alias())`, never a person's own figures, never a write.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # In tests the replica is the primary's test database: created on the primary, it reaches
    # a real replica by streaming; Django must never try to create it there (read-only).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replica.PrimaryReplicaRouter"]
# DATABASE_URL pointing at PgBouncer in transaction pooling mode: consecutive transactions of
# one Django connection may run on different server sessions, so no server-side cursor may
# outlive its transaction (Django would declare them WITH HOLD outside one). Prepared
# statements are off in Django's psycopg backend already; the time zone Django sets is a
# parameter PgBouncer carries between server sessions.
DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "").strip().lower()
if DATABASE_POOLER == "pgbouncer":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
elif DATABASE_POOLER:
    raise ImproperlyConfigured("环境变量 DATABASE_POOLER 只能为空或 pgbouncer。")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Turns an API bearer token into the Actor (core.api.BearerAuth): accounts owns the tokens, and
# core, below every app, only reads the header.
CE_TOKEN_ACTOR = "accounts.services.actor_for_token"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.MixedCharacterValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 2 * 60 * 60))
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout rather than absolute
SESSION_COOKIE_HTTPONLY = True
# SECURE_COOKIES=1 says the platform is served over TLS (README, "Security headers"): cookies
# become Secure and HSTS is sent. A TLS-terminating proxy must set X-Forwarded-Proto.
SECURE_COOKIES = env_flag("SECURE_COOKIES")
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
if SECURE_COOKIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 365 * 24 * 60 * 60))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), display-capture=()"
)
# Scripts and style sheets only from our own static files: no inline script, no <style>
# element. style attributes stay allowed for the server-computed bar widths (a style
# attribute cannot read the page, unlike an injected style sheet's selectors).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic_bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Evidence and exports live outside the web root and are only served through views that
# check the actor's scope; there is deliberately no MEDIA_URL route.
PRIVATE_STORAGE_ROOT = Path(os.environ.get("PRIVATE_STORAGE_ROOT", VAR_DIR / "private"))
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))
# Request bodies other than uploaded files (JSON, form fields): a full platform push of 1,000
# items with every text \u-escaped is about 2.5 MB. Above the limit the API answers 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_BYTES", 4 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The city this installation serves (region code): filers above city level (the provincial
# bases) file their plans and platforms with this city's bureau.
CE_HOME_REGION = os.environ.get("CE_HOME_REGION", "411200")
# A province install: `load_reference_data` also loads every current city and county of this
# province (organisations.provinces.PROVINCES, e.g. "henan"); empty = Sanmenxia only.
CE_PROVINCE = os.environ.get("CE_PROVINCE", "")
# The bureau's credential signing keys (Ed25519 PEM files; certificates/keys.py): outside the
# database, like the other keys; `manage.py generate_credential_key` adds one.
CE_CREDENTIAL_KEY_DIR = Path(os.environ.get("CE_CREDENTIAL_KEY_DIR", VAR_DIR / "keys" / "credentials"))
# Days an export file is kept for its creator before the daily purge deletes it.
CE_EXPORT_RETENTION_DAYS = int(os.environ.get("CE_EXPORT_RETENTION_DAYS", "7"))
# The help line in every page's footer; empty = the contact phone of the home city's bureau
# in the registry (organisations, editable in the admin).
CE_HELP_PHONE = os.environ.get("CE_HELP_PHONE", "").strip()
NOTICE_ATTACHMENT_MAX_BYTES = int(os.environ.get("NOTICE_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Redis down → cache misses, not errors (core/cache.py); short timeouts so that a Redis
    # that hangs rather than refuses costs half a second, not a worker.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery: Redis in production; without REDIS_URL every task runs eagerly in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# Redis down: a request that queues a job learns it in well under a second (the defaults retry
# for about 20 s) and says so (the export fails visibly, due dates are recomputed in-process).
_QUEUE_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_TASK_PUBLISH_RETRY_POLICY = _QUEUE_RETRY
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": _QUEUE_RETRY}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers log through LOGGING below (ID numbers masked) instead of handlers of their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "review-sla-sweep": {"task": "credits.tasks.sweep_overdue_reviews", "schedule": timedelta(hours=1)},
    "year-end-reminders": {
        "task": "credits.tasks.send_year_end_reminders",
        "schedule": timedelta(days=1),
    },
    "held-completions-expiry": {
        "task": "credits.tasks.expire_held_completions",
        "schedule": timedelta(days=1),
    },
    "export-purge": {"task": "reports.tasks.purge_expired_exports", "schedule": timedelta(days=1)},
    "pending-evidence-purge": {
        "task": "credits.tasks.purge_pending_evidence",
        "schedule": timedelta(hours=1),
    },
    # Jobs whose worker died (no heartbeat for core.jobs.STALE_AFTER) end as failed, visibly.
    "stale-exports": {"task": "reports.tasks.end_stale_exports", "schedule": timedelta(minutes=5)},
    "stale-imports": {"task": "filings.tasks.end_stale_imports", "schedule": timedelta(minutes=5)},
    # The statistics' insert-only summary rows are folded into one per key.
    "tally-compaction": {"task": "supervision.tasks.compact_tallies", "schedule": timedelta(minutes=5)},
    # 00:00 Asia/Shanghai (CELERY_TIMEZONE): on 1 January this opens the new year's rules.
    "policy-year-rollover": {"task": "policy.tasks.open_policy_year", "schedule": crontab(minute=0, hour=0)},
}

# Login throttling (django-axes): repeated failures for a username from one address lock it.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False

# Rate limits ("N/s|m|h|d"; empty = off), counted in the cache so that all web processes share
# them: registration (web and API) and token requests per client address, pushes per platform.
CE_RATE_LIMITS = {
    "register": os.environ.get("RATE_LIMIT_REGISTER", "60/h"),
    "token": os.environ.get("RATE_LIMIT_TOKEN", "60/m"),
    "platform_push": os.environ.get("RATE_LIMIT_PLATFORM_PUSH", "120/m"),
    "recovery": os.environ.get("RATE_LIMIT_RECOVERY", "10/h"),
}
# Behind N reverse proxies the client address is the N-th from the right in X-Forwarded-For;
# 0 takes REMOTE_ADDR, so a client cannot pick its own address.
NINJA_NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))

API_TOKEN_TTL = timedelta(hours=int(os.environ.get("API_TOKEN_TTL_HOURS", "12")))

BOOTSTRAP5 = {
    "css_url": {"url": "/static/bootstrap/css/bootstrap.min.css"},
    "javascript_url": {"url": "/static/bootstrap/js/bootstrap.bundle.min.js"},
    "set_placeholder": False,
    "required_css_class": "required",
    "error_css_class": "is-invalid",
}

NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 500

# Every handler stamps the request id on its records and masks ID numbers (core.logs); Django's
# own loggers are routed to these handlers so that none writes unfiltered.
_LOG_FILTERS = ["request_id", "mask_id_numbers"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logs.RequestIdFilter"},
        "mask_id_numbers": {"()": "core.logs.MaskIdNumbersFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": _LOG_FILTERS},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"level": "ERROR"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Text messages (password recovery codes): accounts.sms.LogSender writes them to the log and
# sends nothing (the embedded default); accounts.sms.TencentCloudSender sends them.
SMS_SENDER = os.environ.get("SMS_SENDER", "accounts.sms.LogSender")
SMS_TENCENT = {
    "secret_id": os.environ.get("SMS_TENCENT_SECRET_ID", ""),
    "secret_key": os.environ.get("SMS_TENCENT_SECRET_KEY", ""),
    "app_id": os.environ.get("SMS_TENCENT_APP_ID", ""),
    "sign_name": os.environ.get("SMS_TENCENT_SIGN_NAME", ""),
    "template_id": os.environ.get("SMS_TENCENT_TEMPLATE_ID", ""),
    "region": os.environ.get("SMS_TENCENT_REGION", "ap-guangzhou"),
    "endpoint": os.environ.get("SMS_TENCENT_ENDPOINT", "sms.tencentcloudapi.com"),
    "protocol": os.environ.get("SMS_TENCENT_PROTOCOL", "https"),
}
