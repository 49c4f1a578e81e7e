"""Settings, read from the environment.

Nothing set gives the embedded default: SQLite file, in-memory channel layer, local-memory
cache, DEBUG on. DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis (channel layer and
cache). With DEBUG off the app refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

import importlib.util
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from error


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


DEBUG = env_flag("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

if not DEBUG:
    required = (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS))
    missing = [name for name, value in required if not value]
    if missing:
        raise ImproperlyConfigured(
            "Production mode (DEBUG off) needs these environment variables: "
            + ", ".join(missing)
            + ". Set SECRET_KEY to a long random string and ALLOWED_HOSTS to the site's host "
            "names, comma-separated (for example ALLOWED_HOSTS=shahr.example.ir)."
        )
else:
    SECRET_KEY = SECRET_KEY or "insecure-development-key-only-for-debug-mode"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_jalali",
    "channels",
    "rules.apps.AutodiscoverRulesConfig",
    "backend",
    "cities",
    "accounts",
    "planning",
    "moderation",
    "participation",
    "inventory",
    "monitoring",
    "budget",
    "frontend",
    "demo",
    "benchmark",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Work a write sets off for other people (the moderators' live queue, a duplicate hint)
    # runs once the answer has gone (backend/afterresponse.py); outside every transaction.
    "backend.afterresponse.AfterResponseMiddleware",
    # Compresses pages and API answers (gzip with Django's BREACH padding; backend/compression.py).
    # Outside whitenoise, so it also compresses static files served from the finders (DEBUG);
    # collected ones come precompressed (.br/.gz) and are left as they are.
    "backend.compression.PageCompressionMiddleware",
    # ETag on every GET answer and 304 for If-None-Match / If-Modified-Since (the public
    # cache's API answers carry Last-Modified); inside the compression, as Django asks.
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "backend.locale.PersianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "frontend.web.DomainErrorMiddleware",
]

ROOT_URLCONF = "backend.urls"
ASGI_APPLICATION = "backend.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The admin's base_site override (backend/templates/admin/base_site.html).
        "DIRS": [BASE_DIR / "backend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "frontend.context_processors.unread_notifications",
                "frontend.context_processors.staff_navigation",
                # Last: a public page computed for the cache prints a placeholder token.
                "backend.publiccache.csrf_placeholder",
            ],
            "builtins": ["backend.templatetags.persian"],
        },
    },
]

# Database: SQLite file by default, anything dj-database-url understands otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the browser tests' server thread read while the test writes; the test
    # database is a file (one per test process) so that thread sees committed data.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}
else:
    # One test database per test process, so two suites on one server never collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py's asyncio pool refuses (MaxConnectionsError) past its limit instead
                # of waiting: a worker closing many sockets at once needs more than its 100.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": env_int("CHANNELS_MAX_CONNECTIONS", 1000),
                        # A worker waits for its sockets' events with BZPOPMIN blocking 5 s
                        # (channels_redis' brpop_timeout). redis-py 8 reads with a 5 s socket
                        # timeout by default: a busy event loop read the empty answer a moment
                        # late, the read timed out, and every socket waiting on it was closed
                        # with its event lost. Reads wait longer than the block, still bounded
                        # (a Redis that stopped answering is noticed).
                        "socket_timeout": env_int("CHANNELS_SOCKET_TIMEOUT", 15),
                    }
                ],
                "prefix": os.environ.get("CHANNELS_PREFIX", "hamandishi"),
                # All sockets of a worker share one queue in Redis, and a send to a full
                # queue is dropped: a notification to many followers at once must fit.
                "capacity": env_int("CHANNELS_CAPACITY", 5000),
            },
        }
    }
    CACHES = {
        "default": {
            # Django's Redis cache, keeping one client per pool (backend/rediscache.py).
            "BACKEND": "backend.rediscache.RedisCache",
            # A separate database for the cache keeps a cache flush (tests clear it) from
            # touching the channel layer's groups.
            "LOCATION": os.environ.get("REDIS_CACHE_URL") or REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "hamandishi"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "frontend:signin"

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", "فارسی"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if not DEBUG:
    SESSION_COOKIE_SECURE = env_flag("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "backend.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "backend.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # `?format=` belongs to our endpoints (the inventory export's csv|xlsx|json), not to
    # DRF's renderer switch.
    "URL_FORMAT_OVERRIDE": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Hamandishi API",
    "DESCRIPTION": "Participatory, problem-centric planning for Iranian cities.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set where several models call their field the same.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationStatusEnum": "accounts.models.Organisation.Status",
        "InvitationStatusEnum": "accounts.models.Invitation.Status",
        "PlanItemStatusEnum": "planning.models.PlanItem.Status",
        "PlanItemKindEnum": "planning.models.PlanItem.Kind",
        "InventoryStatusEnum": "inventory.models.InventoryEntry.Status",
        "ModerationStateEnum": "moderation.models.ModerationState",
        "IndicatorKindEnum": "monitoring.models.IndicatorVersion.Kind",
        "MeasurementStateEnum": "monitoring.models.Measurement.State",
        "ItemMonitoringStateEnum": "monitoring.models.ItemMonitoring.State",
        "ReminderKindEnum": "monitoring.models.ReminderSent.Kind",
        "ProjectStatusEnum": "budget.models.Project.Status",
    },
}

# One-time sign-in codes. The sender is pluggable: see accounts/otp_senders.py.
OTP_SENDER = os.environ.get("OTP_SENDER", "accounts.otp_senders.LogSender")
OTP_TTL_SECONDS = 120
OTP_MAX_ATTEMPTS = 5
OTP_LENGTH = 6
# Fixed-window limits on code requests: (count, seconds).
OTP_LIMIT_PER_PHONE = [(1, 60), (5, 3600)]
OTP_LIMIT_PER_IP = [(20, 3600)]

# Moderation: how long a claim reserves a queue entry, and how many distinct reporters hide
# published content until a moderator decides.
MODERATION_CLAIM_SECONDS = int(os.environ.get("MODERATION_CLAIM_SECONDS", "300"))
MODERATION_REPORT_THRESHOLD = int(os.environ.get("MODERATION_REPORT_THRESHOLD", "3"))

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "hamandishi": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    },
}

# --- sign-in and tokens ---
# Client addresses (backend/clientip.py): X-Forwarded-For is read only when the direct peer is
# one of these proxies (comma-separated addresses or CIDR ranges; default none, so the header
# is ignored). Every per-address limit uses backend.clientip.client_address.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
try:
    import ipaddress as _ipaddress

    for _proxy in TRUSTED_PROXIES:
        _ipaddress.ip_network(_proxy, strict=False)
except ValueError as _error:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXIES must be comma-separated addresses or CIDR ranges: {_error}"
    ) from _error

# Sign-in codes: the log sender writes codes to the server log, which production must not
# do. With DEBUG off the app refuses to start with it unless OTP_SENDER_ALLOW_LOG=1 is set
# (a closed trial without SMS), and even then the log shows the code masked.
OTP_SENDER_ALLOW_LOG = env_flag("OTP_SENDER_ALLOW_LOG", False)
OTP_LOG_SENDERS = ("accounts.otp_senders.LogSender", "accounts.otp_senders.OutboxSender")
if not DEBUG and OTP_SENDER in OTP_LOG_SENDERS and not OTP_SENDER_ALLOW_LOG:
    raise ImproperlyConfigured(
        f"Production mode (DEBUG off) with OTP_SENDER={OTP_SENDER} would write sign-in codes "
        "to the log instead of sending them. Set OTP_SENDER to your SMS sender class "
        "(a subclass of accounts.otp_senders.SmsSender), or set OTP_SENDER_ALLOW_LOG=1 for a "
        "trial without SMS (codes are then masked in the log and nobody can sign in by code)."
    )
# Transient SMS failures are retried this many times, waiting OTP_SEND_BACKOFF_SECONDS,
# doubled each time.
OTP_SEND_RETRIES = int(os.environ.get("OTP_SEND_RETRIES", "2"))

# Digests of unread notifications (accounts/digests.py, the send_digests command): the
# sender class (accounts/digest_senders.py) and the address links in them point at.
DIGEST_SENDER = os.environ.get("DIGEST_SENDER", "accounts.digest_senders.LogDigestSender")
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")
OTP_SEND_BACKOFF_SECONDS = float(os.environ.get("OTP_SEND_BACKOFF_SECONDS", "0.5"))

# Password guessing (django-axes): every authenticate() call — the sign-in page's password
# step, /admin/login/ and POST /api/v1/auth/login — is refused before the password hasher
# runs once an account or a client address has AXES_FAILURE_LIMIT failures within the
# cool-off; the lock lifts AXES_COOLOFF_MINUTES after the last counted failure. Staff unlock
# with `manage.py axes_reset_username <username>` / `axes_reset_ip <address>` or by deleting
# the "access attempt" rows in the admin. Sign-in by SMS code is not affected.
from datetime import timedelta as _timedelta  # noqa: E402

# (DRF's plain authtoken app is no longer installed; its old table is left unused.)
INSTALLED_APPS += ["axes", "knox"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last, as django-axes asks
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = _timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_CLIENT_IP_CALLABLE = "backend.clientip.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # refused tries do not extend a lock
AXES_RESET_ON_SUCCESS = False  # a success elsewhere must not reset an address's count
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not stored with their address
AXES_USERNAME_FORM_FIELD = "username"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password"]
AXES_VERBOSE = False

# API tokens (django-rest-knox): one new token per sign-in, per client, stored hashed,
# expiring API_TOKEN_TTL_DAYS after creation; a user keeps at most API_TOKENS_PER_USER (the
# oldest go first). `Authorization: Token <key>` as before.
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "accounts.authentication.TokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]
REST_KNOX = {
    "TOKEN_TTL": _timedelta(days=int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": None,  # enforced by accounts.services.api_token_for instead
    "AUTO_REFRESH": False,
}
API_TOKENS_PER_USER = int(os.environ.get("API_TOKENS_PER_USER", "20"))

# --- infrastructure ---
# Connection pool, security headers, static files, logging, error pages.
# docs/production.md («Infrastructure») lists every variable below with its default.


# PostgreSQL: psycopg 3's pool per worker process (Django's OPTIONS["pool"]). A request in
# flight waits up to DB_POOL_TIMEOUT seconds for one of DB_POOL_MAX connections instead of
# opening its own; the budget is workers × DB_POOL_MAX ≤ max_connections − reserve.
# The pool replaces persistent connections, so CONN_MAX_AGE must be 0 with it.
DB_POOL = env_flag("DB_POOL", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_POOL:
    DB_POOL_MIN = env_int("DB_POOL_MIN", 2)
    DB_POOL_MAX = env_int("DB_POOL_MAX", 10)
    if not 0 <= DB_POOL_MIN <= DB_POOL_MAX or DB_POOL_MAX < 1:
        raise ImproperlyConfigured("Need 0 ≤ DB_POOL_MIN ≤ DB_POOL_MAX and DB_POOL_MAX ≥ 1.")
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": DB_POOL_MIN,
        "max_size": DB_POOL_MAX,
        "timeout": float(env_int("DB_POOL_TIMEOUT", 20)),
    }
# Parameters bound by the server, and statements prepared once a connection has run them
# DB_PREPARE_THRESHOLD times (docs/scaling.md «Prepared statements»). Django's default binds
# on the client: psycopg quotes every value into the text in Python, and PostgreSQL plans
# every statement again (~1–1.5 ms for a problem with its joins). Prepared, the same lookup
# is planned once per pooled connection. Workers must restart after a migration that
# changes a table they have statements for (a deploy does); behind PgBouncer, transaction
# pooling needs max_prepared_statements (1.21 or newer) or DB_SERVER_SIDE_BINDING=0.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_flag(
    "DB_SERVER_SIDE_BINDING", True
):
    from backend.pgcursor import PlannedForValuesCursor

    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "server_side_binding": True,
            "prepare_threshold": env_int("DB_PREPARE_THRESHOLD", 5),
            # Searches are planned for their values every time (backend/pgcursor.py).
            "cursor_factory": PlannedForValuesCursor,
        }
    )

# Plain HTTP (backend/asgi.py, docs/scaling.md «The HTTP path»): "wsgi" serves it through
# Django's WSGI handler on HTTP_THREADS threads per worker (at most DB_POOL_MAX of them
# hold a database connection at once); "asgi" through Django's ASGI handler.
HTTP_HANDLER = os.environ.get("HTTP_HANDLER", "wsgi").strip().lower()
HTTP_THREADS = env_int("HTTP_THREADS", 10)

# Cached public reads (backend/publiccache.py, docs/scaling.md): anonymous GETs of these API
# paths come from the cache until a public write commits, PUBLIC_CACHE_SECONDS at most.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 60)
PUBLIC_CACHE_PATHS = [
    r"^/api/v1/(problems|proposals|comments|plans|cities|axes|committees|districts|inventory)/$",
    r"^/api/v1/(problems|proposals|plans|plan-items|inventory)/\d+/$",
    r"^/api/v1/plans/\d+/items/$",
    r"^/api/v1/inventory/stats/$",
]
# The public pages a visitor reads (the README's page table), cached the same way; each
# answer gets the visitor's own CSRF token (backend/publiccache.py).
PUBLIC_PAGE_PATHS = [
    r"^/$",
    r"^/(plans|problems|rules|transparency|organisations)/$",
    r"^/plans/\d+/$",
    r"^/plans/\d+/(map|inventory|monitoring|budget)/$",
    r"^/plans/\d+/budget/(goals/\d+|slice/\d+)/$",
    r"^/(plan-items|problems|proposals|inventory|indicators|budget/projects)/\d+/$",
]
if PUBLIC_CACHE_SECONDS > 0:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware") + 1,
        "backend.publiccache.PublicCacheMiddleware",
    )

# Read replicas (docs/scaling.md): DATABASE_REPLICA_URLS, comma-separated, one alias each
# (replica1, replica2, …) with the primary's pool settings; public reads go to them
# (backend/replicas.py). A browser that wrote reads the primary for REPLICA_PIN_SECONDS.
DATABASE_REPLICA_ALIASES: list[str] = []
for _n, _url in enumerate(
    (u.strip() for u in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if u.strip()), 1
):
    _replica = dj_database_url.parse(_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    if _replica["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS must name databases of the primary's kind."
        )
    _replica["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    # Tests run on the primary's test database through this alias; the replica tests in
    # tests/backend/test_replicas_live.py point an alias at a real streaming replica.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_n}"] = _replica
    DATABASE_REPLICA_ALIASES.append(f"replica{_n}")
# The first router only watches writes to public content (backend/publiccache.py).
DATABASE_ROUTERS = ["backend.publiccache.PublicWrites"]
if DATABASE_REPLICA_ALIASES:
    DATABASE_ROUTERS.append("backend.replicas.ReplicaRouter")
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
if DATABASE_REPLICA_ALIASES:
    MIDDLEWARE.insert(0, "backend.replicas.ReplicaMiddleware")

# Security headers. Production (DEBUG off) is secure by default; each piece can be turned
# off from the environment for a plain-HTTP trial (docs/production.md).
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers and compose probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_flag("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_REFERRER_POLICY = os.environ.get("REFERRER_POLICY", "same-origin")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): no inline script anywhere (page behaviour lives in
# frontend/static/frontend/*.js; htmx's eval and indicator styles are off in base.html).
# Inline style attributes stay allowed: the transparency bars' widths and Swagger UI.
_socket_origins = [
    f"{scheme}://{host}"
    for host in ALLOWED_HOSTS
    if host and not host.startswith(".") and host != "*"
    for scheme in ("wss", "ws")
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        # 'self' covers same-origin websockets in current browsers; the explicit ws/wss
        # origins are for the ones that do not.
        "connect-src": ["'self'", *_socket_origins],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (django-permissions-policy): the map asks for the visitor's location;
# nothing uses camera, microphone or payment.
PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    "camera": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "django_permissions_policy.PermissionsPolicyMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_permissions_policy.PermissionsPolicyMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
# A PostgreSQL pool that stays exhausted for DB_POOL_TIMEOUT answers a Persian 503.
MIDDLEWARE.append("backend.errorpages.PoolTimeoutMiddleware")
# The OpenAPI generator's schema hints are not deploy checks; keep `check --deploy` about
# deployment (the schema is still built and served at /api/schema/).
SPECTACULAR_SETTINGS["ENABLE_DJANGO_DEPLOY_CHECK"] = False

# Static files: hashed names (whitenoise's manifest storage) in production, so they can be
# cached for a year; `collectstatic` must run before the server starts (make serve does).
if not DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "backend.staticstorage.HashedStaticStorage"}
WHITENOISE_MAX_AGE = env_int("WHITENOISE_MAX_AGE", 0 if DEBUG else 3600)
# Hashed files get `max-age=31536000, immutable` from whitenoise itself; WHITENOISE_MAX_AGE
# is for the unhashed rest. A template naming a file that was not collected is a loud error
# at collectstatic time, not at request time: keep the manifest strict.
WHITENOISE_MANIFEST_STRICT = True

# Errors: a 500's traceback goes to the console (the django.request logger), one formatted
# record per failure; nothing else of Django's at INFO.
LOGGING["formatters"] = {
    "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"}
}
LOGGING["handlers"]["console"]["formatter"] = "plain"
LOGGING["loggers"]["django.request"] = {
    "handlers": ["console"],
    "level": "ERROR",
    "propagate": False,
}
CSRF_FAILURE_VIEW = "backend.errorpages.csrf_failure"


# --- content input and retries ---
# A NUL character in any query parameter, form field or JSON body is a Persian 400 before a
# view runs (PostgreSQL refuses NUL in text); after authentication, so pages can render.
MIDDLEWARE.insert(
    MIDDLEWARE.index("frontend.web.DomainErrorMiddleware"), "backend.input.RejectNulMiddleware"
)

# Per-author posting limits: at most this many rows of each kind in a rolling window
# (POSTING_LIMIT_WINDOW_SECONDS, an hour); more is a Persian 429 with Retry-After. Counted
# from the database, so they hold across workers. Override one with POSTING_LIMIT_<KIND>
# (e.g. POSTING_LIMIT_PROBLEM=20); 0 turns that limit off.
POSTING_LIMIT_WINDOW_SECONDS = int(os.environ.get("POSTING_LIMIT_WINDOW_SECONDS", "3600"))
POSTING_LIMITS = {
    kind: int(os.environ.get(f"POSTING_LIMIT_{kind.upper()}", default))
    for kind, default in {"problem": 10, "comment": 30, "proposal": 5, "report": 20}.items()
}

# Creating POSTs run once per key (idempotency app): the API's `Idempotency-Key` header and
# the pages' one-time form tokens. Keys are kept IDEMPOTENCY_TTL_SECONDS (24 h); delete
# older ones with `manage.py idempotency_purge` (cron, hourly or daily).
INSTALLED_APPS.append("idempotency")
MIDDLEWARE.insert(
    MIDDLEWARE.index("frontend.web.DomainErrorMiddleware"),
    "idempotency.middleware.IdempotencyMiddleware",
)
IDEMPOTENCY_TTL_SECONDS = int(os.environ.get("IDEMPOTENCY_TTL_SECONDS", str(24 * 3600)))


# --- organisations and live sockets ---
# How long an open websocket trusts its last access check (sign-in still valid, permission
# still held) before it reads them again on the next event; sign-out, token revocation and
# role changes force the check at once (backend/consumers.py).
WS_ACCESS_RECHECK_SECONDS = int(os.environ.get("WS_ACCESS_RECHECK_SECONDS", "5"))

# --- the budget slice (docs/budget.md) ---
# Money is stored in rials; pages show rials or tomans (BUDGET_CURRENCY=toman).
BUDGET_CURRENCY = os.environ.get("BUDGET_CURRENCY", "rial")
# The published gap rule: spent ≥ BUDGET_GAP_SPENT while realisation or physical progress is
# below BUDGET_GAP_RESULT (percentages).
BUDGET_GAP_SPENT = env_int("BUDGET_GAP_SPENT", 90)
BUDGET_GAP_RESULT = env_int("BUDGET_GAP_RESULT", 60)

# --- places and pictures (docs/places.md) ---
# Map tiles: a deployment picks its tile server ({z}/{x}/{y} template, e.g. an Iranian
# provider's or an OpenStreetMap server it may use). Empty (the default) serves no tiles:
# maps show district boundaries and points on a plain background, and nothing is fetched
# from another host.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
MAP_TILE_MAX_ZOOM = env_int("MAP_TILE_MAX_ZOOM", 18)
if MAP_TILE_URL:
    from urllib.parse import urlsplit as _urlsplit

    _tiles = _urlsplit(MAP_TILE_URL)
    if _tiles.netloc:  # a {s} subdomain placeholder becomes the CSP wildcard
        _tile_origin = f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}"
        CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_tile_origin)
# Leaflet comes from django-leaflet's static files (leaflet/leaflet.js, .css, images/),
# served like ours, never from a CDN. Only its files: the package is not an installed app,
# because its admin module needs GeoDjango (GDAL), which this project does not use.
_leaflet = importlib.util.find_spec("leaflet")
if _leaflet is None or not _leaflet.submodule_search_locations:
    raise ImproperlyConfigured("django-leaflet is missing: pip install -r requirements.txt")
STATICFILES_DIRS = [str(Path(_leaflet.submodule_search_locations[0]) / "static")]
# Similar-problem suggestions also name published problems within this many metres.
SIMILAR_NEARBY_METRES = env_int("SIMILAR_NEARBY_METRES", 250)
# Photos of problems (docs/photos.md). Files go through Django's storage API
# (STORAGES["default"]): a local folder by default; a deployment points STORAGES["default"] at
# an object-storage backend (e.g. django-storages' S3 backend) with settings alone. Photos are
# never served from a public MEDIA_URL: frontend.views_photos checks the post's visibility.
MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or BASE_DIR / "media"
PHOTO_MAX_PER_PROBLEM = 4
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 8 * 1024 * 1024)  # one uploaded file
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 40_000_000)  # decompression-bomb guard
PHOTO_LONG_SIDE = 1600  # px, the stored photo's longer side at most
PHOTO_THUMB_LONG_SIDE = 480  # px, the thumbnail's
PHOTO_JPEG_QUALITY = 82
PHOTO_CACHE_SECONDS = 3600  # how long browsers and shared caches keep a published photo
# Request limits: form fields stay small (files do not count here); uploads above 2.5 MB
# stream to a temporary file instead of memory; a handful of files per request at most.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# --- Open311 (docs/open311.md) ---
# GeoReport v2 under /open311/v2/. Each client app posts through its own service account:
# at most OPEN311_POSTING_LIMIT problems per client per hour (the posting-limit window),
# and, so that one device cannot use up its client's quota, OPEN311_DEVICE_LIMIT per
# device_id and OPEN311_IP_LIMIT per client address (per hour). A retried identical POST
# (same client, device, service, description and point) within OPEN311_RETRY_MINUTES gets
# the first answer's token. Reads are limited to OPEN311_READ_LIMIT per address per minute.
INSTALLED_APPS.insert(INSTALLED_APPS.index("frontend"), "open311")
OPEN311_POSTING_LIMIT = env_int("OPEN311_POSTING_LIMIT", 200)
POSTING_LIMITS["open311"] = OPEN311_POSTING_LIMIT
OPEN311_DEVICE_LIMIT = env_int("OPEN311_DEVICE_LIMIT", 10)
OPEN311_IP_LIMIT = env_int("OPEN311_IP_LIMIT", 60)
OPEN311_RETRY_MINUTES = env_int("OPEN311_RETRY_MINUTES", 10)
OPEN311_READ_LIMIT = env_int("OPEN311_READ_LIMIT", 300)
# Shown in discovery.{xml,json}: who answers questions about this endpoint and its keys.
OPEN311_CONTACT = os.environ.get("OPEN311_CONTACT", "")

# django-axes asks for its middleware to come last, after every block above.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "axes.middleware.AxesMiddleware"]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
