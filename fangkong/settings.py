"""One settings module, read from the environment.

FANGKONG_HOME       where local state lives (SQLite database, generated demo keys); default ./var
DATABASE_URL        e.g. postgres://postgres@127.0.0.1:5432/fangkong; default embedded SQLite
FANGKONG_DATA_KEY   base64 of 32 random bytes; encrypts personal data at rest. Generated into
                    FANGKONG_HOME for the demo when unset; required when FANGKONG_ENV=production.
FANGKONG_SECRET_KEY Django's secret key (generated into FANGKONG_HOME when unset, outside production)
FANGKONG_ENV        "production" turns off debug and demands real keys
CELERY_BROKER_URL   background jobs go to Celery workers (`fangkong worker`) when set; else they run in-process
FANGKONG_CACHE_URL  e.g. redis://127.0.0.1:6379/1: the cache all workers share (scanner rate limits)
FANGKONG_STATUS_RATE  status look-ups per scanner device per minute (default 600)
FANGKONG_STATUS_USER_RATE  status look-ups per account per minute, all its devices together (default 3000)
FANGKONG_STATUS_LIST_KEY  base64 of a 32-byte Ed25519 seed signing the scanners' status list (default: derived
                    from the secret key); FANGKONG_STATUS_LIST_REFRESH_SECONDS (300), _VALID_HOURS (12)
FANGKONG_REQUIRE_2FA  "1": district HQ signs in with a TOTP second factor (default 1 in production, 0 otherwise)
FANGKONG_SSL_REDIRECT, FANGKONG_HSTS_SECONDS, FANGKONG_HSTS_SUBDOMAINS  production's HTTPS settings (on, 1 year, on)
FANGKONG_SMS_CHANNEL  dotted path of the text-message channel (default: write messages to the log)
FANGKONG_PORTAL_LINK_DOMAINS  comma-separated domains portal articles may link to (default gov.cn,…)
FANGKONG_PORTAL_CACHE  seconds a rendered public page is cached (default 60; publishing clears it at once)
DATABASE_REPLICA_URLS  comma-separated streaming replicas for reads that may lag (core.replicas)
FANGKONG_REPLICA_MAX_LAG, FANGKONG_REPLICA_CHECK, FANGKONG_READ_YOUR_WRITES  seconds: a replica past this lag is
                    skipped (5); how often each process checks (2); a client that wrote reads the primary (10, keep
                    it above the first two together)
FANGKONG_TRUSTED_PROXIES  comma-separated exact addresses of the proxies in front (nginx, a load balancer): only
                    from them is X-Forwarded-For believed (core.middleware.client_address)
FANGKONG_PGBOUNCER  "1" behind a transaction-pooling PgBouncer (no server-side prepared statements or cursors)
FANGKONG_MEDIA_ROOT, FANGKONG_STATIC_ROOT  uploads (a directory every app node shares) and collected static files

Every setting that holds a secret (keys, database, cache and broker URLs) may instead name a file: NAME_FILE=/path
(systemd's LoadCredential, a mounted secret); the file's content, stripped, is the value.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("FANGKONG_HOME", BASE_DIR.parent / "var")).resolve()
PRODUCTION = os.environ.get("FANGKONG_ENV", "") == "production"


def env(name: str, default: str = "") -> str:
    """A setting from the environment, or from the file that NAME_FILE names (a secret kept out of the environment,
    which other processes of the same user and crash reports can read)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise RuntimeError(f"{name}_FILE={path} cannot be read: {exc.strerror}") from exc
    return os.environ.get(name, default)


