"""Settings for eloket.

Every deploy-time value comes from the environment. With nothing set you get the
quick demo: SQLite, Celery tasks run inline, console email, fake payment provider.
Setting SECRET_KEY switches the defaults to production (DEBUG off, secure cookies, HSTS).
"""

import os
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from eloket.accounts.oidc import oidc_origins, providers_from_env

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# A real deployment sets SECRET_KEY; without it we are the local demo.
_DEMO_SECRET = "django-insecure-eloket-demo-key-only-for-a-laptop"
SECRET_KEY = env.str("SECRET_KEY", default=_DEMO_SECRET)
DEBUG = env.bool("DEBUG", default=SECRET_KEY == _DEMO_SECRET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "eloket.accounts",
    "eloket.city",
    "eloket.content",
    "eloket.payments",
    "eloket.documents",
    "eloket.notifications",
    "eloket.audit",
    "eloket.privacy",
    "eloket.fakemollie",
    "ninja",
    "permits",
    "fines",
    "parking_sessions",
    "appointments",
    "chat",
    "insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "eloket.csp.SiteCSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "eloket.accounts.middleware.StaffTwoFactorMiddleware",
    "eloket.city.middleware.MissingReferenceDataMiddleware",
    "eloket.outage.DatabaseOutageMiddleware",
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "eloket.urls"
WSGI_APPLICATION = "eloket.wsgi.application"
ASGI_APPLICATION = "eloket.asgi.application"

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
                "django.template.context_processors.i18n",
                "eloket.city.context_processors.city",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# 0: the web server is ASGI, where persistent connections are kept per request task and leak under load (Django's
# deployment docs; measured by bench/run: 20 clients used up PostgreSQL's 100 connections with 60).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A connection broken by a database restart is noticed before a request uses it: without the pool at the start of a
# request (with CONN_MAX_AGE > 0); with the pool Django then passes check=ConnectionPool.check_connection, an empty
# query on each connection handed out (one round trip: 0.03 ms here idle, 0.15 ms busy), which replaces a broken one.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer at all fails a connection after 5 s instead of TCP's two minutes.
    DATABASES["default"]["OPTIONS"] = {"connect_timeout": 5, **DATABASES["default"].get("OPTIONS", {})}
# A pool of open connections for the ASGI web server (on by default there, asgi.py; psycopg_pool): a request then
# neither connects (about 5 ms here) nor makes a fresh backend read the catalog again. Celery's forked workers keep
# plain connections, which a pool's threads would not survive.
DATABASE_POOL = env.bool("DATABASE_POOL", default=env.str("ELOKET_SERVER", default="") == "asgi")
if DATABASE_POOL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django's pool hands a connection back at the end of each request
    DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), "pool": {
        "min_size": env.int("DATABASE_POOL_MIN", default=2), "max_size": env.int("DATABASE_POOL_MAX", default=20),
        # A request waits this long for a connection, then gets the 503 of eloket/outage.py.
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        # While the database is down the pool retries connecting after 1, 2, 4 ... s; giving up after this long
        # (the next request starts again at once) keeps it from still waiting minutes after the database is back.
        "reconnect_timeout": env.float("DATABASE_POOL_RECONNECT_TIMEOUT", default=5.0)}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Django's RedisCache that turns an unreachable Redis into misses and dropped writes with a warning (redis_cache.py).
    CACHES = {"default": {"BACKEND": "eloket.redis_cache.DegradingRedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="eloket"),
                          # An unreachable Redis must fail fast, so pages fall back to the database instead of hanging.
                          "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database so web processes stay stateless and survive a Redis restart.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGIN_URL = "account_login"

# allauth: email only, verified before use, rate limited.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_ADAPTER = "eloket.accounts.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
SOCIALACCOUNT_ADAPTER = "eloket.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="eloket")
MFA_TOTP_TOLERANCE = 1  # accept the neighbouring 30-second code: phone clocks drift
# The laptop demo (bin/demo) sets a fixed code so demo staff reach the admin without an app.
DEMO_TOTP_CODE = env.str("DEMO_TOTP_CODE", default="")
if DEBUG and DEMO_TOTP_CODE:
    MFA_TOTP_INSECURE_BYPASS_CODE = DEMO_TOTP_CODE

# A city's own OpenID Connect broker (eID/itsme): OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_SERVER_URL,
# OIDC_NAME, OIDC_SCOPES, OIDC_TOKEN_AUTH_METHOD. See eloket/accounts/oidc.py.
SOCIALACCOUNT_PROVIDERS = providers_from_env(os.environ)

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files are private: served only through views that check ownership.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/private-media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="eloket <noreply@eloket.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# A broker that is down or hung must not hold up a request after its commit (what was not published is logged, and the
# beat pick-ups find the stored work): connect and answer within a second, without which a publish to a hung Redis
# waits forever, and retry a publish once, which replaces a pooled connection a Redis restart closed.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Seconds between runs of the beat task that processes inbox rows whose task was lost (a broker outage, a dead worker).
PARKING_INBOX_PICK_UP_SECONDS = env.float("PARKING_INBOX_PICK_UP_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE = {
    "reconcile-open-payments": {"task": "eloket.payments.tasks.reconcile_open_payments", "schedule": 600.0},
    "retry-unsent-notifications": {"task": "eloket.notifications.tasks.send_pending", "schedule": 300.0},
    "render-pending-documents": {"task": "eloket.documents.tasks.render_pending", "schedule": 300.0},
    "permits-renewal-reminders": {"task": "permits.send_renewal_reminders", "schedule": 86400.0},
    "permits-expire": {"task": "permits.expire_permits", "schedule": 86400.0},
    "fines-escalate": {"task": "fines.escalate_cases", "schedule": 86400.0},
    "fines-print-pick-up": {"task": "fines.pick_up_print_batches", "schedule": 300.0},
    "parking-sessions-check-retention": {"task": "parking_sessions.delete_old_checks", "schedule": 86400.0},
    "parking-sessions-inbox-pick-up": {"task": "parking_sessions.process_pending",
                                       "schedule": PARKING_INBOX_PICK_UP_SECONDS},
    "appointments-reminders": {"task": "appointments.send_reminders", "schedule": 900.0},
    "appointments-expire-unconfirmed": {"task": "appointments.expire_unconfirmed", "schedule": 300.0},
    "chat-wait-alerts": {"task": "chat.send_wait_alerts", "schedule": 60.0},
    "insights-refresh-recent": {"task": "insights.refresh_recent", "schedule": 3600.0},
    "privacy-exports-pick-up": {"task": "privacy.pick_up_exports", "schedule": 300.0},
}
# Retention (docs/privacy.md): one daily job per data class, each with its period below.
CELERY_BEAT_SCHEDULE.update({
    f"retention-{key}": {"task": "privacy.retention", "args": [key], "schedule": 86400.0}
    for key in ("observations", "cases", "fines-files", "permits", "paid-sessions", "free-sessions", "inbox",
                "appointments", "chat", "payments", "messages", "exports")
})

# Task modules not named tasks.py, which autodiscovery would miss.
CELERY_IMPORTS = ("parking_sessions.enforcement_tasks",)
# Days the enforcement check log (plate, place, time) is kept before the beat task deletes it.
ENFORCEMENT_CHECK_RETENTION_DAYS = env.int("ENFORCEMENT_CHECK_RETENTION_DAYS", default=7)
# Retention per data class (docs/privacy.md gives the source of each default). Days after a scan car's observation
# that led to no case; years after a case closed; days for the merged print files and imported CSV files; years after
# a permit ended; years after a paid parking session and days after a free one or a parking disc; days after an
# inbound SMS or app message that made no session; days after an appointment; days after a chat closed; years of the
# accounts for payments and bank lines; days for sent emails and SMS; days a citizen's data export stays downloadable.
RETENTION_OBSERVATION_DAYS = env.int("RETENTION_OBSERVATION_DAYS", default=2)
RETENTION_CASE_YEARS = env.int("RETENTION_CASE_YEARS", default=5)
RETENTION_FINES_FILES_DAYS = env.int("RETENTION_FINES_FILES_DAYS", default=90)
RETENTION_PERMIT_YEARS = env.int("RETENTION_PERMIT_YEARS", default=5)
RETENTION_PAID_SESSION_YEARS = env.int("RETENTION_PAID_SESSION_YEARS", default=7)
RETENTION_FREE_SESSION_DAYS = env.int("RETENTION_FREE_SESSION_DAYS", default=365)
RETENTION_INBOX_DAYS = env.int("RETENTION_INBOX_DAYS", default=30)
RETENTION_APPOINTMENT_DAYS = env.int("RETENTION_APPOINTMENT_DAYS", default=365)
RETENTION_CHAT_DAYS = env.int("RETENTION_CHAT_DAYS", default=365)
RETENTION_PAYMENT_YEARS = env.int("RETENTION_PAYMENT_YEARS", default=7)
RETENTION_NOTIFICATION_DAYS = env.int("RETENTION_NOTIFICATION_DAYS", default=365)
RETENTION_EXPORT_DAYS = env.int("RETENTION_EXPORT_DAYS", default=7)

# Payments. Without MOLLIE_API_KEY the built-in fake Mollie API (SITE_URL/fake-mollie) takes its place,
# so the demo pays end to end without internet; MOLLIE_API_ENDPOINT points the real client elsewhere.
MOLLIE_API_KEY = env.str("MOLLIE_API_KEY", default="")
MOLLIE_FAKE = not MOLLIE_API_KEY
MOLLIE_API_ENDPOINT = env.str("MOLLIE_API_ENDPOINT", default=f"{SITE_URL}/fake-mollie" if MOLLIE_FAKE else "")
# Seconds the Mollie client waits to connect and then for an answer; a call that times out may have been done.
MOLLIE_CONNECT_TIMEOUT = env.float("MOLLIE_CONNECT_TIMEOUT", default=2.0)
MOLLIE_READ_TIMEOUT = env.float("MOLLIE_READ_TIMEOUT", default=10.0)
# Minutes after which an unfinished payment is fetched again by the reconciliation task.
PAYMENT_RECONCILE_AFTER_MINUTES = env.int("PAYMENT_RECONCILE_AFTER_MINUTES", default=15)

# Parking-app operators (parkkihubi's rule): within this many minutes of creating a parking an operator may change or
# delete it; after that only its time_end. The inbox pick-up takes over rows claimed longer ago than the stale time.
PARKING_OPERATOR_EDIT_MINUTES = env.int("PARKING_OPERATOR_EDIT_MINUTES", default=2)
PARKING_INBOX_STALE_SECONDS = env.int("PARKING_INBOX_STALE_SECONDS", default=60)

# Live chat: minutes a live conversation may wait before the team is alerted (once); the largest photo or PDF sent in a
# conversation; seconds between an event stream's heartbeats, and seconds after which a stream ends and the browser
# reconnects; seconds between polls where there is no stream; days a guest's email link stays valid.
CHAT_WAIT_ALERT_MINUTES = env.int("CHAT_WAIT_ALERT_MINUTES", default=5)
CHAT_ATTACHMENT_MAX_BYTES = env.int("CHAT_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
CHAT_HEARTBEAT_SECONDS = env.int("CHAT_HEARTBEAT_SECONDS", default=15)
CHAT_STREAM_SECONDS = env.int("CHAT_STREAM_SECONDS", default=300)
CHAT_POLL_SECONDS = env.int("CHAT_POLL_SECONDS", default=3)
CHAT_GUEST_LINK_DAYS = env.int("CHAT_GUEST_LINK_DAYS", default=30)

# Appointments: minutes a guest has to confirm a booking by email before the place is given back; the local time
# (HH:MM) from which the day-before reminders go out (nobody wants an SMS at midnight).
APPOINTMENT_CONFIRM_MINUTES = env.int("APPOINTMENT_CONFIRM_MINUTES", default=30)
APPOINTMENT_REMINDER_FROM = env.str("APPOINTMENT_REMINDER_FROM", default="10:00")

# SMS: "console" prints messages (demo); "http" posts them to the gateway below.
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_SENDER = env.str("SMS_SENDER", default="eloket")
# Inbound SMS (POST /api/v1/sms/inbound): the gateway's bearer token and the key of its X-Signature HMAC.
# Empty refuses every inbound message.
SMS_INBOUND_TOKEN = env.str("SMS_INBOUND_TOKEN", default="")
SMS_INBOUND_SECRET = env.str("SMS_INBOUND_SECRET", default="")

# Key for encrypting national register numbers at rest; defaults to one derived from SECRET_KEY.
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="")

# Security: production defaults are strict; the demo relaxes only what plain http needs.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # A payment form redirects to Mollie's hosted checkout, which form-action must allow.
        "form-action": ["'self'"] + env.list("CSP_FORM_ACTION", default=[] if MOLLIE_FAKE else ["https://www.mollie.com"])
        + oidc_origins(SOCIALACCOUNT_PROVIDERS),
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "eloket.logging.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own handlers are dropped so every line goes once through the redacting root handler.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # The ASGI server's access log goes through the redacting root handler too (it prints query strings).
        "uvicorn.access": {"handlers": [], "propagate": True},
        "gunicorn.access": {"handlers": [], "propagate": True},
    },
}
