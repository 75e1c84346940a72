"""Filings in the bureau admin: read-only and cut to the bureau's region."""

import pytest
from django.test import Client

from filings import services
from tests import factories
from tests.factories import plan_input, platform_input

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_admin_lists_are_scoped_and_read_only(world):
    services.create_plan(factories.actor(world.sibling_unit_user), plan=plan_input(factories.plan_data(), []))
    plan = services.create_plan(factories.actor(world.unit_user), plan=plan_input(factories.plan_data(), []))
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


def test_admin_shows_the_city_bureau_the_filings_filed_with_it(world):
    from core.actors import Role
    from organisations.models import Organisation

    base = Organisation.objects.get(kind=Organisation.Kind.BASE, name="三门峡职业技术学院")  # region 410000
    operator = factories.actor(factories.staff(Role.BASE, base))
    services.create_plan(operator, plan=plan_input(factories.plan_data(), []))
    filing = services.create_platform_filing(operator, filing=platform_input(factories.platform_data()))
    services.submit_platform_filing(operator, filing_id=filing.pk, now=factories.in_time(2025))
    token = services.accept_platform_filing(factories.actor(world.bureau_user), filing_id=filing.pk)[1]
    city = _client(world.bureau_user)
    for model in ("trainingplan", "platformfiling"):
        assert "三门峡职业技术学院" in city.get(f"/admin/filings/{model}/").content.decode(), model
    assert token[:10] in city.get("/admin/filings/platformcredential/").content.decode()
    county = _client(world.county_bureau_user)
    assert "三门峡职业技术学院" not in county.get("/admin/filings/trainingplan/").content.decode()
    assert token[:10] not in county.get("/admin/filings/platformcredential/").content.decode()
