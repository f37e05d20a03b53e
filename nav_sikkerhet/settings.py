"""Settings, read from the environment (12-factor); see docs/configuration.md."""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.platform import apply_nais_environment

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")
# On NAIS: the database, Valkey and Entra ID variables it injects, under the names read below (.nais/).
apply_nais_environment(os.environ)

# "development" (make run, tests) or "production". Production is the default so a
# forgotten variable never runs a real deployment with debug or test numbers on.
ENVIRONMENT = env.str("ENVIRONMENT", default="production")
DEVELOPMENT = ENVIRONMENT == "development"

DEBUG = env.bool("DEBUG", default=DEVELOPMENT)
if DEVELOPMENT:
    SECRET_KEY = env.str("SECRET_KEY", default="development-only-key-not-for-production-use-0123456789abcdef")
else:
    SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEVELOPMENT else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Synthetic identity numbers (month + 40 / + 80) and the demo logins.
ALLOW_TEST_IDENTS = env.bool("ALLOW_TEST_IDENTS", default=DEVELOPMENT)

INSTALLED_APPS = [
    # Django's admin with the app's own sign-in (nav_sikkerhet/core/admin_site.py).
    "nav_sikkerhet.core.apps.NavAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Trigram search for the reception look-up on PostgreSQL; harmless on SQLite (no pg-only migration runs).
    "django.contrib.postgres",
    "guardian",
    "simple_history",
    "nav_sikkerhet.core.apps.NavAxesConfig",  # django-axes, named in Norwegian in the admin
    "csp",
    "django_prometheus",
    "nav_sikkerhet.core",
    "utestenging",
    "hendelser",
    "risiko",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Probes and metrics answer before host checks, the HTTPS redirect and sessions (core/middleware.py).
    "nav_sikkerhet.core.middleware.InternalEndpointsMiddleware",
    "nav_sikkerhet.core.logcontext.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "nav_sikkerhet.core.middleware.MethodMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "nav_sikkerhet.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "nav_sikkerhet.core.middleware.SessionIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "nav_sikkerhet.core.middleware.LanguageMiddleware",
    "nav_sikkerhet.core.middleware.NotFoundPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Axes must come last so it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nav_sikkerhet.urls"
# Where the integrating systems' API lives (nav_sikkerhet/urls.py): its errors are problem documents.
API_PATH_PREFIX = "/api/"
WSGI_APPLICATION = "nav_sikkerhet.wsgi.application"
AUTH_USER_MODEL = "core.User"

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
            ],
        },
    },
]

# Embedded default: one SQLite file. DATABASE_URL=postgres://… switches to PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    # A connection the database dropped (failover, maintenance) is noticed before a request uses it.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # django-prometheus's backend (every query timed for /internal/metrics), which also repeats a statement once
    # on a new connection when the old one was terminated and repeating is safe (core/db/base.py).
    DATABASES["default"]["ENGINE"] = "nav_sikkerhet.core.db"
