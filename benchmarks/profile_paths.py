"""Issue 15: where the write paths spend Python CPU, measured in-process beside the bare Ninja yardstick.

``benchmarks/write_paths.py`` measures throughput under granian and wrk; this script says *why* a ratio
is what it is. It boots the product (``settings.main`` with the benchmark server's environment:
PRODUCTION=true, LOG_LEVEL=WARNING, JSON logs, unsigned seed-004 senders allowed, the sandbox card
without delays) on PostgreSQL, registers a merchant through sign-up (the key comes with it), and calls
Django's WSGI handler directly — the callable granian calls, with the environ a server builds — for each
path, the bodies those of ``benchmarks/lua/``:

* ``ingest``: ``POST /v1/webhooks/transactions``, unique ids;
* ``ingest_dup``: the same, 100 ids repeated;
* ``orders``: ``POST /api/v1/orders`` with ``X-API-Key`` and a fresh ``Idempotency-Key``;
* ``payment``: ``POST /api/v1/payments``, the 4242 card on one of the orders just created, each paid once;
* ``healthz``: ``GET /healthz``.

The yardstick (``benchmarks/yardstick/ninja_app.py``, its own process: it configures Django itself) runs
``ingest`` and ``healthz`` the same way. For every path: wall and CPU microseconds per request, the least
CPU of ``--batches`` batches of ``--requests`` after a warm-up (no profiler), over ``--rounds`` alternations
of yardstick and product processes (on a machine shared with other work, the least is the cost itself);
then the ratio of the yardstick's CPU to ours (ingest, orders and payment against the yardstick's ingest,
healthz against its GET: the in-process analogue of write_paths' req/s ratios on a CPU-bound machine), and
the Python function calls per request of one more batch (``sys.setprofile``; the same on a busy machine as
on a quiet one, so checkouts and sessions can compare them) with their ratio likewise. In
the last round ``--requests`` more run under cProfile, printed as the top ``--top`` functions by own and
by cumulative time per request (wall clock by default, so waiting for PostgreSQL shows as psycopg's
``wait``; ``--timer cpu`` leaves waits out at a larger profiling overhead). Every response's status is
checked, so a broken path cannot look fast.

Run (PostgreSQL and Redis as for the tests; the database is migrated first)::

    DATABASE_URL=postgres://... REDIS_URL=redis://.../13 PYTHONPATH=src:. \\
        .venv/bin/python -m benchmarks.profile_paths [--paths ingest,orders] [--top 40] [--no-profile]

``--app product`` (or ``yardstick``) runs one process alone. Nothing is written to benchmarks/results/;
``--save-profiles PREFIX`` keeps each cProfile run as ``PREFIX-<app>-<path>.pstats``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LUA_DIR = ROOT / "benchmarks" / "lua"
PRODUCT_PATHS = ("ingest", "ingest_dup", "orders", "payment", "healthz")
YARDSTICK_PATHS = ("ingest", "healthz")
# What each product path is compared with (write_paths' yardsticks).
BASELINE = {"ingest": "ingest", "ingest_dup": "ingest", "orders": "ingest", "payment": "ingest", "healthz": "healthz"}
EXPECTED = {"ingest": 202, "ingest_dup": 202, "orders": 201, "payment": 201, "healthz": 200}
# The benchmark server's environment (benchmarks.lib.server_env and write_paths' product_env).
PRODUCT_ENV = {
    "PRODUCTION": "true",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "LOG_LEVEL": "WARNING",
    "LOG_FORMAT": "json",
    "SANDBOX_COMPONENTS": "card",
    "INGEST_ALLOW_UNSIGNED": "true",
    "SANDBOX_CARD_DELAYS": "false",
    "TRANSACTION_PROCESSING_DELAY_SECONDS": "0",
    "HUEY_IMMEDIATE": "false",
    "DJANGO_SETTINGS_MODULE": "settings.main",
}
INGEST_BODY = (
    '{"transaction_id":"%s","source_account":"acc_user_789","destination_account":"acc_merchant_456",'
    '"amount":"150.50","currency":"INR"}'
)
ORDER_BODY = b'{"amount":"100.50","currency":"INR","reference":"bench"}'
PAYMENT_BODY = '{"order_id":"%s","method":"card","card":{"number":"4242424242424242","expiry":"12/35","cvv":"123"}}'


# --------------------------------------------------------------------------- one WSGI call


@dataclass
class Wsgi:
    """Calls a WSGI application as a server would: environ in, body iterated, ``close()`` called
    (Django's request_finished, which returns the database connection, runs there)."""

    application: Callable[..., Any]
    status: int = 0
    headers: list[tuple[str, str]] = field(default_factory=list)

    def call(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        remote_addr: str = "127.0.0.1",
    ) -> bytes:
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": remote_addr,
            "HTTP_HOST": "127.0.0.1:8000",
            # PRODUCTION=true redirects plain HTTP; behind the TLS proxy the forwarded proto says HTTPS.
            "HTTP_X_FORWARDED_PROTO": "https",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if body:
            environ["CONTENT_TYPE"] = "application/json"
            environ["CONTENT_LENGTH"] = str(len(body))
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        result = self.application(environ, self._start_response)
        try:
            return b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    def _start_response(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        self.status = int(status.split(" ", 1)[0])
        self.headers = headers


# --------------------------------------------------------------------------- the paths


Make = Callable[[int], tuple[str, str, bytes, dict[str, str]]]


@dataclass
class Path_:
    """A path to measure: ``make(i)`` is request number i; ``prepare(count)`` runs, unmeasured, before
    each batch of ``count`` requests (the card payment's unpaid orders are made there)."""

    make: Make
    prepare: Callable[[int], None] = lambda count: None


def product_requests(wsgi: Wsgi) -> dict[str, Path_]:
    """Each product path; a merchant and its key made through sign-up, as benchmarks.write_paths does."""
    from benchmarks.write_paths import PASSWORD

    run = uuid.uuid4().hex[:12]
    body = json.dumps(
        {"email": f"profile-{run}@partnerpay.local", "password": PASSWORD, "name": "Profile", "role": "merchant"}
    ).encode()
    # From an address of its own: sign-ups are rate limited per address, and every run signs up once.
    address = ".".join(str(b) for b in (10, *uuid.uuid4().bytes[:3]))
    answer = wsgi.call("POST", "/api/v1/auth/register", body, remote_addr=address)
    if wsgi.status != 201:
        raise SystemExit(f"register failed: {wsgi.status} {answer[:300]!r}")
    key = json.loads(answer)["api_key"]
    unpaid: list[str] = []
    made = [0]

    def order(i: int) -> tuple[str, str, bytes, dict[str, str]]:
        return "POST", "/api/v1/orders", ORDER_BODY, {"X-API-Key": key, "Idempotency-Key": f"{run}-{i}"}

    def make_orders(count: int) -> None:
        for n in range(made[0], made[0] + count):
            created = wsgi.call(*order(10_000_000 + n))
            unpaid.append(json.loads(created)["id"])
        made[0] += count

    def payment(i: int) -> tuple[str, str, bytes, dict[str, str]]:
        return "POST", "/api/v1/payments", (PAYMENT_BODY % unpaid.pop()).encode(), {"X-API-Key": key}

    return {
        "ingest": Path_(lambda i: ("POST", "/v1/webhooks/transactions", (INGEST_BODY % f"{run}-{i}").encode(), {})),
        "ingest_dup": Path_(
            lambda i: ("POST", "/v1/webhooks/transactions", (INGEST_BODY % f"{run}-dup-{i % 100}").encode(), {})
        ),
        "orders": Path_(order),
        "payment": Path_(payment, make_orders),
        "healthz": Path_(lambda i: ("GET", "/healthz", b"", {})),
    }


def yardstick_requests() -> dict[str, Path_]:
    run = uuid.uuid4().hex[:12]
    return {
        "ingest": Path_(lambda i: ("POST", "/v1/webhooks/transactions", (INGEST_BODY % f"{run}-{i}").encode(), {})),
        "healthz": Path_(lambda i: ("GET", "/healthz", b"", {})),
    }


# --------------------------------------------------------------------------- measuring one app


def _batch(wsgi: Wsgi, path_: Path_, start: int, count: int, expected: int) -> None:
    for i in range(start, start + count):
        method, path, body, headers = path_.make(i)
        answer = wsgi.call(method, path, body, headers)
        if wsgi.status != expected:
            raise SystemExit(f"{method} {path}: {wsgi.status} (expected {expected}): {answer[:300]!r}")


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/src/", "/benchmarks/", "/lib/python3"):
        at = filename.find(marker)
        if at >= 0:
            return filename[at + len(marker) :] if marker != "/lib/python3" else "py" + filename[at + 11 :]
    return filename


def _top(stats: pstats.Stats, key: str, count: int, requests: int) -> str:
    rows = []
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    index = 2 if key == "tottime" else 3
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in sorted(
        entries.items(), key=lambda item: item[1][index], reverse=True
    )[:count]:
        where = f"{_short(filename)}:{line}({name})" if line else name
        rows.append(
            f"  {tottime / requests * 1e6:9.1f} {cumtime / requests * 1e6:9.1f} {calls / requests:8.1f}  {where}"
        )
    header = f"  {'own µs':>9} {'cum µs':>9} {'calls':>8}  (per request, by {key})"
    return "\n".join([header, *rows])


def measure(
    app: str, application: Callable[..., Any], requests: dict[str, Path_], args: argparse.Namespace
) -> dict[str, dict[str, float]]:
    wsgi = Wsgi(application)
    results: dict[str, dict[str, float]] = {}
    offset = 0
    for name in args.paths:
        if name not in requests:
            continue
        path_, expected = requests[name], EXPECTED[name]
        path_.prepare(args.warmup)
        _batch(wsgi, path_, offset, args.warmup, expected)
        offset += args.warmup
        # The least of several batches: on a shared machine, what other processes take only adds time.
        batches = []
        for _ in range(args.batches):
            path_.prepare(args.requests)
            wall, cpu = time.perf_counter(), time.process_time()
            _batch(wsgi, path_, offset, args.requests, expected)
            batches.append((time.perf_counter() - wall, time.process_time() - cpu))
            offset += args.requests
        wall, cpu = min(batches, key=lambda batch: batch[1])
        calls = _python_calls(wsgi, path_, offset, args.requests, expected)
        offset += args.requests
        results[name] = {"wall_us": wall / args.requests * 1e6, "cpu_us": cpu / args.requests * 1e6, "calls": calls}
        print(
            f"[{app}] {name}: {results[name]['wall_us']:.0f} µs wall, {results[name]['cpu_us']:.0f} µs CPU, "
            f"{calls:.0f} Python calls per request (least CPU of {args.batches} batches of {args.requests})",
            flush=True,
        )
        if args.profile:
            # Wall time by default (the C timer: least overhead); waiting for PostgreSQL shows as psycopg wait()
            # and socket calls. --timer cpu leaves the waits out, at a much larger profiling overhead.
            profiler = cProfile.Profile(time.process_time) if args.timer == "cpu" else cProfile.Profile()
            path_.prepare(args.requests)
            profiler.enable()
            _batch(wsgi, path_, offset, args.requests, expected)
            profiler.disable()
            offset += args.requests
            stats = pstats.Stats(profiler)
            if args.save_profiles:
                profiler.dump_stats(f"{args.save_profiles}-{app}-{name}.pstats")
            print(f"\n[{app}] {name} under cProfile ({args.requests} requests; profiler overhead included)")
            print(_top(stats, "tottime", args.top, args.requests))
            print(_top(stats, "cumulative", args.top, args.requests), flush=True)
    return results


def _python_calls(wsgi: Wsgi, path_: Path_, start: int, count: int, expected: int) -> float:
    """Python function calls per request on the request's thread: unlike CPU time, the same on a busy machine
    as on a quiet one, so two checkouts (or two sessions) can compare them. Calls into C (builtins, the
    driver's C parts) are not counted; a path's ratio of calls follows its ratio of CPU closely."""
    calls = 0

    def counted(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event == "call":
            calls += 1

    path_.prepare(count)
    sys.setprofile(counted)
    try:
        _batch(wsgi, path_, start, count, expected)
    finally:
        sys.setprofile(None)
    return calls / count


def boot_product() -> Callable[..., Any]:
    for key, value in PRODUCT_ENV.items():
        os.environ[key] = value
    os.environ.setdefault("SECRET_KEY", "profile-" + "k" * 50)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def boot_yardstick() -> Callable[..., Any]:
    from django.db import connection

    from benchmarks.yardstick import ninja_app

    with connection.cursor() as cursor:
        cursor.execute((ROOT / "benchmarks" / "yardstick" / "schema.sql").read_text())
    connection.close()
    return ninja_app.application  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- both, side by side


def _child(app: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    argv = [
        sys.executable,
        "-m",
        "benchmarks.profile_paths",
        "--app",
        app,
        "--requests",
        str(args.requests),
        "--warmup",
        str(args.warmup),
        "--batches",
        str(args.batches),
        "--top",
        str(args.top),
        "--paths",
        ",".join(args.paths),
        "--timer",
        args.timer,
    ]
    if not args.profile:
        argv.append("--no-profile")
    if args.save_profiles:
        argv += ["--save-profiles", args.save_profiles]
    out = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True).stdout
    lines = out.splitlines()
    print("\n".join(line for line in lines if not line.startswith("RESULT ")), flush=True)
    result = next(line for line in reversed(lines) if line.startswith("RESULT "))
    return json.loads(result[len("RESULT ") :])  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app", choices=("both", "product", "yardstick"), default="both")
    parser.add_argument("--requests", type=int, default=300, help="requests per batch (and profiled)")
    parser.add_argument("--batches", type=int, default=5, help="timed batches per path; the least CPU counts")
    parser.add_argument("--rounds", type=int, default=2, help="yardstick/product alternations; the least counts")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--paths", default=",".join(PRODUCT_PATHS))
    parser.add_argument("--timer", choices=("cpu", "wall"), default="wall")
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument(
        "--save-profiles",
        metavar="PREFIX",
        help="also write each profile to PREFIX-<app>-<path>.pstats (for pstats, snakeviz, call trees)",
    )
    args = parser.parse_args(argv)
    args.paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    if "DATABASE_URL" not in os.environ or not os.environ["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database (the product's paths are measured there)")
    if args.app == "product":
        application = boot_product()
        requests = product_requests(Wsgi(application))
        print("RESULT " + json.dumps(measure("product", application, requests, args)))
        return 0
    if args.app == "yardstick":
        print("RESULT " + json.dumps(measure("yardstick", boot_yardstick(), yardstick_requests(), args)))
        return 0
    baseline_paths = sorted({BASELINE[p] for p in args.paths if p in BASELINE})
    yardstick: dict[str, dict[str, float]] = {}
    product: dict[str, dict[str, float]] = {}
    for round_no in range(args.rounds):
        # Alternating, so machine drift hits both; only the last round profiles.
        profile = args.profile and round_no == args.rounds - 1
        for app, paths, best in (("yardstick", baseline_paths, yardstick), ("product", args.paths, product)):
            child = _child(app, argparse.Namespace(**{**vars(args), "paths": paths, "profile": profile}))
            for name, figures in child.items():
                if name not in best or figures["cpu_us"] < best[name]["cpu_us"]:
                    best[name] = figures
    print(
        f"\n{'path':<12} {'µs wall':>9} {'µs CPU':>9} {'yardstick µs CPU':>17} {'CPU ratio':>10}"
        f" {'calls':>7} {'yardstick calls':>16} {'calls ratio':>12}"
    )
    for name in args.paths:
        if name not in product:
            continue
        base = yardstick.get(BASELINE[name], {})
        ratio = base["cpu_us"] / product[name]["cpu_us"] if base else float("nan")
        calls_ratio = base["calls"] / product[name]["calls"] if base else float("nan")
        print(
            f"{name:<12} {product[name]['wall_us']:9.0f} {product[name]['cpu_us']:9.0f} "
            f"{base.get('cpu_us', float('nan')):17.0f} {ratio:10.2f}"
            f" {product[name]['calls']:7.0f} {base.get('calls', float('nan')):16.0f} {calls_ratio:12.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
