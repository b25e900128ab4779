"""Shared machinery for the HTTP benchmarks: services, servers, wrk, results.

A benchmark module (``benchmarks/servers.py`` is the model) does::

    services = lib.ensure_services()              # PostgreSQL db partnerpay_bench + Redis, migrated
    with lib.start_server("granian", workers=2, services=services) as server:
        result = lib.run_wrk(server.url("/healthz"), connections=64, duration=20)
    lib.write_results("servers", rows, title=..., columns=...)

Everything listens on and targets 127.0.0.1 only. Every wait is bounded by a deadline.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
LUA_DIR = BENCH_DIR / "lua"
RESULTS_DIR = BENCH_DIR / "results"
PYTHON = sys.executable

HOST = "127.0.0.1"
PG_PORT = 5432
PG_ROLE = "partnerpay"
PG_PASSWORD = "partnerpay"
# PARTNERPAY_BENCH_DB: another database, so two checkouts with different migrations can measure at once.
BENCH_DB = os.environ.get("PARTNERPAY_BENCH_DB", "partnerpay_bench")
REDIS_PORT = 6379

# Headers every benchmark request carries. The server runs with PRODUCTION=true, which redirects
# plain HTTP to HTTPS; behind the TLS proxy the forwarded proto says the client used HTTPS.
DEFAULT_HEADERS = {"X-Forwarded-Proto": "https"}

# server kind -> (WEB_SERVER, extra env) as scripts/serve_prod.py understands them
SERVER_KINDS: dict[str, tuple[str, dict[str, str]]] = {
    "granian": ("granian", {}),
    "gunicorn-sync": ("gunicorn", {"WEB_WORKER_CLASS": "sync"}),
    "gunicorn-gthread": ("gunicorn", {"WEB_WORKER_CLASS": "gthread"}),
}


class BenchError(RuntimeError):
    """A benchmark could not be set up or run; the message says what to do."""


# --------------------------------------------------------------------------- services


@dataclass(frozen=True)
class Services:
    database_url: str
    redis_url: str


_services: Services | None = None


def ensure_services(*, migrate: bool = True) -> Services:
    """PostgreSQL (db ``partnerpay_bench`` owned by ``partnerpay``) and Redis on loopback, migrated once."""
    global _services
    if _services is None:
        database_url = ensure_postgres()
        redis_url = ensure_redis()
        _services = Services(database_url=database_url, redis_url=redis_url)
        if migrate:
            run_migrations(_services)
    return _services


def ensure_postgres(*, timeout: float = 60) -> str:
    if not shutil.which("pg_ctlcluster") and not _pg_ready():
        raise BenchError("PostgreSQL not found: apt-get install postgresql (or run .ci/run once)")
    if not _pg_ready():
        version = _pg_version()
        clusters = _run(["pg_lsclusters", "-h"], check=False).stdout
        if not any(line.split()[:2] == [version, "main"] for line in clusters.splitlines()):
            _run([*_sudo(), "pg_createcluster", version, "main"])
        _run([*_sudo(), "pg_ctlcluster", version, "main", "start"], check=False)
        _wait_for(_pg_ready, timeout, "PostgreSQL on 127.0.0.1:5432")
    _as_postgres_psql(
        f"""
        DO $$
        BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PG_ROLE}') THEN
            CREATE ROLE {PG_ROLE} LOGIN PASSWORD '{PG_PASSWORD}' CREATEDB;
          END IF;
        END $$;
        """
    )
    exists = _as_postgres_psql(f"SELECT 1 FROM pg_database WHERE datname = '{BENCH_DB}'", tuples_only=True)
    if "1" not in exists:
        _as_postgres_psql(f"CREATE DATABASE {BENCH_DB} OWNER {PG_ROLE}")
    return f"postgres://{PG_ROLE}:{PG_PASSWORD}@{HOST}:{PG_PORT}/{BENCH_DB}"


def ensure_redis(*, timeout: float = 30) -> str:
    url = f"redis://{HOST}:{REDIS_PORT}/0"
    if _redis_ready():
        return url
    if not shutil.which("redis-server"):
        raise BenchError("Redis not found: apt-get install redis-server")
    _run(
        [
            "redis-server",
            "--bind",
            HOST,
            "--port",
            str(REDIS_PORT),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
        ]
    )
    _wait_for(_redis_ready, timeout, f"Redis on {HOST}:{REDIS_PORT}")
    return url


def run_migrations(services: Services) -> None:
    env = server_env(services)
    result = _run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env, check=False)
    if result.returncode != 0:
        raise BenchError(f"migrate failed:\n{result.stdout}\n{result.stderr}")


def fresh_database(name: str, *, shared: Services | None = None, redis_db: int | None = None) -> Services:
    """Database ``name`` dropped, created and migrated anew, beside the shared bench database; with
    ``redis_db``, that Redis database (emptied) in place of the shared one.

    For a benchmark whose figures depend on what its tables already hold: a run starts from the freshly
    migrated state every time, however many runs (or other modules) wrote before it on this machine. The
    queue too: a run whose workers are not running leaves every wake-up it pushed in Redis, and earlier
    runs' had piled up to hundreds of MB of tasks for rows of databases since dropped.
    """
    import psycopg
    from psycopg import sql as pgsql

    shared = shared or ensure_services(migrate=False)
    with psycopg.connect(shared.database_url, autocommit=True, connect_timeout=10) as conn:
        drop_database(conn, name)
        conn.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))
    redis_url = shared.redis_url if redis_db is None else shared.redis_url.rsplit("/", 1)[0] + f"/{redis_db}"
    if redis_db is not None:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    own = Services(database_url=shared.database_url.rsplit("/", 1)[0] + f"/{name}", redis_url=redis_url)
    run_migrations(own)
    return own


def drop_database(conn: Any, name: str, *, attempts: int = 20, pause: float = 0.5) -> None:
    """Drops database ``name`` if it exists (a bench run's; ``conn`` in autocommit).

    An autovacuum worker may still be tidying its tables: a plain DROP asks it to stop and waits, while
    ``WITH (FORCE)`` refuses to end it (the worker has no role the bench role is a member of). So a plain
    DROP; if a session is connected (a server of an interrupted run, the bench role's own), FORCE; if FORCE
    meets a worker the DROP just asked to stop, again shortly.
    """
    import psycopg
    from psycopg import sql as pgsql

    drop = pgsql.SQL("DROP DATABASE IF EXISTS {}").format(pgsql.Identifier(name))
    for _ in range(attempts):
        try:
            conn.execute(drop)
            return
        except psycopg.errors.ObjectInUse:
            try:
                conn.execute(drop + pgsql.SQL(" WITH (FORCE)"))
                return
            except psycopg.errors.InsufficientPrivilege:
                time.sleep(pause)
    raise BenchError(f"could not drop the bench database: still in use after {attempts} attempts")


def sql(services: Services, statement: str) -> None:
    """Run one statement against the bench database (e.g. TRUNCATE between runs)."""
    import psycopg

    with psycopg.connect(services.database_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def checkpoint() -> None:
    """CHECKPOINT the bench cluster and wait for it (as the postgres superuser, as ``ensure_postgres`` sets
    up the bench database). A measure that starts just after one does not meet another inside its window: PostgreSQL
    starts a checkpoint on its own after about half of max_wal_size of WAL (1 GB by default), and the one
    that the previous measures' writes set off would otherwise land in whichever round runs then, its
    buffer writes and the full-page images after it slowing that round alone."""
    _as_postgres_psql("CHECKPOINT")


def _pg_ready() -> bool:
    if shutil.which("pg_isready"):
        return _run(["pg_isready", "-h", HOST, "-p", str(PG_PORT), "-q"], check=False).returncode == 0
    return _port_open(PG_PORT)


def _redis_ready() -> bool:
    if shutil.which("redis-cli"):
        result = _run(["redis-cli", "-h", HOST, "-p", str(REDIS_PORT), "ping"], check=False)
        return result.returncode == 0 and "PONG" in result.stdout
    return _port_open(REDIS_PORT)


def _pg_version() -> str:
    versions = sorted(
        (p.name for p in Path("/usr/lib/postgresql").glob("*") if p.name.isdigit()),
        key=int,
    )
    return versions[-1] if versions else "15"


def _sudo(user: str | None = None) -> list[str]:
    """Prefix to run a command as ``user`` (or as root when None), whether or not we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", user, "--"] if user else []
    return ["sudo", "-n", "-u", user] if user else ["sudo", "-n"]


def _as_postgres_psql(statement: str, *, tuples_only: bool = False) -> str:
    argv = [*_sudo("postgres"), "psql", "-q", "-v", "ON_ERROR_STOP=1"]
    if tuples_only:
        argv.append("-tA")
    result = _run([*argv, "-c", statement], check=False)
    if result.returncode != 0:
        raise BenchError(f"psql as postgres failed (need root or passwordless sudo):\n{result.stderr}")
    return result.stdout


# --------------------------------------------------------------------------- servers


def server_env(services: Services, **extra: str) -> dict[str, str]:
    """The environment of a production-like server pointed at the bench database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WEB_", "GRANIAN_", "GUNICORN_")) and key not in {"DEBUG", "HUEY_IMMEDIATE"}
    }
    env.update(
        {
            "PRODUCTION": "true",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": services.database_url,
            "REDIS_URL": services.redis_url,
            "LOG_LEVEL": "WARNING",
            "LOG_FORMAT": "json",
            "BENCHMARK_ROUTES": "true",
            # Production wires nothing simulated unless named; the flows pay with the sandbox card processor.
            "SANDBOX_COMPONENTS": "card",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "settings.main",
        }
    )
    env.update(extra)
    return env


@dataclass
class Server:
    kind: str
    workers: int
    threads: int
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self, *, timeout: float = 20) -> None:
        """SIGTERM (the server's graceful stop), then SIGKILL to the group it leads if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        # Workers of a server that died without reaping them share its process group (start_new_session).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


@contextlib.contextmanager
def start_server(
    kind: str,
    *,
    workers: int,
    services: Services,
    threads: int = 8,
    env: dict[str, str] | None = None,
    ready_path: str = "/healthz",
    timeout: float = 60,
) -> Iterator[Server]:
    """Run scripts/serve_prod.py (exactly what production runs) on a free loopback port."""
    if kind not in SERVER_KINDS:
        raise BenchError(f"unknown server kind {kind!r}; one of {sorted(SERVER_KINDS)}")
    web_server, kind_env = SERVER_KINDS[kind]
    port = free_port()
    full_env = server_env(
        services,
        WEB_SERVER=web_server,
        WEB_HOST=HOST,
        PORT=str(port),
        WEB_WORKERS=str(workers),
        WEB_THREADS=str(threads),
        WEB_CHECK_DEPLOY="false",
        **kind_env,
        **(env or {}),
    )
    log_file = tempfile.NamedTemporaryFile(prefix=f"bench-{kind}-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [PYTHON, str(ROOT / "scripts" / "serve_prod.py")],
        cwd=ROOT,
        env=full_env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log_file.close()
    server = Server(kind, workers, threads, port, process, Path(log_file.name))
    try:
        _wait_for_http(server, ready_path, timeout)
        yield server
    finally:
        server.stop()
        with contextlib.suppress(OSError):
            server.log_path.unlink()


def _wait_for_http(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_error = ""
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"{server.kind} exited with {server.process.returncode}:\n{server.log_tail()}")
        request = urllib.request.Request(server.url(path), headers=DEFAULT_HEADERS)
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.2)
    raise BenchError(f"{server.kind} not ready on {path} after {timeout}s ({last_error}):\n{server.log_tail()}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------- wrk


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_s: float
    requests_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    p999_ms: float
    mean_ms: float
    max_ms: float
    errors: dict[str, int]

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def require_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise BenchError("wrk not found: apt-get install wrk")
    return found


def run_wrk(
    url: str,
    *,
    threads: int = 2,
    connections: int = 64,
    duration: float = 20,
    script: str | Path | None = None,
    script_args: Sequence[str] = (),
    headers: dict[str, str] | None = None,
    timeout_s: int = 10,
) -> WrkResult:
    """Run wrk against a loopback URL; ``script`` (a file in benchmarks/lua or a path) may define request()."""
    if not url.startswith((f"http://{HOST}:", "http://localhost:")):
        raise BenchError(f"benchmarks only target {HOST}, not {url}")
    wrk = require_wrk()
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        combined = Path(tmp) / "script.lua"
        parts = []
        if script is not None:
            path = Path(script) if Path(script).is_absolute() else LUA_DIR / script
            parts.append(path.read_text())
        parts.append((LUA_DIR / "report.lua").read_text())
        combined.write_text("\n".join(parts))
        argv = [
            wrk,
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{int(duration)}s",
            "--timeout",
            f"{timeout_s}s",
            "-s",
            str(combined),
        ]
        for name, value in {**DEFAULT_HEADERS, **(headers or {})}.items():
            argv += ["-H", f"{name}: {value}"]
        argv.append(url)
        if script_args:
            argv += ["--", *script_args]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60, check=False)
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return parse_wrk(result.stdout)


def parse_wrk(output: str) -> WrkResult:
    for line in output.splitlines():
        if line.startswith("WRK_RESULT "):
            data = json.loads(line.removeprefix("WRK_RESULT "))
            break
    else:
        raise BenchError(f"no WRK_RESULT line in wrk output:\n{output}")
    duration_s = data["duration_us"] / 1e6
    latency = data["latency_us"]
    return WrkResult(
        requests=data["requests"],
        duration_s=round(duration_s, 2),
        requests_per_s=round(data["requests"] / duration_s, 1) if duration_s else 0.0,
        p50_ms=round(latency["p50"] / 1000, 2),
        p90_ms=round(latency["p90"] / 1000, 2),
        p99_ms=round(latency["p99"] / 1000, 2),
        p999_ms=round(latency["p999"] / 1000, 2),
        mean_ms=round(latency["mean"] / 1000, 2),
        max_ms=round(latency["max"] / 1000, 2),
        errors=data["errors"],
    )


# --------------------------------------------------------------------------- results


@dataclass
class Column:
    key: str
    title: str
    fmt: str = "{}"


@dataclass
class Results:
    name: str
    title: str
    rows: list[dict[str, Any]]
    columns: list[Column]
    notes: list[str] = field(default_factory=list)
    machine: dict[str, Any] = field(default_factory=dict)


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": _memory_gb(),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }
    for package in ("django", "granian", "gunicorn", "psycopg"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            info[package] = version(package)
    with contextlib.suppress(Exception):
        info["wrk"] = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout.split()[1]
    with contextlib.suppress(Exception):
        info["postgresql"] = _pg_version()
    return info


def write_results(results: Results) -> tuple[Path, Path]:
    """``benchmarks/results/<name>.json`` and ``.md``; returns both paths."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    machine = results.machine or machine_info()
    json_path = RESULTS_DIR / f"{results.name}.json"
    md_path = RESULTS_DIR / f"{results.name}.md"
    payload = {
        "name": results.name,
        "title": results.title,
        "machine": machine,
        "notes": results.notes,
        "rows": results.rows,
    }
    json_path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    md_path.write_text(markdown(results, machine))
    return json_path, md_path


def markdown(results: Results, machine: dict[str, Any]) -> str:
    lines = [f"# {results.title}", ""]
    summary = ", ".join(
        f"{key} {machine[key]}"
        for key in ("date", "nproc", "cpu", "memory_gb", "python", "postgresql", "granian", "gunicorn", "wrk")
        if machine.get(key) is not None
    )
    lines += [f"Machine: {summary}.", ""]
    lines.append("| " + " | ".join(c.title for c in results.columns) + " |")
    lines.append("|" + "|".join("---" for _ in results.columns) + "|")
    for row in results.rows:
        cells = [c.fmt.format(row[c.key]) if row.get(c.key) is not None else "" for c in results.columns]
        lines.append("| " + " | ".join(cells) + " |")
    if results.notes:
        lines.append("")
        lines += [f"- {note}" for note in results.notes]
    return "\n".join(lines) + "\n"


def wrk_row(result: WrkResult, **labels: Any) -> dict[str, Any]:
    return {**labels, **asdict(result), "error_count": result.error_count}


WRK_COLUMNS = [
    Column("requests_per_s", "req/s", "{:,.0f}"),
    Column("p50_ms", "p50 ms", "{:.1f}"),
    Column("p90_ms", "p90 ms", "{:.1f}"),
    Column("p99_ms", "p99 ms", "{:.1f}"),
    Column("requests", "requests", "{:,}"),
    Column("error_count", "errors", "{}"),
]


# --------------------------------------------------------------------------- helpers


def _run(
    argv: Sequence[str], *, env: dict[str, str] | None = None, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(argv), cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if check and result.returncode != 0:
        raise BenchError(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def _wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise BenchError(f"{what} not ready after {timeout}s")


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex((HOST, port)) == 0


def _cpu_model() -> str | None:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return None


def _memory_gb() -> float | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None
