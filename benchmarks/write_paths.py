"""Issue 15: the product's write paths as ratios to a bare Django Ninja yardstick, measured in one run.

Three servers run side by side with the product's own granian command line (scripts/serve_prod.py:
2 workers x 8 blocking threads, same backpressure, same PostgreSQL and Redis):

* the product (PRODUCTION=true, LOG_LEVEL=WARNING, unsigned seed-004 senders allowed, the sandbox card);
* ``benchmarks/yardstick/ninja_app.py`` — seed 004's contract in one file: validate the five fields,
  ``INSERT … ON CONFLICT (transaction_id) DO NOTHING RETURNING``, answer 202;
* ``benchmarks/yardstick/drf_app.py`` — the same in Django REST Framework (the seeds' stack), for reference
  (skipped with a note when djangorestframework is not installed).

Every measurement is ``wrk -t2 -c64`` for ``duration`` seconds after a short warm-up, and the rounds
alternate the targets so machine drift hits all of them alike; the table keeps the median round.
Ratios divide by the yardstick measured in the same run: ingestion, orders and payments by the
yardstick's ingest, ``GET /healthz`` by the yardstick's GET.

Run: ``.venv/bin/python benchmarks/run_all.py --only write_paths`` (or ``python -m benchmarks.write_paths``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import statistics
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks import lib

NAME = "write_paths"
YARDSTICK_DIR = lib.BENCH_DIR / "yardstick"
PASSWORD = "bench-passphrase-12345"
# The run's own Redis database, emptied at its start (webhooks uses 3, isolation 4).
REDIS_DB = 5
# Card payments per second assumed before the first run has measured any: the orders for a payment run are
# made before its warm-up (and its checkpoint), so a low guess would leave the measured run short of them.
PAYMENT_RATE_GUESS = 1500.0
# The targets, as ratios to the yardstick (None: no target, shown for reference).
TARGETS: dict[str, float | None] = {
    "bare DRF ingest (the seeds' stack)": None,
    "POST /v1/webhooks/transactions (unique ids)": 1.0,
    "POST /v1/webhooks/transactions (100 ids repeated)": 1.0,
    "POST /api/v1/orders (API key, Idempotency-Key)": 0.5,
    "POST /api/v1/payments (card, existing order)": 0.33,
    "GET /healthz": 0.8,
}


@dataclass(frozen=True)
class Measure:
    label: str
    server: str  # "product" | "ninja" | "drf"
    path: str
    script: str | None
    args: Callable[[], list[str]]
    yardstick: str | None = None  # label of the measurement this one is divided by


def _by_round(runs: list[lib.WrkResult], yardstick: list[lib.WrkResult]) -> str:
    """Each round's ratio to the yardstick's run of the same round (rounds alternate, so the lists align)."""
    return " / ".join(
        f"{run.requests_per_s / base.requests_per_s:.2f}"
        for run, base in zip(runs, yardstick, strict=False)
        if base.requests_per_s
    )


def _serve_prod_module() -> Any:
    spec = importlib.util.spec_from_file_location("serve_prod", lib.ROOT / "scripts" / "serve_prod.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def _start_yardstick(app: str, *, services: lib.Services, workers: int, threads: int) -> Iterator[lib.Server]:
    """The yardstick app under exactly the product's granian argv (only the application differs)."""
    serve_prod = _serve_prod_module()
    port = lib.free_port()
    env = lib.server_env(
        services, WEB_HOST=lib.HOST, PORT=str(port), WEB_WORKERS=str(workers), WEB_THREADS=str(threads)
    )
    argv = serve_prod.granian_argv(env)
    # No static route for the yardstick: drop it with the app path, then name the yardstick's app.
    if "--static-path-route" in argv:
        at = argv.index("--static-path-route")
        del argv[at : at + 4]
    argv = [*argv[:-1], app]
    log_file = tempfile.NamedTemporaryFile(prefix="bench-yardstick-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        argv, cwd=lib.ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
    )
    log_file.close()
    server = lib.Server(f"yardstick:{app}", workers, threads, port, process, Path(log_file.name))
    try:
        lib._wait_for_http(server, "/healthz", 60)
        yield server
    finally:
        server.stop()
        with contextlib.suppress(OSError):
            server.log_path.unlink()


