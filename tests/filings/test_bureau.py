"""Who a filing is filed with (notice §三: units and bases file with the 市人社局): every filing
carries the bureau it is addressed to — the city-level bureau over the filer's region, or for a
filer above city level (the 48 provincial bases, region 410000) the home city bureau of this
installation (`CE_HOME_REGION`). Only that bureau (or the province bureau over it) accepts,
returns, records exceptions and manages keys; county bureaus read their region's filings and
every decision of theirs is a 403."""

import importlib

import pytest
from django.apps import apps
from django.test import override_settings

from core.actors import Role
from core.errors import DomainError
from filings import selectors, services
from filings.models import FilingState, PlatformFiling, TrainingPlan
from organisations.models import Organisation, Region
from tests import factories
from tests.factories import in_time, plan_data, plan_input, plan_item_data, platform_data, platform_input

pytestmark = pytest.mark.django_db

PROVINCIAL_BASE = "三门峡职业技术学院"  # attachment 1, no. 37: region 410000 (province)


@pytest.fixture
def provincial(world):
    """A provincial base and its operator."""
    base = Organisation.objects.get(kind=Organisation.Kind.BASE, name=PROVINCIAL_BASE)
    assert base.region.level == Region.Level.PROVINCE
    return base, factories.staff(Role.BASE, base)


@pytest.fixture
def province_bureau_user(world):
    bureau = Organisation.objects.get(kind=Organisation.Kind.BUREAU, region__code="410000")
    return factories.staff(Role.BUREAU, bureau)


def _county_base(world):
    """A base in 湖滨区 (the county bureau's region) with its operator."""
    base = factories.organisation(
        Organisation.Kind.BASE, "湖滨区职业培训学校", region=factories.region("411202")
    )
    return base, factories.staff(Role.BASE, base)


def _submitted_plan(user, year=2025):
    actor = factories.actor(user)
    plan = services.create_plan(actor, plan=plan_input(plan_data(year), [plan_item_data()]))
    return services.submit_plan(actor, plan_id=plan.pk, now=in_time(year))


def _submitted_platform(user, **fields):
    actor = factories.actor(user)
    filing = services.create_platform_filing(actor, filing=platform_input(platform_data(**fields)))
    return services.submit_platform_filing(actor, filing_id=filing.pk, now=in_time(2025))


# --- the bureau a filing is addressed to ------------------------------------------------------


def test_each_filing_is_addressed_to_the_city_bureau_over_its_filer(world, provincial):
    _base, base_user = provincial
    unit_plan = services.create_plan(
        factories.actor(world.unit_user), plan=plan_input(plan_data(), [])
    )  # 湖滨区
    sibling_plan = services.create_plan(
        factories.actor(world.sibling_unit_user), plan=plan_input(plan_data(), [])
    )  # 灵宝市
    authority_plan = services.create_plan(
        factories.actor(world.authority_user), plan=plan_input(plan_data(), [])
    )  # 三门峡市
    provincial_plan = services.create_plan(
        factories.actor(base_user), plan=plan_input(plan_data(), [])
    )  # 河南省
    platform = services.create_platform_filing(
        factories.actor(base_user), filing=platform_input(platform_data())
    )
    for filing in (unit_plan, sibling_plan, authority_plan, provincial_plan, platform):
        assert filing.bureau == world.bureau, filing
    assert TrainingPlan.objects.get(pk=unit_plan.pk).bureau_id == world.bureau.pk


def test_ce_home_region_names_the_bureau_of_filers_above_city_level(world, provincial):
    _base, base_user = provincial
    province = Region.objects.get(code="410000")
    luoyang = Region.objects.create(code="410300", name="洛阳市", level=Region.Level.CITY, parent=province)
    luoyang_bureau = factories.organisation(
        Organisation.Kind.BUREAU, "洛阳市人力资源和社会保障局", region=luoyang
    )
    with override_settings(CE_HOME_REGION="410300"):
        plan = services.create_plan(factories.actor(base_user), plan=plan_input(plan_data(), []))
    assert plan.bureau == luoyang_bureau
    # a unit of 三门峡 still files with its own city bureau
    with override_settings(CE_HOME_REGION="410300"):
        plan = services.create_plan(factories.actor(world.unit_user), plan=plan_input(plan_data(), []))
    assert plan.bureau == world.bureau


