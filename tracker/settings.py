"""Settings for the claim tracker, read from the environment.

Defaults are the zero-setup development ones (SQLite in a local file, debug
on). With ``DEBUG=false`` the app runs in production mode, which refuses to
start without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS`` and turns on every
transport-security setting that ``manage.py check --deploy`` looks for.
"""

import logging
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue
from limits import parse as _limits_parse

from operations.logs import configure_structlog, logging_settings

from .env import env_bool, env_float, env_int, env_list, env_networks, env_origin, env_str
from .storage import stored_files_storage

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 (refused when DEBUG is off)
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 50 characters when DEBUG is false."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names when DEBUG is false.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The site's own address, for links that leave it without a request to read
# the host from (the email digest's links to claims). In production it
# defaults to https:// and the first of ALLOWED_HOSTS, when that is one name;
# otherwise it must be set.
_FIRST_HOST = ALLOWED_HOSTS[0] if ALLOWED_HOSTS else ""
if DEBUG:
    _DEFAULT_SITE_URL = "http://127.0.0.1:8000"
elif _FIRST_HOST and not _FIRST_HOST.startswith(".") and "*" not in _FIRST_HOST:
    _DEFAULT_SITE_URL = f"https://{_FIRST_HOST}"
else:
    _DEFAULT_SITE_URL = ""
SITE_URL = env_origin("SITE_URL", _DEFAULT_SITE_URL)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "accounts",
    "sources",
    "claims",
    "intelligence",
    "notifications",
    "operations",
    "django_structlog",
]

