"""Each statistic strictly within the actor's scope: a unit sees only its staff, a county
bureau only its region, an authority only its units; another scope's id is a 404 (pages,
exports and API alike), a person or base a 403."""

import pytest
from django.test import Client

from core.errors import Forbidden, NotFound
from supervision import selectors
from tests import factories
from tests.supervision import scenario

pytestmark = pytest.mark.django_db

KEYS = ["completion", "hours", "reviews", "filings", "plans"]


@pytest.fixture
def year(world, today):
    return scenario.build(world, today)


def labels(stat):
    return {r.label for r in stat.tables[0].rows}


def test_a_unit_sees_only_its_staff(world, year):
    unit = factories.actor(world.unit_user)
    stat = selectors.completion(unit, 2026, by="unit")
    assert labels(stat) == {"测试设计院"}
    assert stat.tables[0].totals["confirmed"] == 2  # 张三, 王五; 钱七 waits
    hours = selectors.hours(unit, 2026).table("by_source").totals
    assert hours["records"] == 4  # 张三 platform, attendance, declaration; 王五 platform
    orgs = {r.label for r in selectors.reviews(unit, 2026).table("by_organisation").rows}
    assert orgs == {"测试设计院"}


def test_a_county_bureau_sees_only_its_region(world, year):
    county = factories.actor(world.county_bureau_user)
    stat = selectors.completion(county, 2026, by="unit")
    assert labels(stat) == {"测试设计院", "测试医院"}
    assert "测试市政公司" not in {r.label for r in selectors.filings(county, 2026).table("missing").rows}


def test_an_authority_sees_only_its_units(world, year):
    authority = factories.actor(world.authority_user)
    assert labels(selectors.completion(authority, 2026, by="unit")) == {"测试设计院", "测试市政公司"}
    orgs = {r.label for r in selectors.reviews(authority, 2026).table("by_organisation").rows}
    assert "测试医院" not in orgs and "测试卫健委" not in orgs


@pytest.mark.parametrize(
    "who, narrow",
    [
        ("unit_user", {"unit": "other_unit"}),
        ("unit_user", {"region": "411282"}),
        ("county_bureau_user", {"unit": "sibling_unit"}),
        ("county_bureau_user", {"region": "411282"}),
        ("authority_user", {"unit": "other_unit"}),
        ("authority_user", {"authority": "other_authority"}),
    ],
)
def test_another_scopes_id_is_not_found(world, year, who, narrow, api_as):
    from organisations.models import Region

    params = {}
    for name, value in narrow.items():
        params[name] = Region.objects.get(code=value).pk if name == "region" else getattr(world, value).pk
    actor = factories.actor(getattr(world, who))
    for key in KEYS:
        with pytest.raises(NotFound):
            selectors.statistic(actor, key, 2026, **params)
    client = Client()
    client.force_login(getattr(world, who))
    assert client.get("/statistics/completion/", {"year": 2026, **params}).status_code == 404
    assert client.get("/statistics/hours.xlsx", {"year": 2026, **params}).status_code == 404
    answer = api_as(getattr(world, who)).get("statistics/completion", year=2026, **params)
    assert answer.status_code == 404
    assert answer.json()["detail"]


def test_the_scope_narrows_within_itself(world, year):
    bureau = factories.actor(world.bureau_user)
    stat = selectors.completion(bureau, 2026, by="unit", authority=world.authority.pk)
    assert labels(stat) == {"测试设计院", "测试市政公司"}
    county = factories.actor(world.county_bureau_user)
    assert labels(selectors.completion(county, 2026, by="unit", unit=world.other_unit.pk)) == {"测试医院"}


def test_people_and_bases_have_no_statistics(world, year, api_as):
    for user, role in ((world.person.user, "person"), (world.base_user, "base")):
        with pytest.raises(Forbidden):
            selectors.completion(factories.actor(user, role), 2026)
        client = Client()
        client.force_login(user)
        assert client.get("/statistics/").status_code == 403
        assert api_as(user, role).get("statistics/hours").status_code == 403
    with pytest.raises(Forbidden):
        selectors.sampling(factories.actor(world.unit_user), 2026)
