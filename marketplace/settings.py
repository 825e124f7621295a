"""Settings, from environment variables only (12-factor).

Unset integrations fall back to the embedded default: SQLite, eager Celery and an
in-process cache, billing answering 503. See README.md for the table.
"""

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets generic Django classes be subscripted at runtime (ModelAdmin[Company]) for mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django.contrib.postgres",
    "marketplace",
    "workflow",
    "notifications",
    "accounts",
    "talent",
    "matching",
    "subsidies",
    "billing",
    "incidents",
    "django_htmx",
    "web",
    "diagnosis",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files in production, compressed and cached forever by their hashed names.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "marketplace.middleware.LimitRequestBodyMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "marketplace.middleware.RejectNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "marketplace.middleware.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL, or a SQLite file as the embedded default.
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Measured here: a new connection per request cuts list throughput 2.8x.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # The embedded default serves a few people at once (runserver is threaded; gunicorn may run
    # several workers). Without these, concurrent writes answered "database is locked" (a probe:
    # 103 of 499 request creations under load). A write-ahead log lets readers go on while one
    # writes; IMMEDIATE transactions take the write lock when they begin, so two transactions
    # never both read and then deadlock upgrading to write (SQLite fails that at once, whatever
    # the timeout); a writer waits up to `timeout` seconds for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) serve the directory on PostgreSQL; SQLite, the embedded
# default, builds them without the extra columns, which is fine at its scale.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
# Outside DEBUG, static files are served by WhiteNoise from STATIC_ROOT under content-hashed
# names (`collectstatic` in the Dockerfile builds the manifest); tests/settings.py keeps the
# plain storage, which needs no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded evidence and subsidy documents are private: never under a served folder,
# only ever returned through an authorised endpoint.
MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private"))
# A Japanese TrueType font to embed in the terms PDF; empty: look in the usual places.
TERMS_PDF_FONT = env.str("TERMS_PDF_FONT", default="")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# Any request body above this is refused with a 413 before it is read (an upload plus its form).
REQUEST_BODY_MAX_BYTES = UPLOAD_MAX_BYTES + 1024 * 1024

# Cache and Celery: Redis when REDIS_URL is set; otherwise in-process and eager.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open (marketplace/cache.py): throttling never turns a Redis outage into 500s.
            "BACKEND": "marketplace.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = timedelta(days=1)
