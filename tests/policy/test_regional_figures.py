"""A city's own figures in a province install: where the year's policy allows, a city bureau sets
its region's plan-filing deadline and review limit; the province's apply elsewhere, and the review
clock (the person's region) and the filing deadline (the filer's region) read them."""

import datetime as dt

import pytest
from django.test import Client, override_settings

from audit.models import AuditEntry
from core.actors import SYSTEM, Role
from core.errors import DomainError, Forbidden, NotFound
from credits.models import Review
from filings import rules as filing_rules
from filings import services as filing_services
from organisations.models import Organisation, Region
from organisations.services import load_province
from policy import selectors, services
from policy.models import PolicyYear, RegionalFigures
from policy.services import ensure_policy_year, policy_year_edited
from tests import factories
from tests.credits.helpers import declare
from tests.factories import plan_input

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
D = dt.date
YEAR = 2026


@pytest.fixture
def province(world):
    """The world's Sanmenxia in a province install with every Henan city; a Luoyang unit with
    a confirmed person; bureau staff of the province, Sanmenxia (the world's) and Luoyang."""
    load_province(SYSTEM, key="henan")
    with override_settings(CE_HOME_REGION="410000"):
        luoyang = Region.objects.get(code="410300")
        authority = factories.organisation(
            Organisation.Kind.AUTHORITY, "洛阳市住房和城乡建设局", region=luoyang
        )
        unit = factories.unit(authority, "洛阳某设计院", region_code="410305")
        yield {
            "luoyang": luoyang,
            "sanmenxia": Region.objects.get(code="411200"),
            "luoyang_unit": unit,
            "luoyang_unit_user": factories.staff(Role.UNIT, unit),
            "luoyang_authority_user": factories.staff(Role.AUTHORITY, authority),
            "luoyang_person": factories.person(unit, name="王五"),
            "province_user": factories.staff(Role.BUREAU, _bureau("410000")),
            "luoyang_user": factories.staff(Role.BUREAU, _bureau("410300")),
        }


def _bureau(code):
    return Organisation.objects.get(kind=Organisation.Kind.BUREAU, region__code=code)


def _allow(**flags):
    PolicyYear.objects.filter(year=YEAR).update(**flags)


def _sanmenxia_sets(world, **figures):
    return services.set_regional_figures(
        factories.actor(world.bureau_user),
        year=YEAR,
        region_id=Region.objects.get(code="411200").pk,
        figures=services.RegionalFiguresInput(**figures),
    )


def test_the_province_figures_apply_where_no_city_set_its_own(world, province):
    figures = selectors.figures_for(province["luoyang"], YEAR)
    assert (figures.plan_filing_deadline, figures.review_sla_working_days) == (D(2026, 9, 15), 5)
    assert figures.set_by == {}
    assert selectors.figures_for(None, YEAR) == figures


def test_a_city_figure_reaches_its_counties_and_zones_and_no_other_city(world, province):
    _allow(cities_set_plan_filing_deadline=True, cities_set_review_sla=True)
    _sanmenxia_sets(world, plan_filing_deadline=D(2026, 9, 30), review_sla_working_days=3)
    for code in ("411200", "411202", "411282", "411200Z1"):
        figures = selectors.figures_for(Region.objects.get(code=code), YEAR)
        assert (figures.plan_filing_deadline, figures.review_sla_working_days) == (D(2026, 9, 30), 3), code
        assert figures.set_by["review_sla_working_days"].code == "411200"
    for code in ("410300", "410305", "410000"):
        figures = selectors.figures_for(Region.objects.get(code=code).pk, YEAR)
        assert (figures.plan_filing_deadline, figures.review_sla_working_days) == (D(2026, 9, 15), 5), code
    # another year has no city figures
    assert selectors.figures_for(province["sanmenxia"], 2025).review_sla_working_days == 5