def _merchant_key(server: lib.Server) -> tuple[str, str]:
    """A merchant (its id) and its API key, through the product's own sign-up (a merchant gets a key with it)."""
    email = f"bench-write-{uuid.uuid4().hex[:8]}@partnerpay.local"
    with httpx.Client(headers=lib.DEFAULT_HEADERS, timeout=30) as client:
        registered = client.post(
            server.url("/api/v1/auth/register"),
            json={"email": email, "password": PASSWORD, "name": "Bench", "role": "merchant"},
        )
    if registered.status_code != 201:
        raise lib.BenchError(f"register failed: {registered.status_code} {registered.text[:200]}")
    session = registered.json()
    return str(session["user"]["id"]), str(session["api_key"])


def _unpaid_orders(
    services: lib.Services,
    path: Path,
    *,
    at_least: int,
    stock: int,
    server: lib.Server,
    merchant_id: str,
    key: str,
    handed_out: set[str],
) -> bool:
    """Writes ``at_least`` ids of the bench merchant's unpaid orders to ``path``, first creating more through
    the API while fewer than ``stock`` are left (what this run does not take waits for the next); says
    whether it created any. An order handed to an earlier wrk run is never handed out again: requests of
    that run still in flight when it stopped may pay it after this list is read (they were answered 409)."""
    import psycopg

    def fetch() -> list[str]:
        with psycopg.connect(services.database_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT o.id FROM payments_order o WHERE o.seller_id = %s AND o.status = 'created' "
                "AND NOT EXISTS (SELECT 1 FROM payments_payment p WHERE p.order_id = o.id)",
                [merchant_id],
            ).fetchall()
        return [str(row[0]) for row in rows]

    ids = [order_id for order_id in fetch() if order_id not in handed_out]
    made = False
    while len(ids) < max(stock, at_least):
        made = True
        lib.run_wrk(
            server.url("/api/v1/orders"),
            duration=10,
            script="api_order.lua",
            script_args=[uuid.uuid4().hex[:12], key],
        )
        ids = [order_id for order_id in fetch() if order_id not in handed_out]
    ids = ids[:at_least]
    handed_out.update(ids)
    path.write_text("\n".join(ids) + "\n")
    return made


