"""The back office (Django admin) shows distributors, their history and sync records, read-only."""

from __future__ import annotations

import pytest
from django.test import Client

from adapters.django_orm.identity.models import User
from tests.distributor_data import distributor_body
from tests.helpers import admin_token, bearer, post

pytestmark = pytest.mark.django_db


def test_admin_pages_render(http):
    headers = bearer(admin_token(http))
    distributor = post(http, "/api/v1/distributors", distributor_body(), **headers).json()
    post(http, f"/api/v1/distributors/{distributor['id']}/approve", None, **headers)
    staff = Client()
    staff.force_login(User.objects.filter(role="admin").first())
    for url in (
        "/admin/distributors/distributor/",
        f"/admin/distributors/distributor/{distributor['id']}/change/",
        "/admin/erp/erpsyncrecord/",
        "/admin/distributors/distributorstatuschange/",
    ):
        assert staff.get(url).status_code == 200, url
