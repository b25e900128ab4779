"""Issue 15: CPU per request by process class (server, PostgreSQL, Redis) while wrk drives one path.

``write_paths`` gives throughput ratios; ``profile_paths`` gives the Python CPU of one request in-process.
This one says where the machine's CPU goes under load: the product and the bare Ninja yardstick run side
by side (the same granian argv as ``write_paths``), wrk drives ``--path`` on each in alternating rounds,
and the CPU time every process accrued during the run (``/proc/<pid>/stat`` utime+stime) is summed per
class and divided by the requests wrk counted. CPU per request barely moves when the machine is shared
with other work, unlike req/s, so two checkouts can compare their figures.

Paths: ``ingest`` (both apps, unique ids) and ``healthz`` (both apps); ``orders`` and ``payment`` (product
only; the card payment pays orders made through the API beforehand, each once, as in ``write_paths``).

Run (PostgreSQL and Redis up, as for ``make bench``)::

    PYTHONPATH=src:. .venv/bin/python -m benchmarks.cpu_share [--paths ingest,healthz] [--duration 10]

``PARTNERPAY_BENCH_DB`` picks another bench database. Prints, writes nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from benchmarks import lib, write_paths

CLASSES = ("server", "postgres", "redis", "other")


def _ticks() -> dict[str, int]:
    """utime+stime in clock ticks per process class, over every live process."""
    totals = dict.fromkeys(CLASSES, 0)
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat:
                data = stat.read()
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # exited while we looked
            continue
        name = data[data.index("(") + 1 : data.rindex(")")]
        fields = data[data.rindex(")") + 2 :].split()
        used = int(fields[11]) + int(fields[12])
        if "postgres" in name or command.startswith("postgres"):
            totals["postgres"] += used
        elif "redis" in name:
            totals["redis"] += used
        elif "granian" in command or "serve_prod" in command:
            totals["server"] += used
        else:
            totals["other"] += used
    return totals


def _measure(
    server: lib.Server,
    path: str,
    script: str | None,
    args: list[str],
    duration: float,
    before_each: Callable[[float], None] = lambda seconds: None,
) -> str:
    """``before_each(seconds)`` runs before the warm-up and before the measured run (unpaid orders for each)."""
    url = server.url(path)
    before_each(2)
    lib.run_wrk(url, duration=2, script=script, script_args=args)  # warm-up
    before_each(duration)
    before, started = _ticks(), time.monotonic()
    result = lib.run_wrk(url, duration=duration, script=script, script_args=args)
    after, elapsed = _ticks(), time.monotonic() - started
    requests = result.requests_per_s * elapsed
    hz = os.sysconf("SC_CLK_TCK")
    per_request = {k: (after[k] - before[k]) / hz / requests * 1e6 for k in CLASSES}
    shares = " ".join(f"{k} {per_request[k]:5.0f}" for k in CLASSES)
    total = sum(per_request[k] for k in ("server", "postgres", "redis"))
    return (
        f"{result.requests_per_s:7.0f} req/s  µs CPU per request: {shares}  (server+pg+redis {total:5.0f})"
        f"  errors {result.error_count}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", default="ingest,healthz")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    paths = options.paths.split(",")
    services = lib.ensure_services()
    lib.sql(services, (write_paths.YARDSTICK_DIR / "schema.sql").read_text())
    product_env = {
        "INGEST_ALLOW_UNSIGNED": "true",
        "SANDBOX_CARD_DELAYS": "false",
        # Each run signs its merchant up from 127.0.0.1 (the limiter lives in the bench Redis): repeated
        # runs within an hour would meet the production sign-up limit, which is not what is measured.
        "SIGNUP_RATE_PER_IP": "10000/hour",
        "TRANSACTION_PROCESSING_DELAY_SECONDS": "0",
    }
    with contextlib.ExitStack() as stack:
        product = stack.enter_context(
            lib.start_server("granian", workers=2, threads=8, services=services, env=product_env)
        )
        ninja = stack.enter_context(
            write_paths._start_yardstick(
                "benchmarks.yardstick.ninja_app:application", services=services, workers=2, threads=8
            )
        )
        merchant_id, key = write_paths._merchant_key(product) if {"orders", "payment"} & set(paths) else ("", "")
        orders_file = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "orders.txt"
        handed_out: set[str] = set()
        targets = {
            "ingest": [("yardstick", ninja), ("product", product)],
            "healthz": [("yardstick", ninja), ("product", product)],
            "orders": [("product", product)],
            "payment": [("product", product)],
        }
        for round_no in range(1, options.rounds + 1):
            for path in paths:
                for label, server in targets[path]:
                    fresh = uuid.uuid4().hex[:12]
                    if path == "ingest":
                        line = _measure(
                            server, "/v1/webhooks/transactions", "ingest_unique.lua", [fresh], options.duration
                        )
                    elif path == "payment":

                        def unpaid(seconds: float) -> None:
                            # Orders never handed out before, enough for a generous rate (each paid once).
                            write_paths._unpaid_orders(
                                services,
                                orders_file,
                                at_least=int(600 * seconds) + 100,
                                server=product,
                                merchant_id=merchant_id,
                                key=key,
                                handed_out=handed_out,
                            )

                        line = _measure(
                            server,
                            "/api/v1/payments",
                            "card_payment.lua",
                            [str(orders_file), key, "2"],
                            options.duration,
                            unpaid,
                        )
                    elif path == "orders":
                        line = _measure(server, "/api/v1/orders", "api_order.lua", [fresh, key], options.duration)
                    else:
                        line = _measure(server, "/healthz", None, [], options.duration)
                    print(f"round {round_no} {path:8s} {label:9s} {line}", flush=True)


if __name__ == "__main__":
    main()
