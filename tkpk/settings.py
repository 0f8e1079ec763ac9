"""Settings for TKPK, read from the environment (see .env.example for every variable).

The embedded default (no DATABASE_URL, no REDIS_URL) is SQLite in WAL mode and a Celery broker on
kombu's filesystem transport, so the app runs on a laptop with nothing else installed. With DEBUG
off the app refuses to start until SECRET_KEY and ALLOWED_HOSTS are set.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    """Read a string; an empty value counts as unset, so `NAME=` keeps the default."""
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean; anything but the usual spellings is a configuration error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no.")


def env_int(name: str, default: int) -> int:
    """Read an integer or raise ImproperlyConfigured naming the variable."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def parse_clock(name: str, raw: str) -> tuple[int, int]:
    """A time of day read from variable `name` as HH:MM (24 hours), as (hour, minute)."""
    hour, _sep, minute = raw.strip().partition(":")
    if hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60:
        return int(hour), int(minute)
    raise ImproperlyConfigured(f"{name}={raw!r} is not a time of day: use HH:MM, e.g. 02:00.")


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Read a comma-separated list; empty items are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))"), or DEBUG=1 for '
            "local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - used only with DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. Set ALLOWED_HOSTS to the host names that serve the app, "
        "comma-separated (for example tkpk.hsu.go.id)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The deployment's own region: the kabupaten/kota (or province) whose TKPK uses this instance.
HOME_REGION_CODE = env_str("HOME_REGION_CODE", "63.08")
SITE_NAME = env_str("SITE_NAME", "TKPK")
# The letterhead (kop surat) of the secretariat's documents, under the government of the region.
TKPK_OFFICE_NAME = env_str(
    "TKPK_OFFICE_NAME", "Sekretariat Tim Koordinasi Penanggulangan Kemiskinan Daerah"
)
TKPK_OFFICE_ADDRESS = env_str("TKPK_OFFICE_ADDRESS", "")
# The first fiscal year whose regional budget codes have 4-digit sub-activities (Kepmendagri
# 900.1.15.5-1317/2023); before, 2 digits.
BUDGET_CODE_FOUR_DIGITS_FROM = env_int("BUDGET_CODE_FOUR_DIGITS_FROM", 2023)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "csp",
    "import_export",
    "axes",
    "tkpk",
    "households",
    "programs",
    "meetings",
    "tkpk.indicators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tkpk.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CsrfViewMiddleware, which reads the body: refuses a too large one unread.
    "tkpk.middleware.RequestSizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tkpk.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tkpk.urls"
WSGI_APPLICATION = "tkpk.wsgi.application"

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
                "tkpk.context_processors.shell",
            ],
        },
    },
]

# Database: PostgreSQL from DATABASE_URL, else the embedded SQLite file in WAL mode.
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tkpk.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids lock upgrades
    # failing half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # A second connection to the same database, used only for job progress (tkpk.jobs).
    DATABASES["jobs"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "tkpk.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The client's address, for the audit trail and login throttling (tkpk.client_ip): how many
# reverse proxies of ours stand in front of the app, each appending the address it saw to
# X-Forwarded-For. 0: the app is reached directly, and the header, which any client can send,
# is ignored. 1: docker compose behind one TLS proxy. Only set it above 0 when the app cannot be
# reached except through those proxies.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT} is negative: set the number of proxies."
    )

# Login throttling: lock a username from one address after repeated failures. Without
# django-ipware, axes would take REMOTE_ADDR, the proxy's address that every user shares.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "tkpk.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Bahasa Indonesia first, English second.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
# Off: with it on, every integer in a template is grouped, ids included (id="nik-19.600" broke
# htmx targets). Figures for people are grouped explicitly with intcomma or number_format.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded and generated files hold personal data: never served directly, only through views
# that check access (see tkpk.views.JobResultView).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The largest request body (uploads included) a page accepts unless its view says otherwise
# (`max_request_bytes`: the household import and the meeting files); a larger one is refused
# with 413 before it is read (tkpk.middleware.RequestSizeLimitMiddleware). The TLS proxy must
# also cap bodies (nginx client_max_body_size) at the largest of these, the household import's.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_MB", 12) * 1024 * 1024

# Email: console in development, SMTP from the environment in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tkpk@localhost")