# PostgreSQL: the look-up's and the API's large statements and the audit inserts are prepared once per connection
# (core/db/base.py). Turn off behind a pooler in transaction mode, which cannot keep them.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The statistics' covering index (hendelser 0012) is a plain index on SQLite: enough for development.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "nav_sikkerhet.core.metrics.TimedRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The throttle's counters (core/throttle.py, django-ratelimit) must be shared by every worker process:
# Redis where it is set, else a database table (made by core's migration 0009).
CACHES["ratelimit"] = (
    {"BACKEND": "nav_sikkerhet.core.metrics.TimedRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "rl"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "core_ratelimit_cache"}
)
RATELIMIT_USE_CACHE = "ratelimit"
# Look-ups and name searches per staff member, and API calls per key ("count/period", period s, m, h or d).
LOOKUP_RATE = env.str("LOOKUP_RATE", default="30/m")
API_RATE = env.str("API_RATE", default="600/m")
# The most unwanted events one ROS analysis holds: the report lists 37, and the import, page and PDF are measured
# at this size (bench/ros.py).
ROS_MAX_EVENTS = env.int("ROS_MAX_EVENTS", default=300)
# An analysis is approved only with its next review at most this many months away.
ROS_REVIEW_MAX_MONTHS = env.int("ROS_REVIEW_MAX_MONTHS", default=12)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Refuses every password when only OIDC sign-in is allowed (see OIDC_RP_CLIENT_ID below).
    "nav_sikkerhet.core.oidc.PasswordLoginGate",
    "django.contrib.auth.backends.ModelBackend",
    # Signs in from the OIDC callback only, and only while OIDC is configured.
    "nav_sikkerhet.core.oidc.NavIdentOIDCBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:start"
LOGOUT_REDIRECT_URL = "login"

# Sign-in with NAV's Microsoft Entra ID (OpenID Connect, authorization code flow with PKCE), via
# mozilla-django-oidc; see docs/deployment.md, "Sign-in". OIDC is on when a client id is set. Endpoints come from the
# discovery document, or each from its own variable (which wins over discovery).
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_DISCOVERY_URL = env.str("OIDC_DISCOVERY_URL", default="")
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_OP_LOGOUT_ENDPOINT", default="")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile email")
# The claim carrying the NAV ident; staff are matched on it, never on e-mail.
OIDC_NAV_IDENT_CLAIM = env.str("OIDC_NAV_IDENT_CLAIM", default="NAVident")
# Create an account (without any role) for a valid NAV ident this app does not know yet.
OIDC_CREATE_USERS = env.bool("OIDC_CREATE_USERS", default=False)
# Leeway for exp/iat/nbf between the provider's clock and ours; capped so a typo cannot accept old tokens.
OIDC_CLOCK_SKEW_SECONDS = max(0, min(env.int("OIDC_CLOCK_SKEW_SECONDS", default=60), 300))
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
# OIDC is on when OIDC_RP_CLIENT_ID is set. Passwords are then refused (login page, admin, any form), except
# where ALLOW_TEST_IDENTS is on (demo, tests); without OIDC they work as before (see core/signin.py).
# Fixed, not configurable: the library's protections this app relies on.
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_STORE_ACCESS_TOKEN = False
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

# Login throttling: five failures for one username from one address locks it for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("nn", _("Norwegian Nynorsk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # NAV's design system, installed from npm by `make install`; never loaded from a CDN.
    ("ds-css", BASE_DIR / "node_modules" / "@navikt" / "ds-css" / "dist"),
    # Aksel's typeface, Source Sans 3, self-hosted (Aksel's own fonts.css would load it from cdn.nav.no).
    ("source-sans-3", BASE_DIR / "node_modules" / "@fontsource-variable" / "source-sans-3"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Stored files (letters): on NAIS a bucket (Google Cloud Storage, `gcp.buckets` in .nais/app.yaml), as each pod's
# filesystem is its own and a letter the worker renders must be read by every web pod; the credentials are the
# pod's own (Workload Identity). Without GCS_BUCKET_NAME, the filesystem under MEDIA_ROOT (development, compose).
GCS_BUCKET_NAME = env.str("GCS_BUCKET_NAME", default="")
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.gcloud.GoogleCloudStorage",
        # Letters are never linked to: the views stream them after the access check; names carry the content hash.
        "OPTIONS": {"bucket_name": GCS_BUCKET_NAME, "file_overwrite": False, "querystring_auth": True},
    }
    if GCS_BUCKET_NAME
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Django's and WhiteNoise's storages, each file's URL remembered once made (core/staticstorage.py).
        "BACKEND": "nav_sikkerhet.core.staticstorage.RememberingStaticFilesStorage"
        if DEVELOPMENT
        else "nav_sikkerhet.core.staticstorage.RememberingManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEVELOPMENT

# Letters: the fonts embedded in every PDF (Debian's fonts-dejavu-core). Files are stored with
# STORAGES["default"] (MEDIA_ROOT, or the bucket), under letters/<decision public id>/.
LETTER_FONT_DIR = env.str("LETTER_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")

