"""`make bench`: run every benchmark module listed in MODULES and write benchmarks/results/.

Each module in benchmarks/ exposes ``NAME`` and ``run(**options) -> lib.Results``; this script
sets up PostgreSQL/Redis once (lib.ensure_services), runs the modules in order, each in a Python
process of its own, and writes ``results/<NAME>.json`` and ``results/<NAME>.md``. Needs wrk
(``apt-get install wrk``). A process per module because several configure Django in-process from
the environment they set (their database, the consumers' SECRET_KEY): in a process where an earlier
module had already set Django up, they wrote to the earlier module's database under its key.

    .venv/bin/python benchmarks/run_all.py                      # everything
    .venv/bin/python benchmarks/run_all.py --only servers       # one module
    .venv/bin/python benchmarks/run_all.py --duration 10        # shorter runs everywhere
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: make `benchmarks` importable as a package from the repository root.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import lib

# Add new benchmark modules here (ingest, payments...); they run in this order.
MODULES: list[str] = ["write_paths", "servers", "ingest", "payments", "webhooks", "marketplace", "isolation"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated module names (default: all of " + ", ".join(MODULES) + ")")
    parser.add_argument("--duration", type=float, help="seconds per measured wrk run (module default otherwise)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child process that runs one module
    args = parser.parse_args(argv)
    if args.one:
        return _run_one(args.one, {"duration": args.duration} if args.duration else {})

    selected = [name.strip() for name in args.only.split(",")] if args.only else MODULES
    unknown = [name for name in selected if name not in MODULES]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(MODULES)}")

    try:
        lib.require_wrk()
        print("services: PostgreSQL db partnerpay_bench + Redis on 127.0.0.1 ...", flush=True)
        lib.ensure_services()
    except lib.BenchError as exc:
        print(f"run_all: {exc}", file=sys.stderr)
        return 2

    failures = 0
    for name in selected:
        argv = [sys.executable, "-m", "benchmarks.run_all", "--one", name]
        if args.duration:
            argv += ["--duration", str(args.duration)]
        if subprocess.run(argv, cwd=lib.ROOT, check=False).returncode != 0:
            failures += 1
    return 1 if failures else 0


def _run_one(name: str, options: dict[str, float]) -> int:
    module = importlib.import_module(f"benchmarks.{name}")
    print(f"\n== {name} ==", flush=True)
    started = time.monotonic()
    try:
        results = module.run(**options)
    except lib.BenchError as exc:
        print(f"{name} failed: {exc}", file=sys.stderr)
        return 1
    json_path, md_path = lib.write_results(results)
    print(f"\n{md_path.read_text()}")
    elapsed = time.monotonic() - started
    print(f"{name}: {elapsed:.0f}s, wrote {json_path.relative_to(lib.ROOT)} and {md_path.relative_to(lib.ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