# Tasks record their outcome on our own rows; only the probe task (ping) keeps a result.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Tasks are idempotent by a state guard in their service, so a message is
# acknowledged only after the task ran, and re-queued if its worker died.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
# Redis re-delivers an unacknowledged message after the visibility timeout; a task
# still running then would run twice, so the timeout stays above every time limit.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
# max_retries 0: a producer (a web request sending a task) tries the broker once and gives
# up; measured here, the default retry loop held each request ~2 s with Redis down. The
# worker's consumer keeps its own reconnect loop (broker_connection_retry).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT, "max_retries": 0}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web process that cannot reach the broker gives up fast: the outbox and the
# sweepers send the work later, so a request never waits on connection retries.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
BROKER_OUTAGE_BACKOFF_SECONDS = env.float("BROKER_OUTAGE_BACKOFF_SECONDS", default=15.0)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Daily at 03:10 JST: RISS registrations turn renewal_due / lapsed; specialists are told.
    "refresh-certification-validity": {
        "task": "talent.refresh_certification_validity",
        "schedule": crontab(hour=3, minute=10),
    },
    # Nightly at 02:00 JST: one match run per chamber with open requests.
    "nightly-match-runs": {"task": "matching.start_nightly_runs", "schedule": crontab(hour=2, minute=0)},
    # Every minute: re-send match runs whose message was lost (broker down) or whose heartbeat
    # stopped (their worker died).
    "requeue-stalled-runs": {"task": "matching.requeue_stalled_runs", "schedule": 60.0},
    # Daily at 04:00 JST: open requests 90 days past their start date expire.
    "expire-stale-requests": {
        "task": "matching.expire_stale_requests",
        "schedule": crontab(hour=4, minute=0),
    },
    # Every 10 minutes: approved proposals past their response deadline expire and free capacity.
    "expire-stale-proposals": {"task": "matching.expire_stale_proposals", "schedule": 600.0},
    # Hourly: specialists whose approved proposal expires within a day are reminded (once each).
    "remind-expiring-proposals": {"task": "matching.remind_expiring_proposals", "schedule": 3600.0},
    # Daily at 00:05 JST: engagements whose notice period ran out end (terminated on their end date).
    "end-due-engagements": {"task": "matching.end_due_engagements", "schedule": crontab(hour=0, minute=5)},
    # Daily at 07:30 JST: subsidy deadlines 14 and 3 days ahead are reminded (once each).
    "remind-subsidy-deadlines": {"task": "subsidies.remind_deadlines", "schedule": crontab(hour=7, minute=30)},
    # Daily at 00:15 JST: cases past a deadline they had not met expire.
    "expire-overdue-subsidy-cases": {"task": "subsidies.expire_overdue_cases", "schedule": crontab(hour=0, minute=15)},
    # Every 2 minutes: Stripe events stored but not processed (broker down) are processed.
    "sweep-stripe-events": {"task": "billing.sweep_stripe_events", "schedule": 120.0},
    # Daily at 06:00 JST: invoices due by today (retainer periods ended, hours of a closed month,
    # completed fixed-fee work), each exactly once.
    "issue-due-invoices": {"task": "billing.issue_due_invoices", "schedule": crontab(hour=6, minute=0)},
    # Every 2 minutes: refunds whose message was lost (broker down) are sent to Stripe.
    "sweep-refunds": {"task": "billing.sweep_refunds", "schedule": 120.0},
    # Monthly on the 1st at 06:30 JST: each chamber's fee invoice and payout statement to each
    # specialist paid last month (once per chamber, specialist and month).
    "issue-fee-statements": {
        "task": "billing.issue_fee_statements",
        "schedule": crontab(day_of_month=1, hour=6, minute=30),
    },
    # Every 2 minutes: notifications still unsent (broker down, sender died) are sent again.
    "sweep-notifications": {"task": "notifications.sweep_notifications", "schedule": 120.0},
    # Daily at 08:00 JST: one digest mail per person with what waited for it (once per person and
    # day, however often it runs: a unique (person, day) row).
    "send-notification-digests": {"task": "notifications.send_digests", "schedule": crontab(hour=8, minute=0)},
}
# A running match run writes a heartbeat this often; one silent for MATCHING_STALL_SECONDS lost
# its worker (a whole-worker crash leaves its message unacknowledged until the visibility
# timeout, an hour) and the sweeper sends it again.
MATCHING_HEARTBEAT_SECONDS = env.float("MATCHING_HEARTBEAT_SECONDS", default=10.0)
MATCHING_STALL_SECONDS = env.float("MATCHING_STALL_SECONDS", default=60.0)
# Fault injection (marketplace/faults.py): seconds to pause at a named point. Empty here, so
# production never pauses; only tests/settings.py switches a point on.
FAULT_PAUSES: dict[str, float] = {}
if MATCHING_STALL_SECONDS < 3 * MATCHING_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured("MATCHING_STALL_SECONDS must be at least three heartbeats.")
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must exceed CELERY_TASK_TIME_LIMIT.")

# Stripe: billing endpoints answer 503 while STRIPE_SECRET_KEY is unset.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")  # the local stand-in in tests
# The version the pinned library (stripe 16.1) is generated for: its typed params, which mypy
# checks our calls against, describe this version (a test keeps the two equal).
STRIPE_API_VERSION = env.str("STRIPE_API_VERSION", default="2026-10-28.endive")
# Invoices and tax (ADR 0011). The consumption tax of an invoice is rounded once per rate in this
# direction (down | half_up | up): the issuer's choice (通達 1-8-15), stored on each invoice;
# "down" never shows more tax than the law's figure. A tax accountant may choose otherwise.
INVOICE_TAX_ROUNDING = env.str("INVOICE_TAX_ROUNDING", default="down")
if INVOICE_TAX_ROUNDING not in ("down", "half_up", "up"):
    raise ImproperlyConfigured("INVOICE_TAX_ROUNDING must be down, half_up or up.")
# What select/ states as the payment method when the SME names none (bank_transfer | card): it is
# written into the terms, shown on the terms statement, and the only method the invoices offer.
BILLING_DEFAULT_PAYMENT_METHOD = env.str("BILLING_DEFAULT_PAYMENT_METHOD", default="bank_transfer")
if BILLING_DEFAULT_PAYMENT_METHOD not in ("bank_transfer", "card"):
    raise ImproperlyConfigured("BILLING_DEFAULT_PAYMENT_METHOD must be bank_transfer or card.")