def test_a_city_cannot_set_what_the_province_does_not_allow(world, province):
    _allow(cities_set_review_sla=True)  # the deadline stays the province's
    with pytest.raises(DomainError) as refused:
        _sanmenxia_sets(world, plan_filing_deadline=D(2026, 9, 30), review_sla_working_days=3)
    assert refused.value.errors[0]["field"] == "plan_filing_deadline"
    assert "省人社厅统一规定" in refused.value.errors[0]["message"]
    assert not RegionalFigures.objects.exists()  # nothing half-written
    row = _sanmenxia_sets(world, review_sla_working_days=3)
    assert row.plan_filing_deadline is None
    # the province withdraws the permission: the city's figure stays stored but no longer applies
    _allow(cities_set_review_sla=False)
    assert selectors.figures_for(province["sanmenxia"], YEAR).review_sla_working_days == 5
    with pytest.raises(DomainError):
        _sanmenxia_sets(world, review_sla_working_days=4)
    # clearing is always allowed
    assert _sanmenxia_sets(world, review_sla_working_days=None).review_sla_working_days is None


def test_bad_figures_are_named(world, province):
    _allow(cities_set_plan_filing_deadline=True, cities_set_review_sla=True)
    with pytest.raises(DomainError) as refused:
        _sanmenxia_sets(world, plan_filing_deadline=D(2027, 1, 10), review_sla_working_days=0)
    assert [e["field"] for e in refused.value.errors] == ["plan_filing_deadline", "review_sla_working_days"]
    assert not RegionalFigures.objects.exists()


def test_setting_is_scoped_and_audited(world, province):
    _allow(cities_set_review_sla=True)
    luoyang_actor = factories.actor(province["luoyang_user"])
    with pytest.raises(NotFound):  # another city
        services.set_regional_figures(
            luoyang_actor,
            year=YEAR,
            region_id=province["sanmenxia"].pk,
            figures=services.RegionalFiguresInput(review_sla_working_days=3),
        )
    with pytest.raises(NotFound):  # a county bureau governs no city
        services.set_regional_figures(
            factories.actor(world.county_bureau_user),
            year=YEAR,
            region_id=province["sanmenxia"].pk,
            figures=services.RegionalFiguresInput(review_sla_working_days=3),
        )
    with pytest.raises(Forbidden):  # the province reads the cities' figures, it does not set them
        services.set_regional_figures(
            factories.actor(province["province_user"]),
            year=YEAR,
            region_id=province["sanmenxia"].pk,
            figures=services.RegionalFiguresInput(review_sla_working_days=3),
        )
    assert not RegionalFigures.objects.exists()
    row = services.set_regional_figures(
        luoyang_actor,
        year=YEAR,
        region_id=province["luoyang"].pk,
        figures=services.RegionalFiguresInput(review_sla_working_days=7),
    )
    entry = AuditEntry.objects.get(action="policy.regional_figures_set")
    assert entry.target_id == str(row.pk) and entry.actor == province["luoyang_user"]
    assert entry.before is None and entry.after["review_sla_working_days"] == 7
    # the same figures again change nothing and write no entry
    services.set_regional_figures(
        luoyang_actor,
        year=YEAR,
        region_id=province["luoyang"].pk,
        figures=services.RegionalFiguresInput(review_sla_working_days=7),
    )
    assert AuditEntry.objects.filter(action="policy.regional_figures_set").count() == 1


def _unit_review(declaration):
    return Review.objects.get(declaration=declaration, level="unit")


def test_the_review_clock_reads_the_persons_city(world, province, today):
    _allow(cities_set_review_sla=True)
    _sanmenxia_sets(world, review_sla_working_days=3)
    today.set(2026, 11, 16, 10, 0)  # Monday
    in_sanmenxia = declare(world.person)
    in_luoyang = declare(province["luoyang_person"])
    assert _unit_review(in_sanmenxia).due_on == D(2026, 11, 19)  # 3 working days
    assert _unit_review(in_luoyang).due_on == D(2026, 11, 23)  # the province's 5
    # the authority level of the Sanmenxia person runs on Sanmenxia's limit too
    from credits import services as credit_services

    credit_services.review_declaration(
        factories.actor(world.unit_user), declaration_id=in_sanmenxia.pk, decision="approve"
    )
    assert Review.objects.get(declaration=in_sanmenxia, level="authority").due_on == D(2026, 11, 19)


