"""The one place that reads the process environment.

Defaults run locally with no set-up: SQLite, Huey's SQLite queue, sandbox gateways.
Production (DEBUG off) refuses to start without a real SECRET_KEY, and wires nothing simulated
unless SANDBOX_COMPONENTS names it.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PARTNERPAY_DATA_DIR", BASE_DIR / "var"))


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


def _optional_int(name: str, default: int | None) -> int | None:
    """An integer, or None for ``off``/``none``/``disabled`` (a feature a number would otherwise tune)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    if raw.strip().lower() in {"off", "none", "disabled", "false", "no"}:
        return None
    return int(raw)


def _list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Everything simulated the service can wire, by the name SANDBOX_COMPONENTS uses (README "Live and sandbox").
SANDBOX_COMPONENT_NAMES = ("card", "cashfree", "sslcommerz", "payouts", "sap")
# Simulators served over HTTP by this very process (/simulators/...): development tools, never in production.
SIMULATOR_COMPONENTS = frozenset({"cashfree", "sslcommerz", "sap"})


def _sandbox_components(production: bool) -> tuple[str, ...]:
    """SANDBOX_COMPONENTS: all of them outside production, none in production, unless named.

    ``none`` names nothing, ``all`` everything. The former GATEWAY_SIMULATORS switch still works
    while SANDBOX_COMPONENTS is unset (it adds or removes ``cashfree`` and ``sslcommerz``).
    """
    raw = os.environ.get("SANDBOX_COMPONENTS", "").strip()
    legacy = os.environ.get("GATEWAY_SIMULATORS", "").strip()
    if raw:
        if legacy:
            raise RuntimeError("GATEWAY_SIMULATORS is replaced by SANDBOX_COMPONENTS; set only SANDBOX_COMPONENTS")
        names = {item.strip().lower() for item in raw.split(",") if item.strip()}
        if names == {"all"}:
            names = set(SANDBOX_COMPONENT_NAMES)
        elif names == {"none"}:
            names = set()
        unknown = sorted(names - set(SANDBOX_COMPONENT_NAMES))
        if unknown:
            raise RuntimeError(
                f"SANDBOX_COMPONENTS: unknown component(s) {', '.join(unknown)}; "
                f"known: {', '.join(SANDBOX_COMPONENT_NAMES)} (or none / all)"
            )
    else:
        names = set() if production else set(SANDBOX_COMPONENT_NAMES)
        if legacy:
            gateways = {"cashfree", "sslcommerz"}
            names = names | gateways if _bool("GATEWAY_SIMULATORS", False) else names - gateways
    if production and names & SIMULATOR_COMPONENTS:
        raise RuntimeError(
            f"SANDBOX_COMPONENTS names {', '.join(sorted(names & SIMULATOR_COMPONENTS))} with PRODUCTION=true: "
            "the Cashfree, SSLCommerz and SAP simulators are served by this process and are never mounted in "
            "production. Configure the provider (its own sandbox credentials are fine) or SAP_BASE_URL instead; "
            "only card and payouts may be sandboxed in production."
        )
    return tuple(name for name in SANDBOX_COMPONENT_NAMES if name in names)


def _dev_secret_key() -> str:
    """A per-checkout key for development, kept in var/ so sessions survive restarts."""
    path = DATA_DIR / "dev-secret-key"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


