"""Settings, read from environment variables.

DEBUG defaults to off. With DEBUG off the app refuses to start without SECRET_KEY and
ALLOWED_HOSTS, so a production deployment cannot run on a development key by accident.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# pytest-django forces DEBUG off; the test run still needs the development key and hosts.
TESTING = env_bool("TRACKER_TESTING") or "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG or TESTING:
    SECRET_KEY = SECRET_KEY or "insecure-development-key-only-for-debug-and-tests"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "testserver"]
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin, whose site asks for the second factor (tracker.accounts.admin_site).
    "tracker.accounts.apps.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's own form and widget templates, for FORM_RENDERER below.
    "django.forms",
    "django_htmx",
    "django_filters",
    "simple_history",
    "axes",
    # Two-factor sign-in: TOTP devices and single-use recovery codes (tracker.accounts.two_factor).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "tracker.core",
    "tracker.accounts",
    "tracker.milestones",
    "tracker.monitoring",
    "tracker.disputes",
    "tracker.provisions",
    "tracker.reports",
    "tracker.organisations",
    "tracker.planning",
]
# The append-only, hash-chained audit log of every historical record (tracker/audit/chain.py).
INSTALLED_APPS += ["tracker.audit"]
# History is read, never replayed: the admin's "revert" would rewrite a record silently,
# bypassing the services' rules and the progress log.
SIMPLE_HISTORY_REVERT_DISABLED = True
# A change's reason is kept whole (a text column, not simple-history's 100 characters): the
# audit log and the history lists show what was typed, never a cut version of it.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# Notifications: the app and the database task queue its e-mails go through.
INSTALLED_APPS += ["django_tasks_db", "tracker.notifications"]
# Translations of free-text records into the other language (tracker/translations).
INSTALLED_APPS += ["tracker.translations"]
# Demo data, the data generator and the benchmark: development and test runs only.
if DEBUG or TESTING:
    INSTALLED_APPS.append("tracker.devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Early, so that answers made before the view (a bad Host header's 400) carry it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tracker.accounts.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store on every answer to a logged-in person.
    "tracker.accounts.middleware.PrivateCacheMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A session owing its second factor, or its enrolment, reaches only those pages.
    "tracker.accounts.middleware.TwoFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "tracker.accounts.middleware.UserLanguageMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.notifications.context_processors.unread_notifications",
                # The agreement a page shows, for the header's switcher and links.
                "tracker.core.workspace.context",
            ],
        },
    },
]

# Forms render through the project's templates: forms/field.html is every field's markup.
FORM_RENDERER = "tracker.core.forms.FormRenderer"

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL selects the database (sqlite:///path or postgres://...); without it, a SQLite
# file under var/. SQLite runs in WAL mode with a busy timeout and IMMEDIATE transactions, so
# concurrent writers queue instead of failing with "database is locked".
VAR_DIR = Path(os.environ.get("TRACKER_VAR_DIR", BASE_DIR / "var"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if TESTING:
    # Persistent connections outlive the live server's threads and keep test databases busy.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Reads go through a 128 MiB memory map and an 8 MiB page cache (2,000 pages), so a
        # page that scans many rows does not re-read the file through system calls; sorts
        # stay in memory; the WAL file is trimmed back to 64 MiB after each checkpoint.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA mmap_size=134217728; PRAGMA cache_size=2000; PRAGMA temp_store=MEMORY;"
            " PRAGMA journal_size_limit=67108864;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Lock a username+IP pair out after 5 failures (AXES_FAILURE_LIMIT); the lock lasts 15 minutes
# (AXES_COOLOFF_MINUTES) from the last failure, or until staff delete the access attempt in
# the admin. Unknown usernames are counted too, so probing for names locks out like guessing
# passwords.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# A wrong two-factor code is a failed log-in too (tracker.accounts.two_factor); like a
# password, the code typed is not kept in the record of the attempt.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# Behind TRUSTED_PROXY_COUNT reverse proxies the client address is read from
# X-Forwarded-For (see tracker.accounts.access.client_ip); otherwise every attempt would seem
# to come from the proxy.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "tracker.accounts.access.client_ip"

# --- Two-factor sign-in (tracker.accounts.two_factor) ------------------------------------
# The roles that must sign in with a second factor (TOTP, or a recovery code). Production
# asks it of co-chairs, monitors and staff admins unless told otherwise; with DEBUG (and in
# tests, which set it where they need it) nobody must, so `make run` log-ins stay one step.
# Anyone may turn it on for themselves, and /admin/ asks it of everyone.
MFA_REQUIRED_ROLES = env_list(
    "MFA_REQUIRED_ROLES", "" if DEBUG or TESTING else "co_chair,monitor,staff_admin"
)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Minerals Agreement Tracker"

# Invitation links and password-reset links (tracker.accounts.invitations).
INVITATION_VALID_HOURS = 72
PASSWORD_RESET_TIMEOUT = 60 * 60

# Sessions end after 8 idle hours (configurable). Activity renews the expiry, at most once a
# minute, so that reading pages does not write the session each time
# (tracker.accounts.middleware.SessionRenewalMiddleware).
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(8 * 3600)))
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_RENEW_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Pages hand the CSRF token to forms and to htmx (hx-headers); no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True

# --- Security headers ---------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer's plain-HTTP health probe must not be redirected.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if env_bool("SECURE_PROXY_SSL_HEADER"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("uk", _("Ukrainian"))]
LOCALE_PATHS = [BASE_DIR / "tracker" / "locale"]
# Our own date formats: Django's Ukrainian month abbreviations are inconsistent.
FORMAT_MODULE_PATH = ["tracker.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Kyiv")
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence files live outside every public path and are served only by a permission-checked
# view. Set EVIDENCE_S3_BUCKET to keep them in an S3-compatible bucket instead (several
# app servers then share one store).
MEDIA_ROOT = Path(os.environ.get("EVIDENCE_ROOT", VAR_DIR / "evidence"))
# Nothing serves this prefix: evidence goes out only through the permission-checked view.
# (Django's test live server needs a string here.)
MEDIA_URL = "/unserved-media/"
_evidence_storage = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
}
if os.environ.get("EVIDENCE_S3_BUCKET"):
    _evidence_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["EVIDENCE_S3_BUCKET"],
            "endpoint_url": os.environ.get("EVIDENCE_S3_ENDPOINT_URL") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    # Unset, boto3 looks further: its config files, an instance role.
    for _option, _variable in (
        ("region_name", "AWS_S3_REGION_NAME"),
        ("access_key", "AWS_ACCESS_KEY_ID"),
        ("secret_key", "AWS_SECRET_ACCESS_KEY"),
    ):
        if os.environ.get(_variable):
            _evidence_storage["OPTIONS"][_option] = os.environ[_variable]
STORAGES = {
    "default": _evidence_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_MB", "20")) * 1024 * 1024
# All the files of one request together; nginx's client_max_body_size (64m) sits above it.
EVIDENCE_MAX_REQUEST_BYTES = int(os.environ.get("EVIDENCE_MAX_REQUEST_MB", "50")) * 1024 * 1024
# Forms take at most 10 files (tracker.core.evidence); beyond this Django itself answers 400
# before reading the rest of the request.
DATA_UPLOAD_MAX_NUMBER_FILES = 20
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Email ----------------------------------------------------------------------------------
# Notifications, invitations and password resets go out by SMTP when EMAIL_HOST is set;
# without it (a development machine, or a server without a relay yet) each message is written
# as a file under var/mail/, so nothing is lost. Django 6.1's MAILERS replaces its EMAIL_*
# settings (which may not sit beside it); the variables keep those familiar names.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS"),
                "timeout": 30,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tracker@localhost")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Notifications: e-mail and background tasks ---------------------------------------------
# The worker (`manage.py db_worker`) runs the tasks queued in the database (django-tasks-db);
# `manage.py send_reminders` writes the daily reminders and digests (tracker.notifications).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Absolute links in e-mails (the item, the preferences) start with this.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
