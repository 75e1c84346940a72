"""The forecast: who will not make it by 31 December at their pace so far (from 1 October)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client

from credits import forecast, ledger, reminders
from credits.models import HourRecord
from notifications.models import Notification
from tests import factories
from tests.credits.helpers import actor

pytestmark = pytest.mark.django_db

D = Decimal


def credit(person, public=0, professional=0, pending=0, year=2026):
    records = [
        HourRecord(
            person=person,
            year=year,
            category=category,
            method="online",
            hours=D(hours),
            source="platform",
            state=state,
            title="课程",
            completed_on=dt.date(year, 9, 1),
        )
        for category, hours, state in (
            ("public", public, "credited"),
            ("professional", professional, "credited"),
            ("professional", pending, "pending"),
        )
        if hours
    ]
    with transaction.atomic():
        ledger.add_records(records)


def row(public, professional, pending=0):
    return SimpleNamespace(
        public=D(public),
        professional=D(professional),
        pending=D(pending),
        req_public=D(30),
        req_professional=D(60),
        req_total=D(90),
    )


# --- the window: from 1 October to the deadline, in Asia/Shanghai ---------------------------------


def test_the_forecast_is_shown_from_1_october_to_31_december(clock):
    clock.set(2026, 9, 30, 23, 59, 59)
    assert not forecast.window(2026).shown
    clock.set(2026, 10, 1, 0, 0)
    w = forecast.window(2026)
    assert w.shown and (w.days_elapsed, w.days_left) == (274, 91)
    clock.set(2026, 12, 31, 23, 59, 59)
    w = forecast.window(2026)
    assert w.shown and (w.days_elapsed, w.days_left) == (365, 0) and w.factor == 1
    clock.set(2027, 1, 1, 0, 0)
    assert not forecast.window(2026).shown


def test_a_leap_year_counts_29_february():
    w = forecast.Window.on(2028, dt.date(2028, 3, 1), dt.date(2028, 12, 31))
    assert (w.days_elapsed, w.days_left) == (31 + 29 + 1, 305)
    assert w.factor == D(366) / D(61)
    late = forecast.Window.on(2028, dt.date(2029, 1, 4), dt.date(2028, 12, 31))
    assert (late.days_elapsed, late.days_left, late.shown) == (366, 0, False)


# --- the model ---------------------------------------------------------------------------------------


def test_outlooks_on_1_october():
    w = forecast.Window(2026, dt.date(2026, 10, 1), dt.date(2026, 12, 31), 274, 91)
    assert forecast.outlook_of(row(30, 60), w).outlook == forecast.MET
    on_track = forecast.outlook_of(row(25, 50), w)
    assert on_track.outlook == forecast.ON_TRACK
    assert (on_track.projected_public, on_track.projected_professional) == (D("33.3"), D("66.6"))
    # 30 + 40: at this pace 53.3 professional by 31 December, 6.7 short; 10 in review would cover it
    assert forecast.outlook_of(row(30, 40, pending=10), w).outlook == forecast.IF_PENDING
    at_risk = forecast.outlook_of(row(30, 40, pending=5), w)
    assert at_risk.outlook == forecast.AT_RISK
    assert at_risk.weekly_pace == D("1.8")  # 70 hours in 274 days
    assert at_risk.weekly_needed == D("1.6")  # 20 hours in 13 weeks, rounded up
    nothing = forecast.outlook_of(row(0, 0), w)
    assert nothing.outlook == forecast.AT_RISK and nothing.projected_total == 0


def test_on_the_deadline_what_is_missing_is_needed_now():
    w = forecast.Window(2026, dt.date(2026, 12, 31), dt.date(2026, 12, 31), 365, 0)
    o = forecast.outlook_of(row(30, 50), w)
    assert o.outlook == forecast.AT_RISK and o.weekly_needed == 10 and o.projected_total == 80


# --- who sees what ------------------------------------------------------------------------------------


@pytest.fixture
def staff(world):
    credit(world.person, public=30, professional=40, pending=5)  # at risk
    on_track = factories.person(world.unit, name="王进度")
    credit(on_track, public=25, professional=50)
    done = factories.person(world.unit, name="赵达标")
    credit(done, public=30, professional=60)
    elsewhere = factories.person(world.sibling_unit, name="钱别处")
    credit(elsewhere, public=1)
    return SimpleNamespace(on_track=on_track, done=done, elsewhere=elsewhere)


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_unit_sees_the_names_of_its_own_staff_at_risk(world, staff, clock):
    clock.set(2026, 10, 1, 9, 0)
    found = forecast.people_at_risk(actor(world.unit_user), 2026)
    assert [(f.row.person.name, f.outlook.outlook) for f in found] == [("张三", forecast.AT_RISK)]
    html = login(world.unit_user).get("/hours/forecast/").content.decode()
    assert "张三" in html and "按目前进度难以达标" in html
    assert "王进度" not in html and "钱别处" not in html and world.person.reveal_id_number() not in html


def test_authorities_and_bureaus_see_counts_by_unit_never_names(world, staff, clock):
    clock.set(2026, 10, 1, 9, 0)
    by_unit = {u.unit: u for u in forecast.counts_by_unit(actor(world.authority_user), 2026)}
    assert set(by_unit) == {"测试设计院", "测试市政公司"}  # the other authority's hospital is not in scope
    design = by_unit["测试设计院"]
    assert (design.members, design.met, design.on_track, design.at_risk) == (3, 1, 1, 1)
    assert by_unit["测试市政公司"].at_risk == 1
    for user in (world.authority_user, world.bureau_user):
        html = login(user).get("/hours/forecast/").content.decode()
        assert 'data-testid="forecast-units"' in html and "测试设计院" in html
        assert "张三" not in html and "钱别处" not in html


def test_before_1_october_the_page_says_when_the_forecast_starts(world, staff, clock):
    clock.set(2026, 9, 30, 18, 0)
    html = login(world.unit_user).get("/hours/forecast/").content.decode()
    assert 'data-testid="forecast-not-yet"' in html and "2026年10月1日起提供" in html and "张三" not in html
    assert 'data-testid="forecast-count"' not in login(world.unit_user).get("/dashboard/").content.decode()


def test_the_unit_home_counts_those_at_risk_from_1_october(world, staff, clock):
    clock.set(2026, 10, 1, 9, 0)
    html = login(world.unit_user).get("/dashboard/").content.decode()
    assert 'data-testid="forecast-count"' in html and "预计 <strong" in html
    assert '<strong class="text-danger">1</strong> 人难以在 12 月 31 日前达标' in html


def test_a_person_may_not_see_the_forecast(world, clock, api_as):
    clock.set(2026, 10, 1, 9, 0)
    assert login(world.person.user).get("/hours/forecast/").status_code == 403
    assert api_as(world.person.user).get("forecast").status_code == 403


def test_the_api_gives_the_same_figures(world, staff, clock, api_as):
    clock.set(2026, 10, 1, 9, 0)
    body = api_as(world.unit_user).get("forecast").json()
    assert body["shown"] and body["units"] is None and body["days_left"] == 91
    assert [(p["person_id"], p["outlook"], p["weekly_needed"]) for p in body["people"]] == [
        (world.person.pk, "at_risk", 1.6)
    ]
    assert "张三" in body["people"][0]["person"] and world.person.reveal_id_number() not in str(body)
    units = api_as(world.authority_user).get("forecast", year=2026).json()
    assert units["people"] is None and {u["unit"] for u in units["units"]} == {"测试设计院", "测试市政公司"}
    clock.set(2026, 9, 30, 9, 0)
    early = api_as(world.unit_user).get("forecast").json()
    assert not early["shown"] and early["people"] is None and early["available_from"] == "2026-10-01"


def test_reminders_name_the_forecast_in_its_season(world, staff, clock):
    clock.set(2026, 10, 1, 9, 0)
    reminders.remind_unit_staff(actor(world.unit_user), 2026)
    body = Notification.objects.get(user=world.person.user).body
    assert "按目前进度（每周约 1.8 学时）" in body and "需每周学习约 1.6 学时才能达标" in body
    on_track = Notification.objects.get(user=staff.on_track.user).body
    assert "还差" in on_track and "按目前进度" not in on_track
    clock.set(2026, 9, 30, 9, 0)
    Notification.objects.all().delete()
    reminders.remind_unit_staff(actor(world.unit_user), 2026)
    assert "按目前进度" not in Notification.objects.get(user=world.person.user).body