# Decisions (utestenging), guideline §5–6. Working days are Norwegian: weekends and public holidays do not count.
# How many working days a letter by post takes to reach the citizen: a written decision sent by post must be
# posted at least this long before the first day of the period.
DECISION_POST_WORKING_DAYS = env.int("DECISION_POST_WORKING_DAYS", default=3)
# Where the citizen is told orally first, the written decision reaches them within this many working days.
DECISION_ORAL_FOLLOW_UP_WORKING_DAYS = env.int("DECISION_ORAL_FOLLOW_UP_WORKING_DAYS", default=3)
# An extension is started and signed only in this many last days of the decision it extends.
DECISION_EXTENSION_WINDOW_DAYS = env.int("DECISION_EXTENSION_WINDOW_DAYS", default=21)
# Incidents (hendelser): a review's proposal with no outcome after this many days shows on the leader's start page.
INCIDENT_PROPOSAL_OVERDUE_DAYS = env.int("INCIDENT_PROPOSAL_OVERDUE_DAYS", default=14)
# Reasons, not placeholders (utestenging/reasons.py): the fewest words each kind of text needs when a letter
# prints it as NAV's facts or reasoning, and texts that are never a reason, however they are spelled or punctuated.
REASON_MIN_WORDS = {"assessment": 6, "reason": 6, "fact": 4, "answer": 6}
REASON_PLACEHOLDERS = [
    "x", "xx", "xxx", "-", "--", "...", "?", "ok", "ja", "nei", "se over", "som over", "jf over", "se ovenfor",
    "se vedlegg", "se notat", "se sak", "se journal", "ingen", "ingen kommentar", "ingen merknader", "ikke aktuelt",
    "ikkje aktuelt", "ikke relevant", "vet ikke", "ukjent", "samme", "samme som over", "tbd", "todo", "fyll inn",
    "kommer", "kommer senere", "test", "n/a", "na", "none", "see above", "not relevant", "nothing", "same",
]

# Security baseline. Sessions end after 30 idle minutes: SessionIdleMiddleware renews them (at most once a minute).
# Sessions stay in the database, not in Redis, so the app keeps working when Redis is down.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
# Sessions in the database, saved once more on a new connection if a failover ended the old one (core/sessions.py).
SESSION_ENGINE = "nav_sikkerhet.core.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEVELOPMENT:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^internal/"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Celery: with REDIS_URL tasks go through Redis; without it they run eagerly in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The worker logs through LOGGING (JSON lines with the request id), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Stopping (SIGTERM, remapped to Celery's cold shutdown by REMAP_SIGTERM=SIGQUIT in the image): the tasks in hand
# get this many seconds to finish; those still running are then put back in the queue (late acknowledgement) for
# another worker, well before the platform's SIGKILL (terminationGracePeriodSeconds: 60 in .nais/worker.yaml).
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = env.float("CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT", default=45.0)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request must not hang on a broker that is down: fail fast, the next sweep picks the work up.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A task that hangs is stopped: SoftTimeLimitExceeded after the soft limit, the process killed after the
# hard one (prefork pool). The reminder e-mail has tighter limits of its own (core/tasks.py).
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# Redis hands an unacknowledged task (acks_late; also one waiting for its retry countdown) to another worker
# after the visibility timeout: it must be well above the longest retry countdown (3,600 s) plus a run,
# or a retry waiting in one worker is run a second time by another.
CELERY_BROKER_VISIBILITY_TIMEOUT = 3 * 3600
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2, "socket_timeout": 5, "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
}
# The one schedule (Europe/Oslo). The sweep is idempotent, so running it hourly costs nothing extra and
# means a decision turns active or expired within the first hour of its day, and failed e-mails are retried.
# SWEEP_INTERVAL_SECONDS replaces the hour by a few seconds, for bench/scaleout.py only.
SWEEP_INTERVAL_SECONDS = env.int("SWEEP_INTERVAL_SECONDS", default=0)
CELERY_BEAT_SCHEDULE = {
    "sweep-hourly": {
        "task": "nav_sikkerhet.core.tasks.run_daily_sweep",
        "schedule": SWEEP_INTERVAL_SECONDS or crontab(minute=5),
    },
    # Nightly, when nobody works: anonymise and delete what the retention schedule says has been kept long enough.
    "retention-nightly": {"task": "nav_sikkerhet.core.tasks.apply_retention", "schedule": crontab(hour=2, minute=35)},
}
# The retention schedule (docs/retention.md): days each kind of record is kept, counted from its own event.
# The defaults, with the reason for each, are in the kinds' registry (nav_sikkerhet/core/retention.py and each
# app's retention.py); override one here or by RETENTION_DAYS='{"signin_log": 180}' in the environment.
RETENTION_DAYS = env.json("RETENTION_DAYS", default={})
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEVELOPMENT
    else "nav_sikkerhet.core.mail.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