def _local_secret(name: str, make) -> str:
    """A secret from the environment, or (outside production) one generated once into HOME."""
    value = env(name)
    if value:
        return value
    if PRODUCTION:
        raise RuntimeError(f"{name} must be set when FANGKONG_ENV=production")
    HOME.mkdir(parents=True, exist_ok=True)
    path = HOME / name.lower()
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _local_secret("FANGKONG_SECRET_KEY", lambda: secrets.token_urlsafe(50))
DATA_KEY = _local_secret("FANGKONG_DATA_KEY", lambda: __import__("base64").b64encode(secrets.token_bytes(32)).decode())
# The signed status list's Ed25519 key (base64 of a 32-byte seed); unset, derived from SECRET_KEY
# (containment.status_list), the same on every node that shares it.
STATUS_LIST_KEY = env("FANGKONG_STATUS_LIST_KEY")
# Off unless asked for (FANGKONG_DEBUG=1, a developer's choice): the demo shows the district's own error pages in its
# language, never Django's English debug page with the settings in it.
DEBUG = os.environ.get("FANGKONG_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("FANGKONG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("FANGKONG_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # serves Swagger UI from local static files (no CDN on district intranets)
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "fangkong.core",
    "fangkong.registry",
    "fangkong.residents",  # the residents' edge: sign-in by phone, the /me/ home the domains fill
    "fangkong.incidents",
    "fangkong.screening",
    "fangkong.testing",
    "fangkong.containment",
    "fangkong.portal",
    "fangkong.command",
    "fangkong.safety",
    "fangkong.livelihood",
    "fangkong.dataprotection",  # above the domain apps: retention of every class of personal data, backups
    "fangkong.hall",  # the command hall and its API, composed from what every module registers (core.hall)
    "fangkong.site",  # the composition root: URLs, WSGI, the home page, the demo, the platform's commands
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fangkong.core.middleware.CleanInputMiddleware",  # control characters out of every query and form
    "fangkong.core.replicas.ReplicaMiddleware",  # reads of GET requests on replicas, when there are any
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "fangkong.core.signin.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "fangkong.core.passwords.PasswordChangeMiddleware",  # after the second factor; needs the messages
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "fangkong.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "fangkong.site.urls"
WSGI_APPLICATION = "fangkong.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fangkong.core.context.navigation",
                "fangkong.residents.context.resident_services",
            ],
        },
    },
]