@dataclass(frozen=True)
class Env:
    debug: bool
    secret_key: str
    database_url: str
    redis_url: str | None
    allowed_hosts: list[str]
    log_format: str
    log_level: str
    public_base_url: str
    huey_immediate: bool
    huey_sqlite_path: str
    card_fingerprint_key: str
    transaction_processing_delay_seconds: float
    transaction_max_attempts: int
    outbox_lease_seconds: float
    outbox_wake_interval_ms: float
    db_conn_max_age: int
    db_conn_health_checks: bool
    db_server_side_binding: bool
    db_prepare_threshold: int | None
    payment_reconcile_after_seconds: float
    sandbox_card_delays: bool
    benchmark_routes: bool
    cashfree_base_url: str
    cashfree_client_id: str
    cashfree_client_secret: str
    cashfree_previous_client_secret: str
    cashfree_api_version: str
    cashfree_environment: str
    sslcommerz_base_url: str
    sslcommerz_store_id: str
    sslcommerz_store_password: str
    gateway_http_timeout_seconds: float
    sap_base_url: str | None
    sap_username: str
    sap_password: str
    sap_company_code: str
    sap_bank_gl_account: str
    sap_journal_document_type: str
    sap_tax_type_gstin: str
    sap_tax_type_pan: str
    sap_connect_timeout_seconds: float
    sap_timeout_seconds: float
    sap_sync_max_attempts: int
    webhook_retry_schedule: str
    webhook_allow_private_urls: bool
    webhook_disable_after_days: float
    reservation_ttl_seconds: int
    marketplace_tax_rate: str
    marketplace_stock_precheck: bool
    earnings_program_currency: str
    commission_hold_days: int
    payout_minimum: str
    payment_recover_after_seconds: float
    payment_reconcile_max_interval_seconds: float
    hosted_checkout_ttl_seconds: int
    hosted_checkout_expiry_grace_seconds: int
    max_payment_amount: str
    max_payment_amount_by_currency: str
    secret_key_fallbacks: list[str]
    sandbox_components: tuple[str, ...]
    # Hardening (issue #14): signed ingestion, limits behind proxies, isolated queues, bounded outbound calls.
    production: bool
    ingest_allow_unsigned: bool
    ingest_signature_tolerance_seconds: int
    ingest_source_rate: str
    ingest_group_commit: bool
    ingest_group_commit_max_batch: int
    ingest_group_commit_wait_seconds: float
    trusted_proxies: list[str]
    login_rate_per_ip: str
    login_rate_per_account: str
    signup_rate_per_ip: str
    api_key_cache_seconds: float
    api_key_cache_size: int
    gateway_webhook_rate: str
    queue_workers_default: int
    queue_workers_ingest: int
    queue_workers_webhooks: int
    queue_workers_sync: int
    webhook_attempt_deadline_seconds: float
    webhook_endpoint_concurrency: int
    webhook_breaker_failures: int
    webhook_breaker_cooldown_seconds: int


