"""GovMall settings: one file, fed by environment variables (see README, Configuration).

Development defaults are safe to run on a laptop: SQLite under var/, DEBUG off, a secret key
generated into var/secret_key. Production sets GOVMALL_PRODUCTION=1 and the variables the
one-line errors ask for.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF

from govmall.env import ConfigError, database, env_bool, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GOVMALL_VAR_DIR", str(BASE_DIR / "var")))

PRODUCTION = env_bool("GOVMALL_PRODUCTION", False)
DEBUG = env_bool("GOVMALL_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ConfigError("GOVMALL_DEBUG=1 is not allowed with GOVMALL_PRODUCTION=1; unset GOVMALL_DEBUG")

SECRET_KEY = secret_key(VAR_DIR, required=PRODUCTION)
if PRODUCTION:
    ALLOWED_HOSTS = env_list("GOVMALL_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ConfigError("GOVMALL_ALLOWED_HOSTS is not set; list the site's host names, e.g. weihai.gpmall.example.cn")
else:
    ALLOWED_HOSTS = env_list("GOVMALL_ALLOWED_HOSTS", ["127.0.0.1", "localhost", ".localhost", "testserver"])

DATABASES = {"default": database(env_str("DATABASE_URL", ""), VAR_DIR / "govmall.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs from its bundled static files (no CDN, no inline script)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "huey.contrib.djhuey",
    "govmall.core",
    "govmall.regions",
    "govmall.audit",
    "govmall.workdays",
    "govmall.subsites",
    "govmall.accounts",
    "govmall.catalog",
    "govmall.training",
    "govmall.disclosure",
    "govmall.suppliers",
    "govmall.purchasers",
    "govmall.products",
    "govmall.plans",
    "govmall.limits",
    "govmall.ordering",
    "govmall.bidding",
    "govmall.contracts",
    "govmall.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the middleware that can answer early (static files, unknown host, unknown
    # sub-site), so those answers carry the framing and CSP headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "govmall.core.middleware.RequestContextMiddleware",
    "govmall.subsites.middleware.SubsiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "govmall.accounts.middleware.SessionPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "govmall.urls"
WSGI_APPLICATION = "govmall.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "govmall" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govmall.subsites.context_processors.subsite",
                "govmall.accounts.context_processors.navigation",
            ],
        },
    }
]

# --- Sign-in hardening (MLPS 2.0 level 3; docs/SECURITY.md) -----------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:workspace"
LOGOUT_REDIRECT_URL = "portal:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "govmall.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "govmall.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Periodic password change (days; 0 switches it off). MLPS assessors expect one; see SECURITY.md.
PASSWORD_MAX_AGE_DAYS = env_int("GOVMALL_PASSWORD_MAX_AGE_DAYS", 90, minimum=0)

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "govmall.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "govmall.core.context.client_ip"
AXES_VERBOSE = False
# Accounts are locked by user name (what MLPS requires). Locking by IP as well would lock out
# a whole town office behind one NAT address; nginx limit_req throttles IP spraying instead
# (docs/SECURITY.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

OTP_TOTP_ISSUER = "山东省政府采购网上商城"

SESSION_IDLE_SECONDS = env_int("GOVMALL_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_ABSOLUTE_SECONDS = env_int("GOVMALL_SESSION_ABSOLUTE_SECONDS", 12 * 3600, minimum=600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

HTTPS = env_bool("GOVMALL_HTTPS", PRODUCTION)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("GOVMALL_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("GOVMALL_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("GOVMALL_BEHIND_PROXY", PRODUCTION):
    # nginx terminates TLS and sets X-Forwarded-Proto (README, Production).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("GOVMALL_CSRF_TRUSTED_ORIGINS", [])

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
    }
}

# --- Locale, time, static ------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
STATICFILES_DIRS = [BASE_DIR / "govmall" / "static"]
WHITENOISE_USE_FINDERS = not PRODUCTION
# Outside production a stylesheet edited while the server runs is served as it is now (without
# this, whitenoise keeps the size it saw at start and cuts the new file short).
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "media"

# --- Sub-sites -----------------------------------------------------------------------------
# Requests whose host matches no sub-site are served by this one; /s/<code>/… selects a
# sub-site by path in development (GOVMALL_SUBSITE_PATH_PREFIX=0 turns that off).
DEFAULT_SUBSITE_CODE = env_str("GOVMALL_DEFAULT_SUBSITE", "weihai")
SUBSITE_PATH_PREFIX = env_bool("GOVMALL_SUBSITE_PATH_PREFIX", not PRODUCTION)

# --- Background worker (huey) --------------------------------------------------------------
_redis_url = env_str("GOVMALL_REDIS_URL", "")
if _redis_url:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "govmall", "url": _redis_url, "immediate": False}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "govmall",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": env_bool("GOVMALL_TASKS_IMMEDIATE", False),
    }
HUEY["consumer"] = {"workers": 2, "worker_type": "thread", "periodic": True, "check_worker_health": True}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("GOVMALL_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}, "fpdf": {"level": "WARNING"}, "huey": {"level": "INFO", "propagate": False}},
}

NINJA_PAGINATION_PER_PAGE = 50

# The catalog level annual caps count on (二级品目): 3 = e.g. A0201 信息化设备 (DOMAIN.md §1).
CAP_CATEGORY_LEVEL = env_int("GOVMALL_CAP_CATEGORY_LEVEL", 3, minimum=2)

# PostgreSQL: how often one process seals committed audit entries into the hash chain
# (audit.services._seal_committed); the worker seals every minute as well.
GOVMALL_AUDIT_SEAL_INTERVAL_MS = env_int("GOVMALL_AUDIT_SEAL_INTERVAL_MS", 1000, minimum=0)
