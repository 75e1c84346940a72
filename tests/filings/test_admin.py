"""Filings in the bureau admin: read-only and cut to the bureau's region."""

import pytest
from django.test import Client

from filings import services
from tests import factories

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_admin_lists_are_scoped_and_read_only(world):
    services.create_plan(factories.actor(world.sibling_unit_user), factories.plan_data(), [])
    plan = services.create_plan(factories.actor(world.unit_user), factories.plan_data(), [])
    city = _client(world.bureau_user).get("/admin/filings/trainingplan/").content.decode()
    assert "测试设计院" in city and "测试市政公司" in city
    county = _client(world.county_bureau_user)
    html = county.get("/admin/filings/trainingplan/").content.decode()
    assert "测试设计院" in html and "测试市政公司" not in html
    assert county.get("/admin/filings/trainingplan/add/").status_code == 403
    page = county.get(f"/admin/filings/trainingplan/{plan.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    _token = factories.accepted_platform(world)[1]
    credentials = _client(world.bureau_user).get("/admin/filings/platformcredential/").content.decode()
    assert "lp_" in credentials and _token not in credentials
