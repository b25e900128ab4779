"""Django settings. Every value from the environment comes through settings.env."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import dj_database_url

from settings.env import BASE_DIR, DATA_DIR, ENV, PRODUCTION
from settings.log_config import build_logging

DEBUG = ENV.debug
SECRET_KEY = ENV.secret_key
ALLOWED_HOSTS = ENV.allowed_hosts
PUBLIC_BASE_URL = ENV.public_base_url.rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Listed so /api/v1/docs renders Swagger UI from ninja's bundled static files, not from a CDN.
    "ninja",
    "huey.contrib.djhuey",
    "ninja_jwt",
    "ninja_jwt.token_blacklist",
    "adapters.django_orm.platform",
    "adapters.django_orm.identity",
    "adapters.django_orm.payments",
    "adapters.django_orm.ingest",
    "adapters.django_orm.benchmarking",
    "adapters.django_orm.notifications",
    "adapters.django_orm.distributors",
    "adapters.django_orm.erp",
    "adapters.django_orm.gateways",
    "adapters.django_orm.earnings",
    "adapters.django_orm.catalog",
    "entrypoints",
    "entrypoints.portal",
]

MIDDLEWARE = [
    # API paths leave here for API_MIDDLEWARE below; the rest of this list is the browser's chain
    # (admin, portal, simulators, unknown paths). See entrypoints/request_chains.py.
    "entrypoints.request_chains.ApiChainMiddleware",
    "entrypoints.api.middleware.RequestContextMiddleware",
    "entrypoints.api.middleware.ProblemDetailsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Sessions, the logged-in user and flash messages serve the browser (admin, portal) only: API paths
    # authenticate every request by token or key, so these skip them (entrypoints/browser_middleware.py).
    "entrypoints.browser_middleware.BrowserSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "entrypoints.browser_middleware.BrowserAuthenticationMiddleware",
    "entrypoints.api.middleware.AdminLoginLimitMiddleware",
    "entrypoints.browser_middleware.BrowserMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# The chain of API paths: the same request context and problem+json, then Django's security, common,
# CSRF and framing middleware in one layer (entrypoints/api_edge.py); same responses, fewer calls.
API_MIDDLEWARE = [
    "entrypoints.api.middleware.RequestContextMiddleware",
    "entrypoints.api.middleware.ProblemDetailsMiddleware",
    "entrypoints.api_edge.ApiEdgeMiddleware",
]

ROOT_URLCONF = "entrypoints.urls"
WSGI_APPLICATION = "entrypoints.wsgi.application"
APPEND_SLASH = False

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
            ]
        },
    }
]

DATABASES = {"default": dj_database_url.parse(ENV.database_url, conn_max_age=ENV.db_conn_max_age)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL + a busy timeout let the web server and the Huey consumer share the file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # No health check by default. With it, Django sends a ``SELECT 1`` (unlogged, not in any statement
    # count) before the first query of every request that reuses a connection: one more round trip on
    # every request, a third more on a two-statement ingestion. CONN_MAX_AGE already bounds what it
    # guards against: a connection is never reused past DB_CONN_MAX_AGE seconds, so an idle timeout of a
    # proxy or of the server longer than that never hands us a dead one. Only a database restart or
    # failover inside that window can; then the one request that meets the dead connection fails (500
    # problem+json), Django sees the error and closes the connection at the end of that request, and the
    # next request reconnects. Deployments that would rather pay the round trip than that one failure set
    # DB_CONN_HEALTH_CHECKS=true.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = ENV.db_conn_health_checks
    # Server-side binding: psycopg sends the parameters apart from the SQL, where Django's default
    # ClientCursor quotes every value into the text in Python on every call. With it, a statement a
    # connection has run prepare_threshold times is prepared by name, so PostgreSQL plans it once instead
    # of on every call (the ingestion statement spent longer in planning than in execution). Statements
    # still go through Django's cursor wrapper: query logging and statement counts are unchanged.
    # docs/production.md "Database connections": what a connection pooler in front of PostgreSQL needs.
    if ENV.db_server_side_binding:
        DATABASES["default"].setdefault("OPTIONS", {})
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = ENV.db_prepare_threshold
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Caches and rate limits: Redis when configured (shared by every process), else local memory.
if ENV.redis_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": ENV.redis_url}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "partnerpay"}}

HUEY = {
    "huey_class": "huey.RedisHuey" if ENV.redis_url else "huey.SqliteHuey",
    "name": "partnerpay",
    "immediate": ENV.huey_immediate,
    "results": False,
    "utc": True,
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True, "check_worker_health": True},
}
if ENV.redis_url:
    HUEY["connection"] = {"url": ENV.redis_url}
else:
    HUEY["filename"] = ENV.huey_sqlite_path

NINJA_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": SECRET_KEY,
    "ISSUER": "partnerpay",
    "AUDIENCE": "partnerpay-api",
    "LEEWAY": 5,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# The partner portal (/portal/) sends a stale CSRF token back to its login page with a message.
CSRF_FAILURE_VIEW = "entrypoints.portal.views.auth.csrf_failure"

# Bodies over 1 MiB are refused with 413 before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
MAX_REQUEST_BODY_BYTES = 1024 * 1024

LOGGING = build_logging(log_format=ENV.log_format, level=ENV.log_level)

CARD_FINGERPRINT_KEY = ENV.card_fingerprint_key
PAYMENT_RECONCILE_AFTER_SECONDS = ENV.payment_reconcile_after_seconds
SANDBOX_CARD_DELAYS = ENV.sandbox_card_delays
TRANSACTION_PROCESSING_DELAY_SECONDS = ENV.transaction_processing_delay_seconds
TRANSACTION_MAX_ATTEMPTS = ENV.transaction_max_attempts
OUTBOX_LEASE_SECONDS = ENV.outbox_lease_seconds
OUTBOX_WAKE_INTERVAL_MS = ENV.outbox_wake_interval_ms
BENCHMARK_ROUTES = ENV.benchmark_routes

# Live vs sandbox (README "Live and sandbox", docs/gateways.md). SANDBOX_COMPONENTS names what may be
# simulated: all of card, cashfree, sslcommerz, payouts, sap outside production, none in production
# (settings.env refuses unknown names, and the HTTP simulators in production). LIVEMODE: this deployment
# moves real money, so sandbox-made money (objects with livemode false) has no real-world effects.
SANDBOX_COMPONENTS = ENV.sandbox_components
LIVEMODE = PRODUCTION

# Hosted gateways (docs/gateways.md). Without credentials each one talks to its local simulator
# (/simulators/cashfree, /simulators/sslcommerz) with fixed development credentials, if SANDBOX_COMPONENTS
# names it; otherwise a gateway without credentials is simply not offered.
GATEWAY_HTTP_TIMEOUT_SECONDS = ENV.gateway_http_timeout_seconds
CASHFREE_SIMULATED = not (ENV.cashfree_client_id and ENV.cashfree_client_secret)
CASHFREE_OFFERED = not CASHFREE_SIMULATED or "cashfree" in SANDBOX_COMPONENTS
CASHFREE_CLIENT_ID = ENV.cashfree_client_id or "sim_client"
CASHFREE_CLIENT_SECRET = ENV.cashfree_client_secret or "sim_secret"
CASHFREE_PREVIOUS_CLIENT_SECRET = ENV.cashfree_previous_client_secret
CASHFREE_API_VERSION = ENV.cashfree_api_version
CASHFREE_ENVIRONMENT = "sandbox" if CASHFREE_SIMULATED else ENV.cashfree_environment
CASHFREE_BASE_URL = ENV.cashfree_base_url or (
    f"{PUBLIC_BASE_URL}/simulators/cashfree"
    if CASHFREE_SIMULATED
    else ("https://api.cashfree.com" if CASHFREE_ENVIRONMENT == "production" else "https://sandbox.cashfree.com")
)
# Real money only with real credentials for Cashfree's production environment (like Stripe's live keys).
CASHFREE_LIVEMODE = not CASHFREE_SIMULATED and CASHFREE_ENVIRONMENT == "production"
SSLCOMMERZ_SIMULATED = not (ENV.sslcommerz_store_id and ENV.sslcommerz_store_password)
SSLCOMMERZ_OFFERED = not SSLCOMMERZ_SIMULATED or "sslcommerz" in SANDBOX_COMPONENTS
SSLCOMMERZ_STORE_ID = ENV.sslcommerz_store_id or "sim_store"
SSLCOMMERZ_STORE_PASSWORD = ENV.sslcommerz_store_password or "sim_store_password"
SSLCOMMERZ_BASE_URL = ENV.sslcommerz_base_url or (
    f"{PUBLIC_BASE_URL}/simulators/sslcommerz" if SSLCOMMERZ_SIMULATED else "https://sandbox.sslcommerz.com"
)
# Real money only with real credentials and a base URL other than SSLCommerz's sandbox host.
SSLCOMMERZ_LIVEMODE = not SSLCOMMERZ_SIMULATED and urlsplit(SSLCOMMERZ_BASE_URL).hostname != "sandbox.sslcommerz.com"
# SAP S/4HANA (docs/distributors.md). Without SAP_BASE_URL the built-in simulator is mounted under
# /simulators/sap (if SANDBOX_COMPONENTS names sap) and the adapter talks to it over HTTP, as it would
# to SAP; with neither, ERP syncs wait as pending ("SAP is not configured").
SAP_SIMULATOR = ENV.sap_base_url is None and "sap" in SANDBOX_COMPONENTS and not PRODUCTION
SAP_CONFIGURED = ENV.sap_base_url is not None or SAP_SIMULATOR
SAP_BASE_URL = (ENV.sap_base_url or f"{PUBLIC_BASE_URL}/simulators/sap").rstrip("/")
SAP_USERNAME = ENV.sap_username
SAP_PASSWORD = ENV.sap_password
SAP_COMPANY_CODE = ENV.sap_company_code
SAP_BANK_GL_ACCOUNT = ENV.sap_bank_gl_account
SAP_JOURNAL_DOCUMENT_TYPE = ENV.sap_journal_document_type
SAP_TAX_TYPE_GSTIN = ENV.sap_tax_type_gstin
SAP_TAX_TYPE_PAN = ENV.sap_tax_type_pan
SAP_CONNECT_TIMEOUT_SECONDS = ENV.sap_connect_timeout_seconds
SAP_TIMEOUT_SECONDS = ENV.sap_timeout_seconds
SAP_SYNC_MAX_ATTEMPTS = ENV.sap_sync_max_attempts
WEBHOOK_RETRY_SCHEDULE = ENV.webhook_retry_schedule
WEBHOOK_ALLOW_PRIVATE_URLS = ENV.webhook_allow_private_urls
WEBHOOK_DISABLE_AFTER_DAYS = ENV.webhook_disable_after_days

# Marketplace (docs/marketplace.md): reservation lifetime in seconds; GST rate in percent ("0" = no tax line).
RESERVATION_TTL_SECONDS = ENV.reservation_ttl_seconds
MARKETPLACE_TAX_RATE = ENV.marketplace_tax_rate
# Seed 001's Redis counter in front of the stock UPDATE (benchmarks/results/marketplace.md); off by default.
MARKETPLACE_STOCK_PRECHECK_URL = ENV.redis_url if ENV.marketplace_stock_precheck else None

# Reseller earnings (docs/earnings.md): program currency, commission holding period, smallest payout.
EARNINGS_PROGRAM_CURRENCY = ENV.earnings_program_currency
COMMISSION_HOLD_DAYS = ENV.commission_hold_days
PAYOUT_MINIMUM = ENV.payout_minimum

# Money movements in phases and their recovery (docs/gateways.md).
PAYMENT_RECOVER_AFTER_SECONDS = ENV.payment_recover_after_seconds
PAYMENT_RECONCILE_MAX_INTERVAL_SECONDS = ENV.payment_reconcile_max_interval_seconds
HOSTED_CHECKOUT_TTL_SECONDS = ENV.hosted_checkout_ttl_seconds
HOSTED_CHECKOUT_EXPIRY_GRACE_SECONDS = ENV.hosted_checkout_expiry_grace_seconds

# Largest amount of one order or payment, in major units (README "Money"): 422 amount_too_large above it.
# MAX_PAYMENT_AMOUNT_BY_CURRENCY overrides it per currency: "JPY:1000000000,KWD:3000000.000".
MAX_PAYMENT_AMOUNT = ENV.max_payment_amount
MAX_PAYMENT_AMOUNT_BY_CURRENCY = ENV.max_payment_amount_by_currency

# Former keys still open what was encrypted under them (stored idempotency bodies, webhook secrets)
# and still verify Django's own signatures; everything new uses SECRET_KEY.
SECRET_KEY_FALLBACKS = ENV.secret_key_fallbacks

# Hardening (issue #14; docs/production.md, docs/ingest.md).
INGEST_ALLOW_UNSIGNED = ENV.ingest_allow_unsigned
INGEST_SIGNATURE_TOLERANCE_SECONDS = ENV.ingest_signature_tolerance_seconds
INGEST_SOURCE_RATE = ENV.ingest_source_rate
INGEST_GROUP_COMMIT = ENV.ingest_group_commit
INGEST_GROUP_COMMIT_MAX_BATCH = ENV.ingest_group_commit_max_batch
INGEST_GROUP_COMMIT_WAIT_SECONDS = ENV.ingest_group_commit_wait_seconds
TRUSTED_PROXIES = ENV.trusted_proxies
LOGIN_RATE_PER_IP = ENV.login_rate_per_ip
LOGIN_RATE_PER_ACCOUNT = ENV.login_rate_per_account
SIGNUP_RATE_PER_IP = ENV.signup_rate_per_ip
API_KEY_CACHE_SECONDS = ENV.api_key_cache_seconds
API_KEY_CACHE_SIZE = ENV.api_key_cache_size
GATEWAY_WEBHOOK_RATE = ENV.gateway_webhook_rate
QUEUE_WORKERS = {
    "default": ENV.queue_workers_default,
    "ingest": ENV.queue_workers_ingest,
    "webhooks": ENV.queue_workers_webhooks,
    "sync": ENV.queue_workers_sync,
}
WEBHOOK_ATTEMPT_DEADLINE_SECONDS = ENV.webhook_attempt_deadline_seconds
WEBHOOK_ENDPOINT_CONCURRENCY = ENV.webhook_endpoint_concurrency
WEBHOOK_BREAKER_FAILURES = ENV.webhook_breaker_failures
WEBHOOK_BREAKER_COOLDOWN_SECONDS = ENV.webhook_breaker_cooldown_seconds

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

BASE_PATH = BASE_DIR