MIDDLEWARE = [
    # First, so that /metrics times the whole of each request (operations/metrics.py).
    "operations.middleware.request_latency",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the session, the user or the query (a NUL would reach PostgreSQL).
    "tracker.nul_characters.refuse_nul_characters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A request id in every log line of the request and of the tasks it queues (operations/logs.py).
    "django_structlog.middlewares.RequestMiddleware",
    "operations.middleware.request_id_header",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

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
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

# Connections are kept for a minute: opening one per request or per Celery
# task halves the source-check throughput (bench/source_checks.py). A kept
# connection is tested before a request or task reuses it (CONN_HEALTH_CHECKS),
# so one the database dropped meanwhile (a restart, a failover, an idle
# connection cut) is replaced instead of failing the next batch of checks.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# No statement may hold PostgreSQL for longer than this (0: no limit), so that
# no request ties up a connection and its locks for minutes; a migration of a
# large table may need it lifted for its run. SQLite has no such setting.
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT_SECONDS", 30)
# A machine cut off from the network inside a transaction keeps that transaction's row locks
# (a source's, during a check) until the database notices it is gone, hours with TCP's defaults:
# with this set, PostgreSQL ends a session left idle inside a transaction for longer (0: never).
# tests/test_multi_host.py shows both.
DATABASE_IDLE_IN_TRANSACTION_TIMEOUT = env_int("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS", 0)
# A cut-off machine's session may also be caught mid-statement (sending a
# query, or reading its answer), where that timeout does not apply: with it
# set, the server also probes the connection (TCP keepalives), gives up on
# data the client never acknowledges, and checks that the client is still
# there while a statement runs, each within about the same time.
DATABASE_CLIENT_GONE_SETTINGS = (
    f" -c tcp_keepalives_idle={DATABASE_IDLE_IN_TRANSACTION_TIMEOUT}"
    f" -c tcp_keepalives_interval={max(1, DATABASE_IDLE_IN_TRANSACTION_TIMEOUT // 5)} -c tcp_keepalives_count=3"
    f" -c tcp_user_timeout={DATABASE_IDLE_IN_TRANSACTION_TIMEOUT * 1000}"
    f" -c client_connection_check_interval={DATABASE_IDLE_IN_TRANSACTION_TIMEOUT * 500}"
    if DATABASE_IDLE_IN_TRANSACTION_TIMEOUT
    else ""
)
# PostgreSQL compiles a query to machine code (JIT) when the planner
# estimates it costly; its estimates for a source with a long history of
# checks made it compile a batch's lookup of 50 last good checks, reading 50
# rows by index: 5.5 of the 6 ms it took. This app's queries are lookups of
# that kind, which compiling does not pay for.
DATABASE_JIT = env_bool("DATABASE_JIT", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}s"
        f" -c idle_in_transaction_session_timeout={DATABASE_IDLE_IN_TRANSACTION_TIMEOUT}s"
        f" -c jit={'on' if DATABASE_JIT else 'off'}"
        f"{DATABASE_CLIENT_GONE_SETTINGS}"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The zero-setup database is shared by the web processes and the worker.
    # A transaction takes the write lock when it begins (IMMEDIATE), so two
    # that read and then write wait for each other instead of one failing
    # with "database is locked"; the wait is bounded by the timeout. WAL lets
    # readers go on while one transaction writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Repeated failed log-ins lock an account for the address that tried it, and
# an address that tried many accounts, for a while (django-axes with the
# limits of tracker/login_lockout.py).
AXES_HANDLER = "tracker.login_lockout.AccountAndAddressLockout"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Stored files (check archives, evidence): MEDIA_ROOT, or the S3-compatible
# object store that STORAGE_S3_BUCKET names (``tracker/storage.py``).
STORAGES = {
    "default": stored_files_storage(),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# The demo accounts have published passwords: loading them needs debug mode
# (or this setting turned on by hand).
DEMO_DATA_ALLOWED = env_bool("DEMO_DATA_ALLOWED", DEBUG)

# Evidence uploads: what a reviewer may attach, and how large.
EVIDENCE_MAX_UPLOAD_BYTES = env_int("EVIDENCE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
EVIDENCE_ALLOWED_CONTENT_TYPES = {
    "application/pdf": [".pdf"],
    "image/png": [".png"],
    "image/jpeg": [".jpg", ".jpeg"],
    "image/webp": [".webp"],
    "text/plain": [".txt"],
    "text/csv": [".csv"],
    "application/warc": [".warc", ".warc.gz"],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest API request body other than a file upload (claims/api/parsers.py):
# a claim with its fifty figures, presences and sources and long quoted passages fits.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 2 * 1024 * 1024)

# Email (the notifications' digest, notifications/digests.py): printed on the
# console unless another backend is named, e.g.
# django.core.mail.backends.smtp.EmailBackend with the EMAIL_HOST settings.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Claim tracker <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are both true: choose one (TLS is STARTTLS, port 587).")
# A mail server that does not answer must not hold a worker past its time limit.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
# Digests: each run of the beat task handles due digests for about this many
# seconds (then queues the rest as another task), reading this many at a time.
NOTIFICATION_DIGEST_TASK_SECONDS = env_int("NOTIFICATION_DIGEST_TASK_SECONDS", 30, minimum=1)
NOTIFICATION_DIGEST_BATCH = env_int("NOTIFICATION_DIGEST_BATCH", 100, minimum=1)

# Background work: Celery on Redis. ``bin/run`` swaps in kombu's filesystem
# transport when no Redis answers, so background work is never dropped.
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A check is acknowledged only once it has run, and a worker lost mid-task
# hands its message back: checks are idempotent per request (sources/checking.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Checks are short and I/O-bound; a small prefetch keeps workers busy without
# parking many messages on one worker that may die.
CELERY_WORKER_PREFETCH_MULTIPLIER = env_int("CELERY_WORKER_PREFETCH_MULTIPLIER", 4)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 90)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 120)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers a message nobody acknowledged after this many seconds; it
# must stay longer than the hard time limit, or a slow check runs twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    # A broker that does not answer must not hang the request that saves a
    # claim: the check request is in the database, and the sweep re-sends it.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "queue_order_strategy": "sorted",
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# How long a save waits for its check requests' messages to be sent; past it,
# they go on being sent in the background (tracker/publishing.py).
BROKER_PUBLISH_WAIT = env_float("BROKER_PUBLISH_WAIT", 0.5)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
# One queue per kind of work, so that no kind waits behind another: a check a
# reviewer waits for ("check now", a new claim's sources) never queues behind
# the day's re-checks. The README ("Background work") says which worker serves
# which. A worker started without -Q serves them all (bin/run), taking from
# the first non-empty queue in the order of their names (kombu's "sorted"
# strategy on Redis), which is why the names sort in priority order.
CHECKS_NOW_QUEUE = "checks-now"
IMPORTS_QUEUE = "imports"
NOTIFICATIONS_QUEUE = "notifications"
RECHECKS_QUEUE = "rechecks"
# Each with an exchange of its own: a queue declared by name alone would share
# the default queue's exchange and routing key, and take its messages.
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name)
    for name in (CHECKS_NOW_QUEUE, IMPORTS_QUEUE, NOTIFICATIONS_QUEUE, RECHECKS_QUEUE)
]
# Every task names its queue here; one forgotten goes to the quick queue, never
# to one nobody serves. Tasks named imports.* and notifications.* go to theirs.
CELERY_TASK_DEFAULT_QUEUE = CHECKS_NOW_QUEUE
CELERY_TASK_ROUTES = {
    "sources.check_sources_now": {"queue": CHECKS_NOW_QUEUE},
    # Beat's housekeeping is quick, and the sweep must not wait behind a backlog of re-checks.
    "sources.sweep_check_requests": {"queue": CHECKS_NOW_QUEUE},
    "sources.queue_due_checks": {"queue": CHECKS_NOW_QUEUE},
    "sources.take_over_abandoned_checks": {"queue": CHECKS_NOW_QUEUE},
    "sources.check_sources": {"queue": RECHECKS_QUEUE},
    # Pruning the check history: long, and nobody waits for it.
    "sources.prune_check_history": {"queue": RECHECKS_QUEUE},
    "imports.*": {"queue": IMPORTS_QUEUE},
    "notifications.*": {"queue": NOTIFICATIONS_QUEUE},
    # Grouping copies after checks: background work that must not slow the checks.
    "intelligence.*": {"queue": NOTIFICATIONS_QUEUE},
}
CELERY_BEAT_SCHEDULE = {
    "resend-lost-check-requests": {"task": "sources.sweep_check_requests", "schedule": 60.0},
    "queue-due-checks": {"task": "sources.queue_due_checks", "schedule": 300.0},
    "prune-check-history": {"task": "sources.prune_check_history", "schedule": 24 * 3600.0},
    # Each user's digest is sent once it is due (a day after the last); looked for every quarter hour.
    "send-email-digests": {"task": "notifications.send_email_digests", "schedule": 900.0},
}
# Re-checks: every source daily by default (with jitter), in batches.
SOURCE_RECHECK_INTERVAL = env_int("SOURCE_RECHECK_INTERVAL_SECONDS", 24 * 3600)
SOURCE_RECHECK_BATCH = env_int("SOURCE_RECHECK_BATCH", 5000)
# How long the answer of a site to a random address beside a page (the soft
# 404 probe, sources/soft_404.py) is kept in the cache before it is asked again.
SOFT_404_PROBE_TTL = env_int("SOFT_404_PROBE_TTL_SECONDS", 24 * 3600, minimum=1)
# Requests sent to a worker in one message, checked together (sources/checking.py).
# Fifty spreads a batch's two transactions and its message over more checks
# than twenty did (in the benchmark, 4.4-5.0 ms of worker CPU per check
# against 4.9-5.6), and a batch of news pages is still read in seconds, far
# inside the task's soft time limit (a 60 KB article is read in 14 ms, a
# 600 KB one in 120).
SOURCE_CHECK_BATCH_SIZE = env_int("SOURCE_CHECK_BATCH_SIZE", 50)
# Imported rows per transaction (claims/importing.py): their claims are graded
# and checked for contradictions together, which took half of an
# import's time claim by claim; the transaction holds the parties and places
# its rows create (another writer naming the same new party waits) for about
# a second.
IMPORT_ROWS_PER_TRANSACTION = 25
# Bounded history (sources/retention.py): of a run of checks that saw the same
# page, those between the first and the last are pruned once SOURCE_HISTORY_DAYS
# old; each source's newest SOURCE_HISTORY_KEEP checks are kept whatever they
# saw. Pruned daily by beat, SOURCE_HISTORY_BATCH sources a transaction, for
# about SOURCE_HISTORY_TASK_SECONDS a task (which then queues the rest).
SOURCE_HISTORY_DAYS = env_int("SOURCE_HISTORY_DAYS", 30, minimum=0)
SOURCE_HISTORY_KEEP = env_int("SOURCE_HISTORY_KEEP", 10, minimum=1)
SOURCE_HISTORY_BATCH = env_int("SOURCE_HISTORY_BATCH", 200, minimum=1)
SOURCE_HISTORY_TASK_SECONDS = env_int("SOURCE_HISTORY_TASK_SECONDS", 60, minimum=1)
# A check request older than this with no completed check is sent again.
SOURCE_CHECK_SWEEP_GRACE = env_int("SOURCE_CHECK_SWEEP_GRACE_SECONDS", 120)
# A worker holds the checks it started for this long, renewing the lease every
# third of it while it works; the beat looks for leases that ran out (a dead
# worker's checks) every takeover interval and sends them to a live worker: a
# killed worker's checks are taken over within the sum (25 s by default).
SOURCE_CHECK_LEASE = env_int("SOURCE_CHECK_LEASE_SECONDS", 15, minimum=3)
SOURCE_CHECK_TAKEOVER_INTERVAL = env_int("SOURCE_CHECK_TAKEOVER_INTERVAL_SECONDS", 10, minimum=1)
CELERY_BEAT_SCHEDULE["take-over-abandoned-checks"] = {
    "task": "sources.take_over_abandoned_checks",
    "schedule": float(SOURCE_CHECK_TAKEOVER_INTERVAL),
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The no-Redis fallback of ``bin/run``: messages are files in one folder.
    _broker_folder = Path(env_str("CELERY_BROKER_FOLDER", str(BASE_DIR / ".run" / "broker")))
    _broker_folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_folder),
        "data_folder_out": str(_broker_folder),
        "control_folder": str(_broker_folder / "control"),  # else a ``control/`` in the working directory
    }

