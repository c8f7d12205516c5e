"""Project wiring. Every deployment value comes from the environment (see docs/operators.md)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp import constants as csp
from xstatic.pkg import bootstrap as xstatic_bootstrap

from jiayuan.env import EnvError, env_bool, env_int, env_list, env_str, load_env_file

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("JIAYUAN_VAR_DIR", str(PROJECT_DIR / "var")))

# `make demo` writes var/demo.env (DEBUG, SECRET_KEY, DATABASE_URL) so that the console commands the README
# shows work against the demo as written. Variables set in the environment win over the file; a site whose
# environment sets SECRET_KEY (every production site) never reads it.
DEMO_ENV_FILE = VAR_DIR / "demo.env"
if env_bool("JIAYUAN_DEMO_ENV", True) and not os.environ.get("SECRET_KEY"):
    load_env_file(DEMO_ENV_FILE)

# Production-safe defaults: DEBUG off, a secret required unless DEBUG is on.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or env_bool("JIAYUAN_ALLOW_INSECURE_KEY", False):
        SECRET_KEY = "jiayuan-insecure-development-key-do-not-use-in-production"
    else:
        raise EnvError("SECRET_KEY must be set when DEBUG is off (see docs/operators.md)")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "simple_history",
    "ninja",
    "axes",
    "jiayuan.core",
    "jiayuan.standards",
    "jiayuan.org",
    "jiayuan.estate",
    "jiayuan.billing",
    "jiayuan.service",
    "jiayuan.quality",
    "jiayuan.portal",
    "jiayuan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jiayuan.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "jiayuan.core.middleware.CurrentProjectMiddleware",
    "jiayuan.core.middleware.ControlCharactersMiddleware",  # NUL & co. in any field: 422, before any view
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into its page (jiayuan.core.throttle)
]

ROOT_URLCONF = "jiayuan.urls"
WSGI_APPLICATION = "jiayuan.wsgi.application"

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
                "jiayuan.core.context_processors.shell",
            ],
        },
    }
]

DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'jiayuan.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL", DEFAULT_SQLITE),
            conn_max_age=env_int("CONN_MAX_AGE", 60, minimum=0),
            conn_health_checks=True,
        )
    }
except EnvError:
    raise
except ValueError:  # dj_database_url: unknown scheme, bad port… (never echo the URL: it holds a password)
    raise EnvError(
        "DATABASE_URL is not a database URL: expected postgres://user:password@host:5432/name or "
        "sqlite:////absolute/path, with special characters in the password %-quoted"
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default keeps its database under var/, which a fresh checkout does not have yet.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # SQLite: one writer at a time; wait instead of failing on a busy database.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes, jiayuan.core.throttle, docs/operators.md): after 5 wrong passwords within
# 15 minutes the username is locked from any address, and the address for any username, until 15 minutes
# after the last failure; attempts during the lock do not extend it. A successful login does not wipe the
# count (axes would wipe the address's failures for every username with it).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("JIAYUAN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("JIAYUAN_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "jiayuan.core.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "jiayuan.core.throttle.lockout_response"
AXES_VERBOSE = False  # no banner on every console command; failures and lockouts are still logged
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic_bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("JIAYUAN_MANIFEST_STATIC", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"  # never routed: every stored file goes through a view that checks its record
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Who sends a file's bytes once the view has checked the scope (core/files.py): "django" streams them (the
# demo); "nginx" answers X-Accel-Redirect to the internal location below (docs/operators.md).
FILE_SERVING = env_str("JIAYUAN_FILE_SERVING", "django").strip().lower() or "django"
if FILE_SERVING not in {"django", "nginx"}:
    raise EnvError(f"JIAYUAN_FILE_SERVING must be django or nginx, got {FILE_SERVING!r}")
FILE_SERVING_INTERNAL_URL = "/protected-media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# HTTPS (docs/operators.md "HTTPS"): with DEBUG off every request is redirected to https://, answered with
# HSTS, and cookies travel over HTTPS only. JIAYUAN_HTTPS=0 turns all of it off, for a site served over plain
# HTTP on a closed network. Behind nginx, BEHIND_TLS_PROXY=true trusts its X-Forwarded-Proto.
JIAYUAN_HTTPS = env_bool("JIAYUAN_HTTPS", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", JIAYUAN_HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", JIAYUAN_HTTPS)
SECURE_SSL_REDIRECT = JIAYUAN_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # monitors ask gunicorn directly, without the proxy's header
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0) if JIAYUAN_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading puts the domain (and all its subdomains) into the browsers' built-in lists, for months after it
# is withdrawn: the domain owner's decision, so off unless SECURE_HSTS_PRELOAD=true, and check --deploy's
# reminder about it (W021) is silenced.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Behind nginx: https as nginx says, and the client's address the one nginx adds to X-Forwarded-For.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None

REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without Redis (the embedded demo and the tests) task functions run in-process.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# Outbox delivery backends: dotted paths per channel (docs/operators.md).
JIAYUAN_OUTBOX_BACKENDS = {"default": "jiayuan.core.outbox.LogBackend"}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Content-Security-Policy (django-csp; docs/operators.md "Content-Security-Policy"). Every script, style,
# font and image comes from our own static files: no inline <script>, no on*="" handler, no style=""
# attribute, no eval (htmx runs with allowEval off, see base.html). A page that must load from elsewhere
# (a CDN, a map tile server) adds that origin to the directive it needs, here or with csp.decorators.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        # data: for images drawn in the page (the signature pad's PNG, Swagger UI's and Bootstrap's icons);
        # blob: for images a page builds in the browser (previews).
        "img-src": [csp.SELF, "data:", "blob:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