def read_env() -> Env:
    debug = _bool("DEBUG", False)
    production = _bool("PRODUCTION", False)
    secret_key = os.environ.get("SECRET_KEY", "")
    if not secret_key:
        if production:
            raise RuntimeError("SECRET_KEY must be set when PRODUCTION=true")
        secret_key = _dev_secret_key()
    if production and not os.environ.get("REDIS_URL"):
        # Rate limits, circuit breakers and queues must be shared by every process, or each process
        # silently enforces its own (a limit per process is no limit behind a load balancer).
        raise RuntimeError("REDIS_URL must be set when PRODUCTION=true (shared rate limits and queues)")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'partnerpay.sqlite3'}"
    return Env(
        debug=debug,
        secret_key=secret_key,
        database_url=database_url,
        redis_url=os.environ.get("REDIS_URL") or None,
        allowed_hosts=_list("ALLOWED_HOSTS", ["*"] if not production else []),
        log_format=os.environ.get("LOG_FORMAT", "json" if production else "console"),
        log_level=os.environ.get("LOG_LEVEL", "INFO"),
        public_base_url=os.environ.get("PUBLIC_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"),
        huey_immediate=_bool("HUEY_IMMEDIATE", False),
        # The embedded queue file when REDIS_URL is unset; tests point a consumer at a file of its own.
        huey_sqlite_path=os.environ.get("HUEY_SQLITE_PATH") or str(DATA_DIR / "huey.sqlite3"),
        card_fingerprint_key=os.environ.get("CARD_FINGERPRINT_KEY", "") or secret_key + ":card-fingerprint",
        transaction_processing_delay_seconds=_float("TRANSACTION_PROCESSING_DELAY_SECONDS", 30.0),
        transaction_max_attempts=_int("TRANSACTION_MAX_ATTEMPTS", 5),
        outbox_lease_seconds=_float("OUTBOX_LEASE_SECONDS", 120.0),
        # Busy, pushes waking the queue workers start at most this often (entrypoints/tasks/wake.py).
        outbox_wake_interval_ms=_float("OUTBOX_WAKE_INTERVAL_MS", 20.0),
        db_conn_max_age=_int("DB_CONN_MAX_AGE", 60),
        # Off: a per-request ``SELECT 1`` that CONN_MAX_AGE makes unnecessary (settings/main.py says why).
        db_conn_health_checks=_bool("DB_CONN_HEALTH_CHECKS", False),
        # PostgreSQL only (settings/main.py and docs/production.md say why): parameters sent apart from the
        # SQL text, and a statement run this many times on one connection prepared by name. Behind
        # PgBouncer in transaction mode older than 1.21 (or without max_prepared_statements) set
        # DB_PREPARE_THRESHOLD=off; binding alone works behind any pooler.
        db_server_side_binding=_bool("DB_SERVER_SIDE_BINDING", True),
        db_prepare_threshold=_optional_int("DB_PREPARE_THRESHOLD", 5),
        payment_reconcile_after_seconds=_float("PAYMENT_RECONCILE_AFTER_SECONDS", 60.0),
        sandbox_card_delays=_bool("SANDBOX_CARD_DELAYS", True),
        # Unauthenticated write endpoints for benchmarks/ only; never enable on a public deployment.
        benchmark_routes=_bool("BENCHMARK_ROUTES", False),
        # Hosted gateways; without credentials (and outside production) the built-in simulators answer.
        cashfree_base_url=os.environ.get("CASHFREE_BASE_URL", ""),
        cashfree_client_id=os.environ.get("CASHFREE_CLIENT_ID", ""),
        cashfree_client_secret=os.environ.get("CASHFREE_CLIENT_SECRET", ""),
        cashfree_previous_client_secret=os.environ.get("CASHFREE_PREVIOUS_CLIENT_SECRET", ""),  # during a rotation
        cashfree_api_version=os.environ.get("CASHFREE_API_VERSION", "2023-08-01"),
        cashfree_environment=os.environ.get("CASHFREE_ENVIRONMENT", "sandbox"),
        sslcommerz_base_url=os.environ.get("SSLCOMMERZ_BASE_URL", ""),
        sslcommerz_store_id=os.environ.get("SSLCOMMERZ_STORE_ID", ""),
        sslcommerz_store_password=os.environ.get("SSLCOMMERZ_STORE_PASSWORD", ""),
        gateway_http_timeout_seconds=_float("GATEWAY_HTTP_TIMEOUT_SECONDS", 10.0),
        # SAP S/4HANA; without SAP_BASE_URL the built-in simulator (/simulators/sap) answers instead.
        sap_base_url=os.environ.get("SAP_BASE_URL") or None,
        sap_username=os.environ.get("SAP_USERNAME", "PARTNERPAY_COMM"),
        sap_password=os.environ.get("SAP_PASSWORD", "simulator-password"),  # the simulator's default only
        sap_company_code=os.environ.get("SAP_COMPANY_CODE", "1010"),
        sap_bank_gl_account=os.environ.get("SAP_BANK_GL_ACCOUNT", "11001000"),
        sap_journal_document_type=os.environ.get("SAP_JOURNAL_DOCUMENT_TYPE", "DZ"),
        sap_tax_type_gstin=os.environ.get("SAP_TAX_TYPE_GSTIN", "IN3"),
        sap_tax_type_pan=os.environ.get("SAP_TAX_TYPE_PAN", "IN2"),
        sap_connect_timeout_seconds=_float("SAP_CONNECT_TIMEOUT_SECONDS", 5.0),
        sap_timeout_seconds=_float("SAP_TIMEOUT_SECONDS", 30.0),
        sap_sync_max_attempts=_int("SAP_SYNC_MAX_ATTEMPTS", 15),
        webhook_retry_schedule=os.environ.get("WEBHOOK_RETRY_SCHEDULE", ""),  # seconds, "5,300,..."; "" = default
        # Lets webhooks reach loopback/private addresses: local development only, never in production.
        webhook_allow_private_urls=_bool("WEBHOOK_ALLOW_PRIVATE_URLS", False),
        webhook_disable_after_days=_float("WEBHOOK_DISABLE_AFTER_DAYS", 5.0),
        # Marketplace (docs/marketplace.md): how long stock is held for an unpaid order, and GST in percent.
        reservation_ttl_seconds=_int("RESERVATION_TTL_SECONDS", 900),
        marketplace_tax_rate=os.environ.get("MARKETPLACE_TAX_RATE", "0"),
        marketplace_stock_precheck=_bool("MARKETPLACE_STOCK_PRECHECK", False),  # needs REDIS_URL
        # Reseller earnings (docs/earnings.md): sales in other currencies earn no commission (no FX conversion).
        earnings_program_currency=os.environ.get("EARNINGS_PROGRAM_CURRENCY", "INR").strip().upper(),
        commission_hold_days=_int("COMMISSION_HOLD_DAYS", 14),
        payout_minimum=os.environ.get("PAYOUT_MINIMUM", "500.00"),  # major units of the program currency
        # Money movements in phases (docs/gateways.md): an intent with no applied provider answer is
        # recovered after this long; pending checkouts are re-checked at doubling intervals up to the
        # maximum; a hosted checkout takes payments this long (sent to the provider as its expiry),
        # and one the provider still calls open past expiry + grace ends expired.
        payment_recover_after_seconds=_float("PAYMENT_RECOVER_AFTER_SECONDS", 60.0),
        payment_reconcile_max_interval_seconds=_float("PAYMENT_RECONCILE_MAX_INTERVAL_SECONDS", 3600.0),
        hosted_checkout_ttl_seconds=_int("HOSTED_CHECKOUT_TTL_SECONDS", 1800),
        hosted_checkout_expiry_grace_seconds=_int("HOSTED_CHECKOUT_EXPIRY_GRACE_SECONDS", 900),
        # Largest order/payment amount (major units; README "Money"): one for every currency, then overrides.
        max_payment_amount=os.environ.get("MAX_PAYMENT_AMOUNT", "") or "10000000.00",
        max_payment_amount_by_currency=os.environ.get("MAX_PAYMENT_AMOUNT_BY_CURRENCY", "JPY:1000000000"),
        # Former SECRET_KEYs, comma-separated: they still open what was encrypted under them (rotation).
        secret_key_fallbacks=_list("SECRET_KEY_FALLBACKS", []),
        # Live vs sandbox (README "Live and sandbox"): what is simulated; an unknown name stops the start.
        sandbox_components=_sandbox_components(production),
        # Hardening (issue #14; docs/production.md). Rates are "N/second|minute|hour|day" or "N/<seconds>s".
        production=production,
        # Seed 004's unsigned POST /v1/webhooks/transactions and open reads: the local demo only.
        ingest_allow_unsigned=_bool("INGEST_ALLOW_UNSIGNED", not production),
        ingest_signature_tolerance_seconds=_int("INGEST_SIGNATURE_TOLERANCE_SECONDS", 300),
        ingest_source_rate=os.environ.get("INGEST_SOURCE_RATE", "6000/minute"),
        # Group commit of concurrent webhook receptions (PostgreSQL only; docs/ingest.md).
        ingest_group_commit=_bool("INGEST_GROUP_COMMIT", True),
        ingest_group_commit_max_batch=_int("INGEST_GROUP_COMMIT_MAX_BATCH", 64),
        ingest_group_commit_wait_seconds=_float("INGEST_GROUP_COMMIT_WAIT_SECONDS", 10.0),
        # CIDRs of the proxies in front of us; only their X-Forwarded-For is believed.
        trusted_proxies=_list("TRUSTED_PROXIES", []),
        login_rate_per_ip=os.environ.get("LOGIN_RATE_PER_IP", "5/minute"),
        login_rate_per_account=os.environ.get("LOGIN_RATE_PER_ACCOUNT", "10/15m"),
        signup_rate_per_ip=os.environ.get("SIGNUP_RATE_PER_IP", "10/hour"),
        # How long a process trusts an API key it looked up: a revocation elsewhere takes at most this long.
        api_key_cache_seconds=_float("API_KEY_CACHE_SECONDS", 5.0),
        api_key_cache_size=_int("API_KEY_CACHE_SIZE", 10_000),
        gateway_webhook_rate=os.environ.get("GATEWAY_WEBHOOK_RATE", "600/minute"),
        # Consumer threads per queue (``manage.py run_queue <name>``); ingest waits on a slow call, so it is wide.
        queue_workers_default=_int("QUEUE_WORKERS_DEFAULT", 4),
        queue_workers_ingest=_int("QUEUE_WORKERS_INGEST", 64),
        queue_workers_webhooks=_int("QUEUE_WORKERS_WEBHOOKS", 16),
        queue_workers_sync=_int("QUEUE_WORKERS_SYNC", 4),
        webhook_attempt_deadline_seconds=_float("WEBHOOK_ATTEMPT_DEADLINE_SECONDS", 15.0),
        webhook_endpoint_concurrency=_int("WEBHOOK_ENDPOINT_CONCURRENCY", 4),
        webhook_breaker_failures=_int("WEBHOOK_BREAKER_FAILURES", 5),
        webhook_breaker_cooldown_seconds=_int("WEBHOOK_BREAKER_COOLDOWN_SECONDS", 60),
    )


ENV = read_env()
PRODUCTION = _bool("PRODUCTION", False)