# Health (operations/): /health/ready answers within this many seconds per
# part, wants a worker heard from within the silence limit (workers beat every
# interval), and no check request waiting longer than the wait limit.
HEALTH_TIMEOUT = env_float("HEALTH_TIMEOUT", 1.0)
WORKER_HEARTBEAT_INTERVAL = env_int("WORKER_HEARTBEAT_INTERVAL", 15)
HEALTH_WORKER_SILENCE_LIMIT = env_int("HEALTH_WORKER_SILENCE_LIMIT", 60)
HEALTH_CHECK_REQUEST_WAIT_LIMIT = env_int("HEALTH_CHECK_REQUEST_WAIT_LIMIT", 900)
# /metrics answers a scraper that sends "Authorization: Bearer <METRICS_TOKEN>",
# and admins' sessions; with no token set, admins only.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
if METRICS_TOKEN and len(METRICS_TOKEN) < 24:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 24 characters long (or unset: admins only).")

# Outbound fetching of user-supplied URLs (sources/fetch.py holds the rules).
# Read and checked here, once: a value that cannot be understood stops start-up
# instead of failing every check. Networks listed in FETCH_ALLOWED_NETWORKS
# (parsed here into ipaddress networks) may be fetched even though they are not
# public; empty in production, the tests list their own loopback server.
FETCH_ALLOWED_NETWORKS = env_networks("FETCH_ALLOWED_NETWORKS", [])
FETCH_CONNECT_TIMEOUT = env_float("FETCH_CONNECT_TIMEOUT", 5.0, above=0)
FETCH_READ_TIMEOUT = env_float("FETCH_READ_TIMEOUT", 10.0, above=0)
# A wall-clock limit over all hops and the whole body, so a slow trickle cannot hold a worker.
FETCH_TOTAL_TIMEOUT = env_float("FETCH_TOTAL_TIMEOUT", 30.0, above=0)
# Bounds the body as it comes over the wire and again decoded (a compressed page can inflate a thousandfold).
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
FETCH_MAX_REDIRECTS = env_int("FETCH_MAX_REDIRECTS", 5, minimum=0)
FETCH_USER_AGENT = env_str("FETCH_USER_AGENT", "ClaimTracker/1.0 (+source checks for fact-checkers)")
# Politeness (sources/politeness.py): at most FETCH_HOST_CONCURRENCY requests
# at once to one host and FETCH_HOST_RATE of them (the limits library's
# notation: "10/second", "100 per minute"), counted for every worker together
# in FETCH_POLITENESS_STORAGE: the Redis of the broker (REDIS_URL's with a
# RabbitMQ broker), or, with the filesystem broker of bin/run, each worker
# process's memory.
FETCH_HOST_CONCURRENCY = env_int("FETCH_HOST_CONCURRENCY", 4, minimum=1)
FETCH_HOST_RATE = env_str("FETCH_HOST_RATE", "10/second")
try:
    _limits_parse(FETCH_HOST_RATE)