def test_a_filer_without_a_city_bureau_is_told_so(world):
    province = Region.objects.get(code="410000")
    nanyang = Region.objects.create(code="411300", name="南阳市", level=Region.Level.CITY, parent=province)
    unit = factories.organisation(Organisation.Kind.UNIT, "南阳某单位", region=nanyang)
    with pytest.raises(DomainError) as caught:
        services.create_plan(
            factories.actor(factories.staff(Role.UNIT, unit)), plan=plan_input(plan_data(), [])
        )
    assert "人社局" in caught.value.detail


# --- provincial bases reach the city bureau -----------------------------------------------------


def test_provincial_base_plan_reaches_the_city_bureau_inbox_and_is_accepted(world, provincial, api_as):
    _base, base_user = provincial
    plan = _submitted_plan(base_user)
    assert plan.state == FilingState.SUBMITTED  # no supervising authority: straight to the bureau
    bureau = api_as(world.bureau_user)
    inbox = bureau.get("filings/inbox").json()
    assert ("plan", plan.pk) in {(row["kind"], row["id"]) for row in inbox["items"]}
    detail = bureau.get(f"filings/plans/{plan.pk}")
    assert detail.status_code == 200 and detail.json()["bureau"]["id"] == world.bureau.pk
    assert plan.pk in {p["id"] for p in bureau.get("filings/plans").json()["items"]}
    r = bureau.post(f"filings/plans/{plan.pk}/accept")
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    # the class can then be reported on by the base and read by the bureau
    item = TrainingPlan.objects.get(pk=plan.pk).items.get()
    assert selectors.get_plan_item(factories.actor(world.bureau_user), item.pk) == item
    # the county bureau (湖滨区) neither sees nor decides it
    county = api_as(world.county_bureau_user)
    assert county.get(f"filings/plans/{plan.pk}").status_code == 404


def test_provincial_base_platform_is_accepted_and_its_keys_managed_by_the_city_bureau(
    world, provincial, api_as
):
    _base, base_user = provincial
    filing = _submitted_platform(base_user)
    bureau = api_as(world.bureau_user)
    r = bureau.post(f"filings/platforms/{filing.pk}/accept")
    assert r.status_code == 200 and r.json()["token"].startswith("lp_")
    assert bureau.get(f"filings/platforms/{filing.pk}/credentials").status_code == 200
    r = bureau.post(f"filings/platforms/{filing.pk}/credentials/rotate")
    assert r.status_code == 201


def test_the_city_bureau_records_exceptions_and_lists_late_filings_of_provincial_bases(
    world, provincial, api_as
):
    base, base_user = provincial
    bureau = api_as(world.bureau_user)
    r = bureau.post(
        "filings/exceptions",
        {"organisation_id": base.pk, "year": 2025, "kind": "plan", "reason": "省级基地材料延误"},
    )
    assert r.status_code == 201, r.json()
    assert [e["organisation"]["id"] for e in bureau.get("filings/exceptions", year=2025).json()] == [base.pk]
    actor = factories.actor(base_user)
    plan = services.create_plan(actor, plan=plan_input(plan_data(), [plan_item_data()]))
    import datetime as dt

    from core.dates import SHANGHAI

    services.submit_plan(actor, plan_id=plan.pk, now=dt.datetime(2025, 10, 8, 9, 0, tzinfo=SHANGHAI))
    result = bureau.get("filings/late-missing", year=2025).json()
    assert [(r["kind"], r["id"]) for r in result["late"]] == [("plan", plan.pk)]
    assert base.pk in {e["organisation"]["id"] for e in result["exceptions"]}
    # "missing" stays about the units and bases of the bureau's own region
    assert base.pk not in {m["id"] for m in result["missing"]}
    # the exceptions page offers the provincial base
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(world.bureau_user)
    assert PROVINCIAL_BASE in client.get(reverse("filings:exceptions")).content.decode()


# --- county bureaus read, never decide ------------------------------------------------------------