# Where the SME/specialist frontend lives: Stripe sends people back there after onboarding.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Mail goes over SMTP to EMAIL_HOST; without one (development, or a start that forgot it) it is
# written to the log of the process sending it (the worker), instead of retrying SMTP on
# localhost:25 as it did.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST and not DEBUG
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@tcyss.example")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.StrictJSONParser",
        "api.parsers.SafeMultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Downloads also accept their own types in Accept (api/negotiation.py).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.ContentNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["api.filtering.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="60/min"),
        "user": env.str("THROTTLE_USER", default="600/min"),
        "auth": env.str("THROTTLE_AUTH", default="10/min"),
    },
    # The real number of proxies in front of the app; a wrong value lets a client
    # rotate X-Forwarded-For to dodge anonymous throttling.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# The directory counts matches exactly up to this many (0: always exact); see docs/adr.
DIRECTORY_COUNT_CAP = env.int("DIRECTORY_COUNT_CAP", default=1000)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=10)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tcyss Talent Marketplace API",
    "DESCRIPTION": "Security talent bank for Japanese SMEs, run by chambers of commerce.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "PrefectureEnum": "accounts.prefectures.PREFECTURE_CHOICES",
        "IndustryEnum": "accounts.models.Company.Industry",
        # A company is a corporation or a sole proprietor; a specialist invoices as an individual or a corporation.
        "CompanyEntityTypeEnum": "accounts.models.Company.EntityType",
        "SpecialistEntityTypeEnum": "talent.models.Specialist.EntityType",
        # Companies and certifications share pending / verified / rejected.
        "ReviewStatusEnum": "accounts.models.Company.Status",
        "SpecialistStatusEnum": "talent.models.Specialist.Status",
        "CertificationKindEnum": "talent.models.Certification.Kind",
        "TerminationExceptionEnum": "matching.models.Engagement.TerminationException",
        "SubsidyCaseStatusEnum": "subsidies.models.SubsidyCase.Status",
        "SubsidyDocumentStatusEnum": "subsidies.models.SubsidyDocument.Status",
        "RequestKindEnum": "talent.models.RequestKind",
        "RequestStatusEnum": "matching.models.AdvisorRequest.Status",
        "MatchRunStatusEnum": "matching.models.MatchRun.Status",
        "ProposalStatusEnum": "matching.models.Proposal.Status",
        "EngagementStatusEnum": "matching.models.Engagement.Status",
        "InvoiceStatusEnum": "billing.models.Invoice.Status",
        "InvoiceKindEnum": "billing.models.Invoice.Kind",
        "PaymentStatusEnum": "billing.models.Payment.Status",
        "RefundStatusEnum": "billing.models.Refund.Status",
        "TimeEntryStatusEnum": "billing.models.TimeEntry.Status",
        # The terms, their invoices and the payments name one set of payment methods.
        "PaymentMethodEnum": "matching.models.Engagement.PaymentMethod",
        # Incident reports, their shared projections and incident requests name one set of categories.
        "IncidentCategoryEnum": "incidents.categories.IncidentCategory",
        "TlpEnum": "incidents.categories.Tlp",
        "SharedIncidentStatusEnum": "incidents.models.SharedIncident.Status",
        "SubsidyProgramKindEnum": "subsidies.models.SubsidyProgram.Kind",
        "DiagnosisStatusEnum": "diagnosis.models.Diagnosis.Status",
        # A user's role, in /me and in invitations (the name /me has always had).
        "MeRoleEnum": "accounts.models.User.Role",
    },
}

# Security headers; the production values are switched on when DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes, and Stripe's webhook: a POST is never replayed over a redirect, its signature is its
# authentication, and the stand-in (like the Stripe CLI) delivers over plain HTTP on 127.0.0.1.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^api/v1/billing/stripe/webhook/$"]
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
# The pages' sign-in (web/account); `?next=` is followed only to a path of this site.
LOGIN_URL = "/login/"
# Only our own scripts and styles: no inline script or style anywhere (htmx reads its
# configuration from a <meta> tag), no framing, forms post only to us. /api/docs/ and
# /api/redoc/ relax it for the documentation bundles (marketplace/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