except ValueError:
    raise ImproperlyConfigured(f"FETCH_HOST_RATE: {FETCH_HOST_RATE!r} is not a rate such as '10/second'.") from None
if CELERY_BROKER_URL.startswith("redis://"):
    _POLITENESS_DEFAULT = CELERY_BROKER_URL
elif CELERY_BROKER_URL.startswith("filesystem://"):
    _POLITENESS_DEFAULT = "memory://"
else:
    _POLITENESS_DEFAULT = REDIS_URL
FETCH_POLITENESS_STORAGE = env_str("FETCH_POLITENESS_STORAGE", _POLITENESS_DEFAULT)
# A source whose checks keep failing or being deferred is tried again after
# this many seconds, doubled with each failure in a row, up to its re-check interval.
SOURCE_RETRY_BASE = env_int("SOURCE_RETRY_BASE_SECONDS", 15 * 60, minimum=1)

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health probes come over plain HTTP from the load balancer or monitor.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
X_FRAME_OPTIONS = "DENY"
# Pages load scripts and styles only from the site's own static files: no
# inline <script>, <style> or style="" anywhere (JSON-LD is data, not script,
# and is not subject to script-src), so that injected markup cannot run or
# restyle anything. The API's documentation adds the data: images of Swagger
# UI's stylesheet (claims/api/urls.py). tests/test_browser_pages.py visits every
# main page in Chromium and fails on any violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# The REST API (claims/api): who may call it, how lists page, how errors look.
REST_FRAMEWORK = {
    # Token first, so that an anonymous call answers 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenWithRolesAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["claims.api.permissions.TrackerPermission"],
    "DEFAULT_PARSER_CLASSES": [
        "claims.api.parsers.BoundedJSONParser",
        "claims.api.parsers.BoundedFormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "claims.api.filtering.TrackerFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "tracker.api.pagination.TrackerCursorPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/min"),
        "user": env_str("API_THROTTLE_USER", "1000/min"),
    },
    "EXCEPTION_HANDLER": "claims.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "claims.api.schema.TrackerAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Claim tracker API",
    "DESCRIPTION": (
        "Claims seen in conflict reporting, their sources, evidence and verdicts.\n\n"
        "## Authentication\n\n"
        "Send an API token in the `Authorization` header, as `Token <token>` (or `Bearer <token>`):\n\n"
        "```\n"
        'curl -H "Authorization: Token $TOKEN" https://tracker.example.org/api/claims/\n'
        "```\n\n"
        "Make a token on the *API tokens* page of your account (`/accounts/tokens/`), or trade your username "
        "and password for one:\n\n"
        "```\n"
        "curl -X POST https://tracker.example.org/api/auth/token/ \\\n"
        "     -d username=$USER -d password=$PASSWORD -d name=my-script\n"
        "```\n\n"
        "The answer carries the token once; only its digest is kept. Tokens are revoked on the same page. "
        "A request without the header is anonymous (published claims only); a header with another scheme, "
        "a revoked or unknown token, or an inactive account answers 401."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Vocabularies that share field names get distinct schema names.
    "ENUM_NAME_OVERRIDES": {
        "ClaimKindEnum": "claims.choices.ClaimKind",
        "ClaimStatusEnum": "claims.choices.ClaimStatus",
        "OutletKindEnum": "sources.choices.OutletKind",
        "ReliabilityEnum": "sources.choices.Reliability",
        "QuoteMatchEnum": "claims.choices.QuoteMatch",
    },
}

# Logs are JSON lines with the request and task ids (operations/logs.py).
# LOG_FETCHES adds a line for each HTTP request a fetch sends (httpx's).
LOGGING = logging_settings(env_str("LOG_LEVEL", "INFO"), each_fetch=env_bool("LOG_FETCHES", False))
configure_structlog()
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# The peer address is in gunicorn's access log; the one django-structlog would
# guess from X-Forwarded-For is whatever the client wrote there.
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
# One line per request, when it is answered (a monitor polls /health/ready every second).
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
