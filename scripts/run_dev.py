"""`make run`: the web server and the Huey consumers (one per queue) side by side, stopped together.

SIGINT/SIGTERM stop both; if either dies, the other is stopped too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def main() -> int:
    port = os.environ.get("PORT", "8000")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "DEBUG": os.environ.get("DEBUG", "true")}
    env.setdefault("WEBHOOK_ALLOW_PRIVATE_URLS", "true")
    # Seed 004's unsigned senders and open transaction reads: the local demo only (docs/ingest.md).
    env.setdefault("INGEST_ALLOW_UNSIGNED", "true")
    web = subprocess.Popen([PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env)
    # Every queue (default, ingest, webhooks, sync) with its own worker pool, in one process here.
    worker = subprocess.Popen([PYTHON, "manage.py", "run_queues", "--flush-locks"], cwd=ROOT, env=env)
    children = [web, worker]

    def stop(*_: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGINT, lambda *_: (stop(), sys.exit(0)))
    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    time.sleep(1.5)
    print(
        f"\nPartnerpay is running\n  API:   http://127.0.0.1:{port}/\n  Docs:  http://127.0.0.1:{port}/api/v1/docs\n"
        f"  Admin: http://127.0.0.1:{port}/admin/\n  Partner portal: http://127.0.0.1:{port}/portal/\n"
        "Press Ctrl+C to stop.\n",
        flush=True,
    )
    while all(child.poll() is None for child in children):
        time.sleep(0.5)
    stop()
    return 1


if __name__ == "__main__":
    sys.exit(main())
