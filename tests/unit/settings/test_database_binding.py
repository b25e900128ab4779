"""DB_SERVER_SIDE_BINDING and DB_PREPARE_THRESHOLD reach Django's DATABASES as settings/main.py boots.

settings.main is read once per process, so each case boots it in a fresh interpreter with the
environment under test (the same way a server start reads it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
POSTGRES_URL = "postgres://partnerpay:secret@db.invalid:5432/partnerpay"
READ_OPTIONS = (
    "import json, settings.main as s; d = s.DATABASES['default']; "
    "print(json.dumps({'OPTIONS': d.get('OPTIONS', {}), 'CONN_MAX_AGE': d['CONN_MAX_AGE']}))"
)


def _boot(**env: str) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DB_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{ROOT}", **env)
    result = subprocess.run(
        [sys.executable, "-c", READ_OPTIONS], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_binds_server_side_and_prepares_by_default():
    booted = _boot(DATABASE_URL=POSTGRES_URL)
    assert booted["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}
    assert booted["CONN_MAX_AGE"] == 60


def test_binding_on_prepares_after_five_executions():
    booted = _boot(DATABASE_URL=POSTGRES_URL, DB_SERVER_SIDE_BINDING="true")
    assert booted["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}


def test_binding_off_leaves_psycopg_rendering_parameters_client_side():
    booted = _boot(DATABASE_URL=POSTGRES_URL, DB_SERVER_SIDE_BINDING="false", DB_PREPARE_THRESHOLD="2")
    assert booted["OPTIONS"] == {}


@pytest.mark.parametrize(("raw", "threshold"), [("off", None), ("2", 2), ("0", 0)])
def test_prepare_threshold_is_tunable_or_off(raw, threshold):
    # Off keeps server-side binding (unnamed statements, fine behind any pooler) without named prepares.
    booted = _boot(DATABASE_URL=POSTGRES_URL, DB_SERVER_SIDE_BINDING="true", DB_PREPARE_THRESHOLD=raw)
    assert booted["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": threshold}


def test_sqlite_is_untouched(tmp_path):
    booted = _boot(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DB_SERVER_SIDE_BINDING="true")
    assert "server_side_binding" not in booted["OPTIONS"]
    assert "prepare_threshold" not in booted["OPTIONS"]