def test_open_reviews_follow_when_a_city_or_the_province_changes_the_limit(
    world, province, today, django_capture_on_commit_callbacks
):
    today.set(2026, 11, 16, 10, 0)
    in_sanmenxia = _unit_review(declare(world.person))
    in_luoyang = _unit_review(declare(province["luoyang_person"]))
    assert in_sanmenxia.due_on == in_luoyang.due_on == D(2026, 11, 23)
    _allow(cities_set_review_sla=True)
    with django_capture_on_commit_callbacks(execute=True):
        _sanmenxia_sets(world, review_sla_working_days=3)
    in_sanmenxia.refresh_from_db()
    in_luoyang.refresh_from_db()
    assert (in_sanmenxia.due_on, in_luoyang.due_on) == (D(2026, 11, 19), D(2026, 11, 23))
    assert AuditEntry.objects.filter(action="review.due_recomputed").count() == 1
    # the province withdraws the permission: Sanmenxia's open reviews are back on its limit
    policy = PolicyYear.objects.get(year=YEAR)
    policy.cities_set_review_sla = False
    policy.save()
    with django_capture_on_commit_callbacks(execute=True):
        policy_year_edited(
            factories.actor(province["province_user"]), year=policy.year, changed=["cities_set_review_sla"]
        )
    in_sanmenxia.refresh_from_db()
    assert in_sanmenxia.due_on == D(2026, 11, 23)


def _plan(user, year=YEAR):
    who = factories.actor(user)
    return who, filing_services.create_plan(
        who,
        plan=plan_input(
            factories.plan_data(year), [factories.plan_item_data(starts_on=D(year, 10, 20), hours=24)]
        ),
    )


@pytest.mark.parametrize(
    ("moment", "sanmenxia_ok", "luoyang_ok"),
    [
        ((2026, 9, 15, 23, 59, 59), True, True),
        ((2026, 9, 16, 0, 0, 0), True, False),
        ((2026, 9, 30, 23, 59, 59), True, False),
        ((2026, 10, 1, 0, 0, 0), False, False),
    ],
)
def test_the_plan_filing_deadline_is_the_filers_city(
    world, province, today, moment, sanmenxia_ok, luoyang_ok
):
    _allow(cities_set_plan_filing_deadline=True)
    _sanmenxia_sets(world, plan_filing_deadline=D(2026, 9, 30))
    today.set(2026, 9, 1, 10, 0)
    filers = [
        (world.unit_user, sanmenxia_ok, "2026-09-30"),
        (province["luoyang_unit_user"], luoyang_ok, "2026-09-15"),
    ]
    plans = [(*_plan(user), ok, deadline) for user, ok, deadline in filers]
    today.set(*moment)  # Asia/Shanghai
    for who, plan, ok, deadline in plans:
        if ok:
            assert filing_services.submit_plan(who, plan_id=plan.pk).submitted_at is not None
        else:
            with pytest.raises(DomainError) as refused:
                filing_services.submit_plan(who, plan_id=plan.pk)
            assert deadline in refused.value.detail and "已逾期" in refused.value.detail


def test_filers_above_city_level_take_the_deadline_of_the_bureau_they_file_with(world, province):
    _allow(cities_set_plan_filing_deadline=True)
    _sanmenxia_sets(world, plan_filing_deadline=D(2026, 9, 30))
    provincial = Organisation.objects.filter(kind=Organisation.Kind.BASE, region__code="410000").first()
    # a province install: provincial bases file with the province bureau, on the province's date
    assert filing_rules.plan_filing_deadline(provincial, YEAR) == D(2026, 9, 15)
    # a Sanmenxia install: they file with Sanmenxia's bureau, on Sanmenxia's date
    with override_settings(CE_HOME_REGION="411200"):
        assert filing_rules.plan_filing_deadline(provincial, YEAR) == D(2026, 9, 30)
    assert filing_rules.plan_filing_deadline(world.base, YEAR) == D(2026, 9, 30)


def test_only_the_province_edits_the_years_rules_in_a_province_install(world, province):
    assert selectors.may_edit_policy(factories.actor(province["province_user"]))
    assert not selectors.may_edit_policy(factories.actor(world.bureau_user))
    assert selectors.may_set_regional_figures(factories.actor(world.bureau_user))
    ensure_policy_year(SYSTEM, year=2027)
    with pytest.raises(Forbidden):
        services.confirm_policy_year(factories.actor(world.bureau_user), year=2027)
    client = Client()
    client.force_login(world.bureau_user)
    world.bureau_user.is_staff = True
    world.bureau_user.save(update_fields=["is_staff"])
    response = client.post(f"/admin/policy/policyyear/{YEAR}/change/", {"review_sla_working_days": 9})
    assert response.status_code == 403
    assert PolicyYear.objects.get(year=YEAR).review_sla_working_days == 5
    # a city install: the city bureau sets the rules as before
    with override_settings(CE_HOME_REGION="411200"):
        assert selectors.may_edit_policy(factories.actor(world.bureau_user))
        assert not selectors.may_edit_policy(factories.actor(province["luoyang_user"]))