def run(
    *,
    duration: float = 15,
    warmup: float = 3,
    rounds: int = 2,
    connections: int = 64,
    wrk_threads: int = 2,
    workers: int = 2,
    threads: int = 8,
    only: tuple[str, ...] = (),
) -> lib.Results:
    lib.require_wrk()
    # Every table starts empty, the product's as the yardstick's: a run measures the same thing whatever ran
    # before it on this machine (a bench database that kept every earlier run's rows, gigabytes of them,
    # slowed the product's writes and not the yardstick's one freshly truncated table).
    services = lib.fresh_database(f"{lib.BENCH_DB}_write_paths", redis_db=REDIS_DB)
    lib.sql(services, (YARDSTICK_DIR / "schema.sql").read_text())
    has_drf = importlib.util.find_spec("rest_framework") is not None
    product_env = {
        "INGEST_ALLOW_UNSIGNED": "true",
        "SANDBOX_CARD_DELAYS": "false",
        # Each run signs its merchant up from 127.0.0.1 (the limiter lives in the bench Redis): repeated
        # runs within an hour would meet the production sign-up limit, which is not what is measured.
        "SIGNUP_RATE_PER_IP": "10000/hour",
        # Nothing consumes the queue during the run: processing must not compete with the requests.
        "TRANSACTION_PROCESSING_DELAY_SECONDS": "0",
    }
    orders_file = Path(tempfile.mkstemp(prefix="bench-orders-", suffix=".txt")[1])
    measured: dict[str, list[lib.WrkResult]] = {}
    rates: dict[str, list[float]] = {}  # req/s of every wrk run per measure, warm-ups included
    with contextlib.ExitStack() as stack:
        product = stack.enter_context(
            lib.start_server("granian", workers=workers, threads=threads, services=services, env=product_env)
        )
        ninja = stack.enter_context(
            _start_yardstick(
                "benchmarks.yardstick.ninja_app:application", services=services, workers=workers, threads=threads
            )
        )
        drf = (
            stack.enter_context(
                _start_yardstick(
                    "benchmarks.yardstick.drf_app:application", services=services, workers=workers, threads=threads
                )
            )
            if has_drf
            else None
        )
        servers = {"product": product, "ninja": ninja, "drf": drf}
        merchant_id, key = _merchant_key(product)
        run_id = lambda: uuid.uuid4().hex[:12]  # noqa: E731 - fresh ids per wrk run
        measures = [
            Measure("bare Ninja ingest", "ninja", "/v1/webhooks/transactions", "ingest_unique.lua", lambda: [run_id()]),
            Measure(
                "bare DRF ingest (the seeds' stack)",
                "drf",
                "/v1/webhooks/transactions",
                "ingest_unique.lua",
                lambda: [run_id()],
                "bare Ninja ingest",
            ),
            Measure(
                "POST /v1/webhooks/transactions (unique ids)",
                "product",
                "/v1/webhooks/transactions",
                "ingest_unique.lua",
                lambda: [run_id()],
                "bare Ninja ingest",
            ),
            Measure(
                "POST /v1/webhooks/transactions (100 ids repeated)",
                "product",
                "/v1/webhooks/transactions",
                "ingest_unique.lua",
                lambda: ["dup", "100"],
                "bare Ninja ingest",
            ),
            Measure(
                "POST /api/v1/orders (API key, Idempotency-Key)",
                "product",
                "/api/v1/orders",
                "api_order.lua",
                lambda: [run_id(), key],
                "bare Ninja ingest",
            ),
            Measure(
                "POST /api/v1/payments (card, existing order)",
                "product",
                "/api/v1/payments",
                "card_payment.lua",
                lambda: [str(orders_file), key, str(wrk_threads)],
                "bare Ninja ingest",
            ),
            Measure("bare Ninja GET", "ninja", "/healthz", None, lambda: []),
            Measure("GET /healthz", "product", "/healthz", None, lambda: [], "bare Ninja GET"),
        ]
        if only:
            # The yardsticks always run: every ratio divides by one measured in the same run.
            yardsticks = {"bare Ninja ingest", "bare Ninja GET"}
            measures = [m for m in measures if m.label in yardsticks or any(o in m.label for o in only)]
        handed_out: set[str] = set()
        for round_no in range(rounds):
            for measure in measures:
                server = servers[measure.server]
                if server is None:
                    continue
                for seconds, record in ((warmup, False), (duration, True)):
                    made_orders = False
                    if measure.script == "card_payment.lua":
                        # Orders not paid yet, enough for this run at the best rate seen so far, with margin
                        # (the warm-up pays some: every wrk run gets a fresh list, each order is paid once).
                        # The warm-ups count too: the first measured run must not pay orders twice (409s)
                        # on a machine faster than the guess. Those of the measured run are made before the
                        # warm-up, so that their writes are behind the checkpoint below.
                        best = max(rates.get(measure.label, []), default=PAYMENT_RATE_GUESS)
                        made_orders = _unpaid_orders(
                            services,
                            orders_file,
                            at_least=int(best * seconds * 1.5) + 100,
                            stock=int(best * (seconds + (0 if record else duration)) * 1.5) + 200,
                            server=product,
                            merchant_id=merchant_id,
                            key=key,
                            handed_out=handed_out,
                        )
                    if not record or made_orders:
                        # Every measure (yardstick or product) starts from the same state: the writes of the
                        # measures before it (and the orders just made for a payment run) flushed by a
                        # checkpoint, not one that their WAL set off falling into this one's window.
                        lib.checkpoint()
                    result = lib.run_wrk(
                        server.url(measure.path),
                        threads=wrk_threads,
                        connections=connections,
                        duration=seconds,
                        script=measure.script,
                        script_args=measure.args(),
                    )
                    rates.setdefault(measure.label, []).append(result.requests_per_s)
                    if record:
                        measured.setdefault(measure.label, []).append(result)
                        print(
                            f"  round {round_no + 1}/{rounds} {measure.label:<52} {result.requests_per_s:>8,.0f} req/s"
                            f"  p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms  errors {result.error_count}",
                            flush=True,
                        )
    orders_file.unlink(missing_ok=True)
    medians = {label: _median(runs) for label, runs in measured.items()}
    rows = []
    for measure in measures:
        if measure.label not in medians:
            continue
        result = medians[measure.label]
        base = medians.get(measure.yardstick or measure.label)
        # "met" compares the ratio itself: the table's two decimals would let 0.325 pass a 0.33 target.
        exact = result.requests_per_s / base.requests_per_s if base and base.requests_per_s else None
        ratio = round(exact, 2) if exact is not None else None
        p99_ratio = round(result.p99_ms / base.p99_ms, 2) if base and base.p99_ms else None
        target = TARGETS.get(measure.label)
        rows.append(
            lib.wrk_row(
                result,
                what=measure.label,
                vs=measure.yardstick or "(yardstick)",
                ratio=ratio,
                by_round=_by_round(measured[measure.label], measured.get(measure.yardstick or "", [])),
                p99_ratio=p99_ratio,
                target=f">= {target}" if target is not None else "",
                # A row whose requests failed is not met, however fast: 409s and 500s are cheap to answer.
                met=(
                    ("yes" if exact is not None and exact >= target and result.error_count == 0 else "no")
                    if target is not None
                    else ""
                ),
            )
        )
    notes = [
        f"wrk -t{wrk_threads} -c{connections} -d{int(duration)}s after a {int(warmup)}s warm-up, {rounds} alternating "
        "rounds, median round by req/s; product and yardsticks served by the same granian argv "
        f"({workers} workers x {threads} blocking threads); wrk, PostgreSQL, Redis and the servers share the machine.",
        "ratio = req/s over the yardstick's req/s in the same run (ingest for writes, GET for /healthz), each row's "
        "median round over the yardstick's; ratio by round = each round's req/s over the yardstick's in that round "
        "(the spread a single figure hides); p99 ratio likewise for the 99th percentile latency.",
        "The card payment run pays orders created through the API beforehand (each order once).",
    ]
    if not has_drf:
        notes.append("The DRF yardstick was skipped: djangorestframework is not installed.")
    return lib.Results(
        name=NAME,
        title="Write paths vs a bare Django Ninja yardstick (issue 15)",
        rows=rows,
        columns=[
            lib.Column("what", "what"),
            *lib.WRK_COLUMNS,
            lib.Column("vs", "vs"),
            lib.Column("ratio", "ratio"),
            lib.Column("by_round", "ratio by round"),
            lib.Column("p99_ratio", "p99 ratio"),
            lib.Column("target", "target"),
            lib.Column("met", "met"),
        ],
        notes=notes,
    )


def _median(runs: list[lib.WrkResult]) -> lib.WrkResult:
    median_rps = statistics.median_low([r.requests_per_s for r in runs])
    return next(r for r in runs if r.requests_per_s == median_rps)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated parts of measure labels (e.g. 'orders,payments'): those and the yardsticks; "
        "printed, not written to benchmarks/results/",
    )
    args = parser.parse_args(argv)
    only = tuple(part for part in args.only.split(",") if part)
    results = run(duration=args.duration, rounds=args.rounds, only=only)
    if only:
        print(json.dumps(results, indent=2, default=str))
        return 0
    _json_path, md_path = lib.write_results(results)
    print(md_path.read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