# Seconds each SMTP operation may take: a mail server that accepts and never answers must not hold a worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Seconds to wait for the reply once the message itself is sent: the server may have taken it already, and
# giving up would send it twice (RFC 5321 suggests ten minutes; core/mail.py).
EMAIL_DATA_REPLY_TIMEOUT = env.int("EMAIL_DATA_REPLY_TIMEOUT", default=600)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="nav-sikkerhet@nav.no")

# The audit log's CEF lines go to their own logger so operations can ship them over syslog;
# no other logger may carry an identity number.
AUDIT_CEF_SYSTEM = env.str("AUDIT_CEF_SYSTEM", default="nav-sikkerhet")
# Metrics of several processes (gunicorn's, Celery's prefork children) meet in files here; any process that
# counts something (manage.py too) needs the directory to exist.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

# Application logs: JSON lines on stdout (python-json-logger) with the request id (core/logcontext.py);
# LOG_FORMAT=plain gives the old one-line text for a developer's terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEVELOPMENT else "json")
# Audit lines ship by syslog over TCP when AUDIT_SYSLOG_HOST is set (TLS with AUDIT_SYSLOG_TLS), else to stdout.
# Buffered in memory while the receiver is down, and the request fails once the buffer is full (core/auditship.py).
AUDIT_SYSLOG_HOST = env.str("AUDIT_SYSLOG_HOST", default="")
AUDIT_SYSLOG_PORT = env.int("AUDIT_SYSLOG_PORT", default=6514)
AUDIT_SYSLOG_TLS = env.bool("AUDIT_SYSLOG_TLS", default=True)
AUDIT_SYSLOG_CA_FILE = env.str("AUDIT_SYSLOG_CA_FILE", default="")
AUDIT_SYSLOG_BUFFER_LINES = env.int("AUDIT_SYSLOG_BUFFER_LINES", default=10_000)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "nav_sikkerhet.core.logcontext.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "timestamp", "levelname": "level", "name": "logger"},
        },
        "cef": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
        "audit": (
            {
                "()": "nav_sikkerhet.core.auditship.BufferedSyslogHandler", "formatter": "cef",
                "host": AUDIT_SYSLOG_HOST, "port": AUDIT_SYSLOG_PORT, "tls": AUDIT_SYSLOG_TLS,
                "ca_file": AUDIT_SYSLOG_CA_FILE, "buffer_lines": AUDIT_SYSLOG_BUFFER_LINES,
            }
            if AUDIT_SYSLOG_HOST
            else {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "cef"}
        ),
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "nav_sikkerhet.audit": {"handlers": ["audit"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO; letters need only its warnings.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The key that decides which way each statistics count beyond the user's own units is rounded
# (hendelser/rules.py). Empty: derived from SECRET_KEY. Keep it stable: a new key rounds every cell afresh,
# and the old and new roundings of one cell together narrow it down.
STATISTICS_ROUNDING_KEY = env.str("STATISTICS_ROUNDING_KEY", default="")