def test_carrying_a_year_forward_keeps_the_permissions_and_the_cities_figures(world, province):
    _allow(cities_set_plan_filing_deadline=True, cities_set_review_sla=True)
    _sanmenxia_sets(world, plan_filing_deadline=D(2026, 9, 30), review_sla_working_days=3)
    policy = ensure_policy_year(SYSTEM, year=2027)
    assert policy.cities_set_plan_filing_deadline and policy.cities_set_review_sla
    figures = selectors.figures_for(province["sanmenxia"], 2027)
    assert (figures.plan_filing_deadline, figures.review_sla_working_days) == (D(2027, 9, 30), 3)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_city_page_sets_its_own_figures_and_is_404_for_other_cities(world, province):
    _allow(cities_set_review_sla=True)
    sanmenxia = _client(world.bureau_user)
    url = f"/bureau/policy/{YEAR}/cities/411200/"
    html = sanmenxia.get(url).content.decode()
    assert 'name="review_sla_working_days"' in html
    assert "本年度由省人社厅统一规定" in html  # the deadline is shown but cannot be set
    response = sanmenxia.post(url, {"review_sla_working_days": "4", "plan_filing_deadline": "2026-09-30"})
    assert response.status_code == 302
    row = RegionalFigures.objects.get(region=province["sanmenxia"])
    assert (row.review_sla_working_days, row.plan_filing_deadline) == (4, None)  # disabled: ignored
    bad = sanmenxia.post(url, {"review_sla_working_days": "0"})
    assert bad.status_code == 200 and "review_sla_working_days" in bad.content.decode()
    assert RegionalFigures.objects.get(region=province["sanmenxia"]).review_sla_working_days == 4
    # another city's page, and a county bureau's look at the city, are 404
    assert sanmenxia.get(f"/bureau/policy/{YEAR}/cities/410300/").status_code == 404
    assert (
        sanmenxia.post(f"/bureau/policy/{YEAR}/cities/410300/", {"review_sla_working_days": "2"}).status_code
        == 404
    )
    assert _client(world.county_bureau_user).get(url).status_code == 404
    assert not RegionalFigures.objects.filter(region=province["luoyang"]).exists()
    # the province reads every city, sets none
    province_client = _client(province["province_user"])
    listing = province_client.get(f"/bureau/policy/{YEAR}/cities/").content.decode()
    assert listing.count("/cities/4") == 18 and "本市另定" in listing
    assert province_client.get(url).status_code == 200
    assert province_client.post(url, {"review_sla_working_days": "2"}).status_code == 403
    # not for the other roles
    assert _client(world.unit_user).get(url).status_code == 403


def test_the_homes_show_the_figures_of_their_city(world, province):
    _allow(cities_set_plan_filing_deadline=True, cities_set_review_sla=True)
    _sanmenxia_sets(world, plan_filing_deadline=D(2026, 9, 30), review_sla_working_days=3)
    assert "（3 个工作日内）" in _client(world.unit_user).get("/dashboard/").content.decode()
    assert "（5 个工作日内）" in _client(province["luoyang_unit_user"]).get("/dashboard/").content.decode()
    assert "2026年9月30日" in _client(world.base_user).get("/dashboard/").content.decode()


def test_the_api_answers_the_figures_of_a_region(world, province, api):
    _allow(cities_set_review_sla=True)
    _sanmenxia_sets(world, review_sla_working_days=3)
    body = api.get(f"policy/{YEAR}", region="411282").json()
    assert (body["region"], body["review_sla_working_days"], body["plan_filing_deadline"]) == (
        "411282",
        3,
        "2026-09-15",
    )
    assert body["cities_set_review_sla"] is True and body["cities_set_plan_filing_deadline"] is False
    assert api.get(f"policy/{YEAR}", region="410300").json()["review_sla_working_days"] == 5
    assert api.get(f"policy/{YEAR}").json()["review_sla_working_days"] == 5
    assert api.get(f"policy/{YEAR}", region="999999").status_code == 404
