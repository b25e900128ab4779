"""Development tools (devtools/: provider simulators, benchmark routes) never reach production.

Three proofs: the production image and the wheel do not contain the package; a production start,
with an import hook that refuses ``devtools``, loads the URL map, the API, the container and every
product module without trying to import it; and the same start with development settings does try
(the hook would notice if it were wired in).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.platform.test_live_and_sandbox_production import ROOT, _production_env

SCRIPT = r"""
import importlib, json, os, pkgutil, sys
sys.path[:0] = ["src", "."]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.main")

refused = []


class RefuseDevtools:
    # Any import of devtools, direct or through a dotted path, is recorded and fails.
    def find_spec(self, name, path=None, target=None):
        if name == "devtools" or name.startswith("devtools."):
            refused.append(name)
            raise ImportError(f"{name} is a development tool")
        return None


sys.meta_path.insert(0, RefuseDevtools())

import django
django.setup()
from django.conf import settings
from django.test import Client
from django.urls import get_resolver

errors = []
try:
    get_resolver().url_patterns  # the whole URL map, as the first request loads it
    from entrypoints.bootstrap import container
    container()
    for package in ("domain", "application", "adapters", "entrypoints"):
        root = importlib.import_module(package)
        for found in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            importlib.import_module(found.name)
except ImportError as exc:
    errors.append(str(exc))
c = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")
statuses = {}
if not errors:
    for path in ("/simulators/cashfree/pg/orders", "/simulators/sap/x", "/bench/insert"):
        statuses[path] = c.post(path, {}, content_type="application/json").status_code
print("RESULT " + json.dumps({
    "production": settings.PRODUCTION,
    "refused": sorted(set(refused)),
    "errors": errors,
    "loaded": sorted(m for m in sys.modules if m == "devtools" or m.startswith("devtools.")),
    "statuses": statuses,
}))
"""


def _run(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return result


def test_the_production_image_and_the_wheel_leave_devtools_out() -> None:
    copied = re.findall(r"^COPY\s+(.+?)\s+\S+$", (ROOT / "Dockerfile").read_text(encoding="utf-8"), re.M)
    assert copied, "the Dockerfile copies nothing?"
    assert not [line for line in copied if "devtools" in line or line.split()[0] == "."], copied
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["tool"]["setuptools"]["packages"]["find"]["where"] == ["src"]
    assert not (ROOT / "src" / "devtools").exists()
    assert (ROOT / "devtools" / "__init__.py").exists()


@pytest.mark.redis  # production settings use Redis for the cache and rate limits
@pytest.mark.slow
def test_a_production_start_never_imports_devtools(tmp_path: Path) -> None:
    result = _run(_production_env(tmp_path, BENCHMARK_ROUTES="false"))
    assert result["production"] is True
    assert (result["refused"], result["errors"], result["loaded"]) == ([], [], [])
    assert set(result["statuses"].values()) == {404}, result["statuses"]


@pytest.mark.slow
def test_a_development_start_mounts_devtools_so_the_hook_would_see_it(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    env.update(PRODUCTION="false", DEBUG="true", SANDBOX_COMPONENTS="card,cashfree,sslcommerz,payouts,sap")
    result = _run(env)
    assert result["production"] is False
    assert "devtools" in result["refused"]
    assert result["errors"], result