# Security: strict by default once DEBUG is off (`manage.py check --deploy` reports nothing).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# Content-Security-Policy (django-csp): scripts come only from our own static files, so that
# markup slipped into a page (a <script>, an on*= handler, an hx-on) does not run. No template
# has an inline script or handler (static/js/tkpk.js holds that behaviour), and htmx is told
# not to eval (the htmx-config meta tag in base.html). Styles: <style> elements only from
# files, but style="" attributes are allowed ('unsafe-inline' in style-src-attr), because
# progress bars take their width from the data; an attribute styles its own element only and
# cannot read the page as an injected stylesheet could. style-src is what browsers without
# CSP level 3 fall back to, so it allows both.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport (no server).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem"):
    _queue_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        # Else kombu writes its exchange tables to ./control in the working directory.
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
# Job state lives in tkpk.Job rows, which the pages poll: no result backend is needed.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "tkpk")
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_TIME_LIMIT = env_int("JOB_TIME_LIMIT_SECONDS", 2 * 60 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The nightly validation run of the registry (issue 12), local time (TIME_ZONE), HH:MM.
VALIDATION_NIGHTLY_AT = parse_clock(
    "VALIDATION_NIGHTLY_AT", env_str("VALIDATION_NIGHTLY_AT", "02:00")
)
CELERY_BEAT_SCHEDULE = {
    "jobs-fail-stale": {"task": "tkpk.tasks.jobs_fail_stale", "schedule": 300.0},
    # Retention of personal data in files, daily at night (see *_RETENTION_DAYS below).
    "jobs-expire-results": {
        "task": "tkpk.tasks.expire_job_results",
        "schedule": crontab(hour=2, minute=30),
    },
    "households-expire-import-files": {
        "task": "households.tasks.expire_import_files",
        "schedule": crontab(hour=2, minute=40),
    },
    "programs-expire-import-files": {
        "task": "programs.tasks.expire_import_files",
        "schedule": crontab(hour=2, minute=45),
    },
    # The validation of the whole registry, nightly (VALIDATION_NIGHTLY_AT below).
    "households-validate-nightly": {
        "task": "households.tasks.validate_registry_nightly",
        "schedule": crontab(hour=VALIDATION_NIGHTLY_AT[0], minute=VALIDATION_NIGHTLY_AT[1]),
    },
    # The dashboards' figures, nightly after the validation (also after every change).
    "indicators-rollup-nightly": {
        "task": "indicators.tasks.rollup_nightly",
        "schedule": crontab(hour=3, minute=15),
    },
    # The daily digest of follow-up actions, at 07:00 in CELERY_TIMEZONE.
    "meetings-action-reminders": {
        "task": "meetings.tasks.send_action_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}

# A running job whose heartbeat is older than this is taken as dead and marked failed.
JOB_STALE_AFTER_SECONDS = env_int("JOB_STALE_AFTER_SECONDS", 15 * 60)
# Retention, in days (0: kept forever): a job's result file (exports with full NIKs, rejected
# rows) is deleted this long after the job finished, an uploaded family file this long after
# its upload unless a run still reads it. The rows stay, as the record; only the files go.
JOB_RESULT_RETENTION_DAYS = env_int("JOB_RESULT_RETENTION_DAYS", 30)
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", 30)

# Meetings and follow-up actions: the digest names actions due within this many days; the
# largest attachment accepted; the base address for links in emails (empty: paths only).
MEETINGS_REMINDER_DAYS = env_int("MEETINGS_REMINDER_DAYS", 7)
MEETINGS_MAX_UPLOAD_BYTES = env_int("MEETINGS_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
SITE_URL = env_str("SITE_URL", "")

# Household file imports: size limits against accidents and zip bombs.
HOUSEHOLD_IMPORT_MAX_BYTES = env_int("HOUSEHOLD_IMPORT_MAX_MB", 500) * 1024 * 1024
HOUSEHOLD_IMPORT_MAX_UNZIPPED_BYTES = (
    env_int("HOUSEHOLD_IMPORT_MAX_UNZIPPED_MB", 2048) * 1024 * 1024
)
HOUSEHOLD_IMPORT_MAX_ZIP_RATIO = env_int("HOUSEHOLD_IMPORT_MAX_ZIP_RATIO", 200)
# Worker processes that validate a large CSV import in parallel; 0: one a core, at most 4.
HOUSEHOLD_IMPORT_PROCESSES = env_int("HOUSEHOLD_IMPORT_PROCESSES", 0)
# Exports of personal lists above this many rows run as a background job.
HOUSEHOLD_EXPORT_INLINE_ROWS = env_int("HOUSEHOLD_EXPORT_INLINE_ROWS", 5000)
# Roles that do not see full NIKs (Operator SKPD): the most people one export may hold (they
# narrow the filters above it), and how many exact NIKs they may check per hour (yes/no answers).
OPERATOR_EXPORT_MAX_ROWS = env_int("OPERATOR_EXPORT_MAX_ROWS", 1000)
NIK_CHECK_PER_HOUR = env_int("NIK_CHECK_PER_HOUR", 30)
# An import holds for review a person matched by NIK whose name is less similar than this to the
# stored one (trigram similarity 0-1, as PostgreSQL's pg_trgm): 'Siti Aminah' for 'Siti Aminah
# Contoh' passes (0.63), 'Warga 6819' for 'Eko Fiktif' does not (0.0).
IMPORT_RENAME_SIMILARITY = env_int("IMPORT_RENAME_SIMILARITY_PERCENT", 50) / 100
# Validation: two living people with the same birth date, in the same village or with the same
# mother's name, are "probably the same person" when their names are at least this similar
# (trigram similarity 0-1, pg_trgm's similarity()): 'Siti Aminah' and 'Siti Aminah Contoh' (0.63)
# are, 'Ahmad Contoh' and 'Budi Contoh' (0.39) are not.
VALIDATION_DUPLICATE_SIMILARITY = env_int("VALIDATION_DUPLICATE_SIMILARITY_PERCENT", 60) / 100
if not 0 < VALIDATION_DUPLICATE_SIMILARITY <= 1:
    raise ImproperlyConfigured(
        "VALIDATION_DUPLICATE_SIMILARITY_PERCENT must be between 1 and 100 (default 60)."
    )
# The status of an indicator is "on track" when its gap is within this percentage of the change
# the RPJMD sets out (tkpk/indicators/status.py).
INDICATOR_ON_TRACK_TOLERANCE = env_int("INDICATOR_ON_TRACK_TOLERANCE_PERCENT", 10)
# The page a role lands on after signing in, where it is not the role's home page: the Bappeda
# officer reads the dashboard (the composition root may name the apps' pages).
ROLE_HOME_URL_NAMES = {"Bappeda": "indicators:dashboard"}
# On the embedded SQLite database (no DATABASE_URL) an import's writing holds the database's
# only write lock: files above this many rows are refused, so that other users' saves never wait
# more than a few seconds (measured by bench/bench_embedded.py). 0: no limit. PostgreSQL has none.
EMBEDDED_IMPORT_MAX_ROWS = env_int("EMBEDDED_IMPORT_MAX_ROWS", 200_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
