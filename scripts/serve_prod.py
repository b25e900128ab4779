"""`make serve-prod` / the container's CMD: run the production web server for ``entrypoints.wsgi``.

Granian (WSGI interface) by default; ``WEB_SERVER=gunicorn`` runs gunicorn instead. Both were
measured on the same machine (benchmarks/servers.py, docs/production.md): granian served 1.1-3x the
requests per second of gunicorn (sync or gthread) with a lower median latency in every run, so it is the default.

Environment (all optional except SECRET_KEY, which PRODUCTION=true requires):
  PORT                 port to listen on (8000)
  WEB_HOST             address to bind (0.0.0.0)
  WEB_SERVER           granian | gunicorn (granian)
  WEB_WORKERS          worker processes (the number of CPUs this process may run on)
  WEB_THREADS          request threads per worker: granian blocking threads / gunicorn gthread threads (8)
  WEB_WORKER_CLASS     gunicorn only: gthread | sync (gthread)
  WEB_TIMEOUT          seconds before a stuck worker is killed/respawned (30)
  WEB_CHECK_DEPLOY     run `manage.py check --deploy` first and refuse to start on warnings (true)
  WEB_COLLECTSTATIC    run `manage.py collectstatic` first, so granian serves the portal's and the API
                       docs' assets from $PARTNERPAY_DATA_DIR/static (true; cheap when nothing changed)
  PRODUCTION           defaults to true here: secure cookies, HSTS, JSON logs, SECRET_KEY required

Each worker holds up to WEB_THREADS database connections (CONN_MAX_AGE keeps them open), so
WEB_WORKERS x WEB_THREADS x replicas must stay below PostgreSQL's max_connections.

The background workers are separate processes: ``python manage.py run_queues`` (see docs/production.md).

The server replaces this process (exec), so SIGTERM/SIGINT reach it directly and stop it cleanly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
APP = "entrypoints.wsgi:application"

DEFAULT_THREADS = 8
DEFAULT_TIMEOUT = 30


def main() -> int:
    env = _environment()
    _require_secret_key(env)
    if _flag(env, "WEB_CHECK_DEPLOY", True):
        _check_deploy(env)
    if _flag(env, "WEB_COLLECTSTATIC", True):
        _collect_static(env)
    server = env.get("WEB_SERVER", "granian").strip().lower()
    if server == "granian":
        argv = granian_argv(env)
    elif server == "gunicorn":
        argv = gunicorn_argv(env)
    else:
        print(f"serve_prod: WEB_SERVER must be granian or gunicorn, not {server!r}", file=sys.stderr)
        return 2
    print(f"serve_prod: {' '.join(argv)}", file=sys.stderr, flush=True)
    os.chdir(ROOT)
    os.execvpe(argv[0], argv, env)  # noqa: S606 - a fixed argv; exec so the server receives the signals


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PRODUCTION", "true")
    env.setdefault("DJANGO_SETTINGS_MODULE", "settings.main")
    env.setdefault("PYTHONUNBUFFERED", "1")
    # The project root holds `settings`; src holds the packages. Both must be importable by workers.
    paths = [str(SRC), str(ROOT)]
    existing = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p not in paths]
    env["PYTHONPATH"] = os.pathsep.join(paths + existing)
    return env


def granian_argv(env: dict[str, str]) -> list[str]:
    workers = _int(env, "WEB_WORKERS", _cpus())
    threads = _int(env, "WEB_THREADS", DEFAULT_THREADS)
    argv = [
        _executable("granian"),
        "--interface",
        "wsgi",
        "--host",
        env.get("WEB_HOST", "0.0.0.0"),  # noqa: S104 - a container's server listens on every interface
        "--port",
        env.get("PORT", "8000"),
        "--workers",
        str(workers),
        # Django is synchronous: each request runs on one of these threads, holding one DB connection.
        "--blocking-threads",
        str(threads),
        # Requests beyond the threads wait in granian's queue rather than in the kernel's backlog.
        "--backpressure",
        str(max(threads * 4, 32)),
        "--respawn-failed-workers",
        "--workers-kill-timeout",
        str(_int(env, "WEB_TIMEOUT", DEFAULT_TIMEOUT)),
        "--log-level",
        env.get("LOG_LEVEL", "info").lower(),
        "--no-access-log",  # the request middleware writes one structured line per request
    ]
    static_root = _static_root(env)
    if static_root is not None:
        # Admin, portal and Swagger UI assets collected by `collectstatic`, served by granian without Django.
        argv += ["--static-path-route", "/static", "--static-path-mount", str(static_root)]
    return [*argv, APP]


def gunicorn_argv(env: dict[str, str]) -> list[str]:
    workers = _int(env, "WEB_WORKERS", _cpus())
    worker_class = env.get("WEB_WORKER_CLASS", "gthread").strip().lower()
    argv = [
        _executable("gunicorn"),
        "--bind",
        f"{env.get('WEB_HOST', '0.0.0.0')}:{env.get('PORT', '8000')}",  # noqa: S104
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--timeout",
        str(_int(env, "WEB_TIMEOUT", DEFAULT_TIMEOUT)),
        "--graceful-timeout",
        str(_int(env, "WEB_TIMEOUT", DEFAULT_TIMEOUT)),
        "--keep-alive",
        "5",
        "--log-level",
        env.get("LOG_LEVEL", "info").lower(),
        "--forwarded-allow-ips",
        env.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]
    if worker_class == "gthread":
        argv += ["--threads", str(_int(env, "WEB_THREADS", DEFAULT_THREADS))]
    if Path("/dev/shm").is_dir():  # noqa: S108 - gunicorn's heartbeat files; avoids disk stalls in containers
        argv += ["--worker-tmp-dir", "/dev/shm"]  # noqa: S108
    return [*argv, APP]


def _require_secret_key(env: dict[str, str]) -> None:
    if _flag(env, "PRODUCTION", False) and not env.get("SECRET_KEY"):
        print(
            "serve_prod: SECRET_KEY must be set when PRODUCTION=true, e.g.\n"
            "  export SECRET_KEY=\"$(python -c 'import secrets; print(secrets.token_urlsafe(50))')\"",
            file=sys.stderr,
        )
        sys.exit(2)


def _check_deploy(env: dict[str, str]) -> None:
    """Django's deployment checklist; a warning (HSTS off, DEBUG on, no ALLOWED_HOSTS...) stops the start."""
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        print("serve_prod: `check --deploy` failed; fix the settings (or WEB_CHECK_DEPLOY=false)", file=sys.stderr)
        sys.exit(result.returncode)


def _collect_static(env: dict[str, str]) -> None:
    """Without these files the partner portal has no styles and /api/v1/docs (Swagger UI) stays blank."""
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        print("serve_prod: `collectstatic` failed (or set WEB_COLLECTSTATIC=false)", file=sys.stderr)
        sys.exit(result.returncode)


def _static_root(env: dict[str, str]) -> Path | None:
    data_dir = Path(env.get("PARTNERPAY_DATA_DIR", ROOT / "var"))
    static_root = data_dir / "static"
    return static_root if static_root.is_dir() else None


def _executable(name: str) -> str:
    # Prefer the one next to this interpreter (the venv), whatever PATH says.
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        print(f"serve_prod: {name} is not installed (pip install -c constraints.txt .)", file=sys.stderr)
        sys.exit(2)
    return found


def _cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        print(f"serve_prod: {name} must be an integer, not {raw!r}", file=sys.stderr)
        sys.exit(2)
    return max(1, value)


def _flag(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    return raw in {"1", "true", "yes", "on"}


if __name__ == "__main__":
    sys.exit(main())
