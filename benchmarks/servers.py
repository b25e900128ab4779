"""Granian vs gunicorn (sync, gthread) serving the same Django app on the same machine.

Two endpoints, each server with the same worker count:
  GET  /healthz        the framework floor: middleware, routing, JSON, no database
  POST /bench/insert   the write ceiling: one autocommitted INSERT with a unique key (BENCHMARK_ROUTES)

Each (server, endpoint) gets a short unrecorded warm-up (imports, DB connections), then a measured
wrk run. With ``rounds > 1`` servers are interleaved round by round and the median round is kept,
which damps noise from anything else running on the machine.

Run: ``.venv/bin/python benchmarks/run_all.py --only servers`` or ``python -m benchmarks.servers``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import uuid
from dataclasses import dataclass

from benchmarks import lib

NAME = "servers"

# (kind in lib.SERVER_KINDS, threads per worker); threads as scripts/serve_prod.py defaults them.
SERVERS: list[tuple[str, int]] = [("granian", 8), ("gunicorn-sync", 1), ("gunicorn-gthread", 8)]


@dataclass(frozen=True)
class Endpoint:
    label: str
    path: str
    script: str | None = None


ENDPOINTS = [
    Endpoint("GET /healthz", "/healthz"),
    Endpoint("POST /bench/insert", "/bench/insert", "bench_insert.lua"),
]


def run(
    *,
    duration: float = 25,
    warmup: float = 3,
    connections: int = 64,
    wrk_threads: int = 2,
    workers: int = 2,
    rounds: int = 1,
) -> lib.Results:
    lib.require_wrk()
    services = lib.ensure_services()
    lib.sql(services, "TRUNCATE benchmarking_benchrow")
    measured: dict[tuple[str, str], list[tuple[lib.WrkResult, float]]] = {}
    for round_no in range(rounds):
        for kind, threads in SERVERS:
            with lib.start_server(kind, workers=workers, threads=threads, services=services) as server:
                for endpoint in ENDPOINTS:
                    for seconds, record in ((warmup, False), (duration, True)):
                        load = os.getloadavg()[0]
                        result = lib.run_wrk(
                            server.url(endpoint.path),
                            threads=wrk_threads,
                            connections=connections,
                            duration=seconds,
                            script=endpoint.script,
                            script_args=[uuid.uuid4().hex[:12]] if endpoint.script else [],
                        )
                        if record:
                            measured.setdefault((kind, endpoint.label), []).append((result, load))
                            print(
                                f"  round {round_no + 1}/{rounds} {kind:<17} {endpoint.label:<19} "
                                f"{result.requests_per_s:>8,.0f} req/s  p50 {result.p50_ms:6.1f} ms  "
                                f"p99 {result.p99_ms:6.1f} ms  errors {result.error_count}",
                                flush=True,
                            )
    rows = []
    for endpoint in ENDPOINTS:
        for kind, threads in SERVERS:
            runs = measured[(kind, endpoint.label)]
            median_rps = statistics.median_low([r.requests_per_s for r, _ in runs])
            result, load = next((r, load) for r, load in runs if r.requests_per_s == median_rps)
            rows.append(
                lib.wrk_row(
                    result,
                    endpoint=endpoint.label,
                    server=kind,
                    workers=workers,
                    threads=threads,
                    connections=connections,
                    rounds=len(runs),
                    load_1m=round(load, 1),
                )
            )
    return lib.Results(
        name=NAME,
        title="Web servers: granian vs gunicorn (same app, same machine)",
        rows=rows,
        columns=[
            lib.Column("endpoint", "endpoint"),
            lib.Column("server", "server"),
            lib.Column("workers", "workers"),
            lib.Column("threads", "threads"),
            *lib.WRK_COLUMNS,
            lib.Column("load_1m", "load 1m"),
        ],
        notes=[
            f"wrk -t{wrk_threads} -c{connections} -d{int(duration)}s after a {int(warmup)}s warm-up; "
            f"{rounds} round(s), the median round by req/s shown (the lower one of an even count); "
            "wrk, PostgreSQL and the server share the machine.",
            "Servers run scripts/serve_prod.py (PRODUCTION=true, LOG_LEVEL=WARNING), PostgreSQL + Redis on loopback.",
            "gunicorn sync workers close the connection after every response, so wrk reconnects each time.",
            "load 1m: the machine's load average when the run started (other work on the machine skews results).",
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=25)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args(argv)
    results = run(duration=args.duration, rounds=args.rounds, workers=args.workers, connections=args.connections)
    for path in lib.write_results(results):
        print(f"wrote {path.relative_to(lib.ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