_default_db = f"sqlite:///{HOME / 'fangkong.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    HOME.mkdir(parents=True, exist_ok=True)
    # WAL lets the demo server read while an import writes; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    PGBOUNCER = os.environ.get("FANGKONG_PGBOUNCER") == "1"
    # A database host that does not answer costs a request a few seconds, not a worker thread for minutes: a short
    # connection timeout, and keepalives that find a kept connection to a host gone from the network in about a
    # minute (the TCP default is two hours).
    # (A URL's own ?connect_timeout=… wins.)
    _timeouts = {"connect_timeout": 5, "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10}
    for _key, _value in {**_timeouts, "keepalives_count": 3}.items():
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(_key, _value)
    # No JIT compilation: our statements are short look-ups and batch writes, where compiling (10–15 ms, measured
    # on a 10,000-scan batch) costs more than it saves; JIT pays off for long analytics, which we do not run.
    # Behind PgBouncer (FANGKONG_PGBOUNCER=1), which passes no such options, `jit=off` is set on the role instead.
    DATABASES["default"].setdefault("OPTIONS", {})
    if not PGBOUNCER:
        DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
    # Several hosts in DATABASE_URL (postgres://…@db1,db2/fangkong?target_session_attrs=read-write, as pg_auto_failover
    # prints it): after a failover a kept connection may point at the old primary, so each request checks its
    # connection first and opens a new one — to whichever host is now the primary — when it is gone.
    if "," in str(DATABASES["default"].get("HOST", "")):
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Let the few statements that ask for it (the scanners' status look-up) be prepared on the server: planning
    # cost as much as running it (pgbench: 24k → 67k look-ups/s). Django's own cursors bind on the client and
    # never prepare. Behind a transaction-pooling PgBouncer a connection is the server's only for one transaction:
    # nothing prepared on it, no cursor held open across transactions (Django's .iterator() would keep one WITH
    # HOLD).
    if PGBOUNCER:
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    elif os.environ.get("FANGKONG_PG_PREPARE", "1") == "1":
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 0
    # Streaming replicas for the reads that may lag (core.replicas): "replica1", "replica2" … A replica that does
    # not answer within two seconds is skipped, not waited for.
    for _n, _url in enumerate(u.strip() for u in env("DATABASE_REPLICA_URLS").split(",") if u.strip()):
        _replica = dj_database_url.parse(_url, conn_max_age=60)
        # The primary's session options, less the one that would refuse a standby (a failover connection string's
        # target_session_attrs=read-write), then the replica's own.
        # Replicas sit behind PgBouncer or not as the primary does (FANGKONG_PGBOUNCER): the same pooling rules.
        _shared = {k: v for k, v in DATABASES["default"]["OPTIONS"].items() if k != "target_session_attrs"}
        _replica["OPTIONS"] = {**_shared, "connect_timeout": 2, **_replica.get("OPTIONS", {})}
        _replica["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"].get("DISABLE_SERVER_SIDE_CURSORS", False)
        DATABASES[f"replica{_n + 1}"] = _replica
    if len(DATABASES) > 1:
        DATABASE_ROUTERS = ["fangkong.core.replicas.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared cache (rate limits per scanner device): Redis in production, so that all worker processes count
# together; per process in memory otherwise (the demo: a limit then applies per worker).
if env("FANGKONG_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "fangkong.core.rediscache.RedisCache",  # one redis client per pool (core/rediscache.py)
            "LOCATION": env("FANGKONG_CACHE_URL"),
            # A cache that stops answering costs a request two seconds at most, not a hung worker.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Sessions read from the shared cache by every app node, written through to the database: a Redis restart
    # signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fangkong"}}

# The command hall's alert streams one server process holds open at most (core.alertstream): each holds a thread.
ALERT_MAX_STREAMS = int(os.environ.get("FANGKONG_ALERT_MAX_STREAMS", "200"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
OTP_TOTP_ISSUER = "fangkong"
OTP_TOTP_THROTTLE_FACTOR = 0  # failures are limited by core.signin (per account, address and overall) instead
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 3600  # one duty shift
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
# Production is served over TLS behind a reverse proxy (docs/deployment.md): browsers are told to use HTTPS only
# (HSTS), plain HTTP is redirected, and the proxy's X-Forwarded-Proto says whether the client's connection was
# TLS — the proxy must set it (and strip any the client sent). `fangkong check --deploy` is clean with these.
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("FANGKONG_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("FANGKONG_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("FANGKONG_HSTS_SUBDOMAINS", "1") == "1"
    # Allows the domain onto browsers' HTTPS-only list (it submits nothing; set 0 if a subdomain must stay HTTP).
    SECURE_HSTS_PRELOAD = os.environ.get("FANGKONG_HSTS_PRELOAD", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Chinese first: a request without Accept-Language gets Simplified Chinese.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("FANGKONG_STATIC_ROOT") or HOME / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the apps' static folders; no collectstatic step
MEDIA_ROOT = Path(env("FANGKONG_MEDIA_ROOT") or HOME / "media")  # shared by every app node (docs/deployment.md)
# Uploads and the tables read from them (fangkong.core.uploads, fangkong.core.tables). A file past
# UPLOAD_MAX_BYTES stops being stored while it arrives (core.uploads.UploadLimitHandler) and is refused with a
# 400 "too_large"; a front proxy should still cap request bodies (nginx client_max_body_size 60m).
FILE_UPLOAD_HANDLERS = [
    "fangkong.core.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger files wait in a temporary file, not in memory
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024  # a JSON body or form fields; a 10,000-scan batch is 1 MB
_MB = 1024 * 1024
UPLOAD_LIMITS: dict[str, int] = {
    "UPLOAD_MAX_BYTES": 50 * _MB,  # any one file
    "UPLOAD_MAX_REQUEST_BYTES": 200 * _MB,  # all files of one request (an inspection sends a photo per item)
    "IMAGE_MAX_BYTES": 20 * _MB,  # photos
    "IMAGE_MAX_PIXELS": 64_000_000,  # a 64-megapixel phone photo; decompression bombs claim far more
    "ATTACHMENT_MAX_BYTES": 20 * _MB,  # task attachments (photos, PDF, Excel, Word)
    "TABLE_MAX_BYTES": 50 * _MB,  # imported sheets and CSV files
    "TABLE_MAX_UNPACKED_BYTES": 200 * _MB,  # an .xlsx unpacked (a 100,000-row roster: 49 MB)
    "TABLE_MAX_RATIO": 100,  # unpacked / packed per entry (sheets pack 1:10-1:15; a zip bomb 1:1000)
    "TABLE_MAX_ZIP_ENTRIES": 1000,
    "TABLE_MAX_ROWS": 300_000,  # a roster of a whole community is 20,000; a city round's results 200,000
    "TABLE_MAX_COLUMNS": 200,
    "TABLE_MAX_CELLS": 5_000_000,  # rows × columns of the used range, which the reader allocates at once
    "IMPORT_JOB_STALE_MINUTES": 10,  # an import that reported nothing for this long has lost its worker
}

# Content-Security-Policy on every page: only our own scripts and styles, no inline code, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-job leaves it to another (jobs are idempotent)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # imports are long: do not hoard them
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_TIMEOUT = 2  # /readyz and a request queueing a job wait that long for Redis, not forever
# What `fangkong beat` sends, and when: fangkong/core/celery_app.py (the district's time zone).
CELERY_TIMEZONE = TIME_ZONE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FANGKONG_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Scale knobs of the people list: above this many rows the exact count is replaced by the planner's estimate.
FANGKONG: dict[str, Any] = {
    **UPLOAD_LIMITS,
    "PAGE_SIZE": 50,
    "MAX_PAGE_SIZE": 500,
    "DEMO_PASSWORD": os.environ.get("FANGKONG_DEMO_PASSWORD", "fangkong-demo"),
    "INLINE_JOBS_IN_THREAD": os.environ.get("FANGKONG_INLINE_JOBS_IN_THREAD", "1") == "1",
    "TITLE": _("Xinglongtai District Prevention and Control Platform"),
    "STATUS_RATE_PER_MINUTE": int(os.environ.get("FANGKONG_STATUS_RATE", "600")),  # per scanner (API token)
    "STATUS_USER_RATE_PER_MINUTE": int(os.environ.get("FANGKONG_STATUS_USER_RATE", "3000")),  # per account
    # The signed status list for scanners offline (containment.status_list): rebuilt when older than this, and
    # answered from by a page for this long after it was issued.
    "STATUS_LIST_REFRESH_SECONDS": int(os.environ.get("FANGKONG_STATUS_LIST_REFRESH_SECONDS", "300")),
    "STATUS_LIST_VALID_HOURS": int(os.environ.get("FANGKONG_STATUS_LIST_VALID_HOURS", "12")),
    "STATUS_LIST_RATE_PER_MINUTE": 6,  # downloads per scanner device: a page asks every few minutes
    "SMS_CHANNEL": os.environ.get("FANGKONG_SMS_CHANNEL", "fangkong.core.sms.LogChannel"),
    # Off-site links the portal's articles may point to (and their subdomains); others lose their href. Images: only
    # the portal's own uploads (portal.sanitise).
    "PORTAL_LINK_DOMAINS": [
        d.strip()
        for d in os.environ.get("FANGKONG_PORTAL_LINK_DOMAINS", "gov.cn,xlt.gov.cn,panjin.gov.cn").split(",")
        if d.strip()
    ],
    "PORTAL_PAGE_CACHE_SECONDS": int(os.environ.get("FANGKONG_PORTAL_CACHE", "60")),
    # District HQ and administrators sign in with a second factor (TOTP). On in production; the demo and the
    # tests turn it on where they mean to (FANGKONG_REQUIRE_2FA=1).
    "REQUIRE_2FA": os.environ.get("FANGKONG_REQUIRE_2FA", "1" if PRODUCTION else "0") == "1",
    "REPLICA_MAX_LAG_SECONDS": float(os.environ.get("FANGKONG_REPLICA_MAX_LAG", "5")),
    "REPLICA_CHECK_SECONDS": float(os.environ.get("FANGKONG_REPLICA_CHECK", "2")),
    "READ_YOUR_WRITES_SECONDS": int(os.environ.get("FANGKONG_READ_YOUR_WRITES", "10")),
    "TRUSTED_PROXIES": [p.strip() for p in os.environ.get("FANGKONG_TRUSTED_PROXIES", "").split(",") if p.strip()],
}
