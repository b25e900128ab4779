"""The set-up promises: createsuperuser makes an admin, demo data is idempotent, deploy checks pass."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_createsuperuser_noinput_creates_an_admin(monkeypatch):
    from adapters.django_orm.identity.models import User

    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Root@Example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-passphrase-42")
    call_command("createsuperuser", "--noinput", stdout=StringIO())
    user = User.objects.get(email="root@example.com")
    assert user.role == "admin"
    assert user.is_staff
    assert user.is_superuser


@pytest.mark.django_db
def test_demo_data_can_be_loaded_twice_and_its_key_works(http):
    first, second = StringIO(), StringIO()
    call_command("load_demo_data", stdout=first)
    call_command("load_demo_data", stdout=second)
    assert "already there" in second.getvalue()
    key = next(line.split(": ")[1].strip() for line in second.getvalue().splitlines() if "API key" in line)
    me = http.get("/api/v1/auth/me", headers={"X-API-Key": key})
    assert me.json()["email"] == "merchant@partnerpay.local"


@pytest.mark.django_db
def test_admin_site_is_staff_only(http):
    from tests.helpers import register

    customer = register(http, "customer")
    http.login(username=customer["user"]["email"], password="a-long-enough-passphrase-42")
    response = http.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "PRODUCTION": "true",
        "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-check-only-0123456789",
        "ALLOWED_HOSTS": "api.example.com",
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1",  # checked, not connected
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {"PRODUCTION": "true"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_redis():
    """Limits and queues must be shared: without Redis each process would enforce its own."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | {
        "PRODUCTION": "true",
        "SECRET_KEY": "x" * 60,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "REDIS_URL must be set" in result.stderr