def test_county_bureau_reads_its_region_but_every_decision_is_forbidden(world, api_as):
    plan = _submitted_plan(world.unit_user)
    services.give_opinion(
        factories.actor(world.authority_user), kind="plan", filing_id=plan.pk, opinion="同意"
    )
    county = api_as(world.county_bureau_user)
    assert county.get(f"filings/plans/{plan.pk}").status_code == 200  # 湖滨区 unit: supervision
    assert plan.pk in {row["id"] for row in county.get("filings/inbox").json()["items"]}
    assert county.post(f"filings/plans/{plan.pk}/accept").status_code == 403
    assert county.post(f"filings/plans/{plan.pk}/return", {"reason": "请补充材料"}).status_code == 403
    r = county.post(
        "filings/exceptions",
        {"organisation_id": world.unit.pk, "year": 2025, "kind": "plan", "reason": "原因说明"},
    )
    assert r.status_code == 403
    assert TrainingPlan.objects.get(pk=plan.pk).state == FilingState.SUBMITTED
    # the city bureau decides
    assert api_as(world.bureau_user).post(f"filings/plans/{plan.pk}/accept").status_code == 200


def test_county_bureau_cannot_accept_a_platform_nor_manage_its_keys(world, api_as):
    _base, base_user = _county_base(world)
    filing = _submitted_platform(base_user)
    county = api_as(world.county_bureau_user)
    assert county.get(f"filings/platforms/{filing.pk}").status_code == 200
    assert county.post(f"filings/platforms/{filing.pk}/accept").status_code == 403
    assert api_as(world.bureau_user).post(f"filings/platforms/{filing.pk}/accept").status_code == 200
    assert county.post(f"filings/platforms/{filing.pk}/credentials/rotate").status_code == 403
    credential = PlatformFiling.objects.get(pk=filing.pk).credentials.get()
    assert county.post(f"filings/credentials/{credential.pk}/revoke").status_code == 403
    credential.refresh_from_db()
    assert credential.revoked_at is None


def test_county_bureau_pages_offer_no_decision(world):
    from django.test import Client
    from django.urls import reverse

    plan = _submitted_plan(world.unit_user)
    services.give_opinion(
        factories.actor(world.authority_user), kind="plan", filing_id=plan.pk, opinion="同意"
    )
    client = Client()
    client.force_login(world.county_bureau_user)
    html = client.get(reverse("filings:plan_detail", args=[plan.pk])).content.decode()
    assert "同意备案" not in html
    r = client.post(reverse("filings:decide", args=["plan", plan.pk]), {"decision": "accept"})
    assert r.status_code == 403
    assert "登记特批" not in client.get(reverse("filings:exceptions")).content.decode()
    city = Client()
    city.force_login(world.bureau_user)
    assert "同意备案" in city.get(reverse("filings:plan_detail", args=[plan.pk])).content.decode()


# --- another city's bureau, the province ------------------------------------------------------------


def test_another_city_bureau_cannot_reach_our_filings_and_the_province_may_act(
    world, province_bureau_user, api_as
):
    province = Region.objects.get(code="410000")
    luoyang = Region.objects.create(code="410300", name="洛阳市", level=Region.Level.CITY, parent=province)
    luoyang_bureau = factories.organisation(
        Organisation.Kind.BUREAU, "洛阳市人力资源和社会保障局", region=luoyang
    )
    plan = _submitted_plan(world.authority_user)  # an authority's own plan: straight to the bureau
    other_city = api_as(factories.staff(Role.BUREAU, luoyang_bureau))
    assert other_city.get(f"filings/plans/{plan.pk}").status_code == 404
    assert other_city.post(f"filings/plans/{plan.pk}/accept").status_code == 404
    assert other_city.get("filings/inbox").json()["count"] == 0
    province_api = api_as(province_bureau_user)
    assert plan.pk in {row["id"] for row in province_api.get("filings/inbox").json()["items"]}
    assert province_api.post(f"filings/plans/{plan.pk}/accept").status_code == 200


# --- the data migration ------------------------------------------------------------------------------


def test_migration_addresses_existing_filings(world, provincial):
    _base, base_user = provincial
    unit_plan = services.create_plan(factories.actor(world.unit_user), plan=plan_input(plan_data(), []))
    provincial_plan = services.create_plan(factories.actor(base_user), plan=plan_input(plan_data(), []))
    platform = services.create_platform_filing(
        factories.actor(base_user), filing=platform_input(platform_data())
    )
    TrainingPlan.objects.update(bureau=None)
    PlatformFiling.objects.update(bureau=None)
    migration = importlib.import_module("filings.migrations.0004_address_filings")
    migration.address_filings(apps, None)
    for model, pk in (
        (TrainingPlan, unit_plan.pk),
        (TrainingPlan, provincial_plan.pk),
        (PlatformFiling, platform.pk),
    ):
        assert model.objects.get(pk=pk).bureau_id == world.bureau.pk
