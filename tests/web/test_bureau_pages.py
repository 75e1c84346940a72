"""The bureau's daily pages: work calendar, policy years, the warning for next year's calendar."""

import datetime as dt

import pytest
from django.test import Client

from policy.models import CalendarDay, CalendarYear, PolicyYear
from policy.selectors import add_working_days
from tests.factories import plan_input

# The warnings and the years offered depend on the date (next year's calendar from November).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_bureau_home_warns_that_next_years_calendar_is_missing(world):
    html = client_for(world.bureau_user).get("/dashboard/").content.decode()
    assert 'data-testid="calendar-warning"' in html
    assert "2027 年工作日历尚未录入" in html
    assert "/bureau/calendar/2027/" in html


def test_no_warning_once_entered(world):
    CalendarYear.objects.create(year=2027, source="manual")
    html = client_for(world.bureau_user).get("/dashboard/").content.decode()
    assert 'data-testid="calendar-warning"' not in html


def test_bureau_enters_next_years_calendar(world):
    client = client_for(world.bureau_user)
    assert "未录入" in client.get("/bureau/calendar/").content.decode()
    before = add_working_days(dt.date(2026, 12, 30), 3)
    assert before.provisional
    response = client.post(
        "/bureau/calendar/2027/",
        {
            "holidays": "2027-01-01\n2027-02-08，2027-02-09",
            "make_up_days": "2027-02-06",
            "note": "国办发明电",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "已录入 2027 年工作日历：放假 3 天、调休上班 1 天" in html
    assert CalendarYear.objects.get(year=2027).note == "国办发明电"
    assert set(CalendarDay.objects.filter(date__year=2027).values_list("date", "is_working_day")) == {
        (dt.date(2027, 1, 1), False),
        (dt.date(2027, 2, 8), False),
        (dt.date(2027, 2, 9), False),
        (dt.date(2027, 2, 6), True),
    }
    after = add_working_days(dt.date(2026, 12, 30), 3)
    assert not after.provisional and after.date == dt.date(2027, 1, 5)
    # The form shows what is entered when opened again.
    html = client.get("/bureau/calendar/2027/").content.decode()
    assert "2027-02-08" in html and "已录入" in html


def test_the_calendar_year_is_shown_as_twelve_month_grids(world):
    CalendarDay.objects.filter(date__year=2027).delete()
    CalendarDay.objects.create(date=dt.date(2027, 2, 8), is_working_day=False, name="春节")
    CalendarDay.objects.create(date=dt.date(2027, 2, 6), is_working_day=True, name="春节调休")
    response = client_for(world.bureau_user).get("/bureau/calendar/2027/")
    months = response.context["months"]
    assert [m.month for m in months] == list(range(1, 13))
    february = {c.date: c for week in months[1].weeks for c in week if c.in_month}
    assert len(february) == 28 and months[1].weeks[0][0].date.weekday() == 0  # Monday first
    assert (february[dt.date(2027, 2, 8)].kind, february[dt.date(2027, 2, 6)].kind) == ("holiday", "makeup")
    assert (february[dt.date(2027, 2, 7)].kind, february[dt.date(2027, 2, 10)].kind) == ("weekend", "workday")
    html = response.content.decode()
    assert (
        html.count("<caption>") >= 12
        and 'data-date="2027-02-08" data-weekend="0" data-kind="holiday"' in html
    )
    assert 'title="2月6日 调休上班（春节调休）"' in html
    county = client_for(world.county_bureau_user).get("/bureau/calendar/2027/").content.decode()
    assert "data-date=" not in county and 'title="2月8日 放假（春节）"' in county  # read only


def test_refused_calendar_keeps_what_was_typed_and_names_the_field(world):
    client = client_for(world.bureau_user)
    response = client.post(
        "/bureau/calendar/2027/", {"holidays": "2027-01-01\n2027-13-40", "make_up_days": ""}
    )
    html = response.content.decode()
    assert "放假的工作日：“2027-13-40”不是有效日期" in html
    assert "2027-13-40" in html  # kept in the textarea
    response = client.post("/bureau/calendar/2027/", {"holidays": "2027-01-02", "make_up_days": ""})
    html = response.content.decode()
    assert "放假的工作日：2027-01-02 是周末" in html
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_county_bureau_reads_but_cannot_enter(world):
    client = client_for(world.county_bureau_user)
    assert client.get("/bureau/calendar/2027/").status_code == 200
    response = client.post("/bureau/calendar/2027/", {"holidays": "2027-01-01", "make_up_days": ""})
    assert response.status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize("attr", ["unit_user", "authority_user", "base_user"])
def test_bureau_pages_are_for_the_bureau(world, attr):
    client = client_for(getattr(world, attr))
    for path in ("/bureau/calendar/", "/bureau/calendar/2027/", "/bureau/policy/", "/bureau/people/"):
        assert client.get(path).status_code == 403, path


def test_calendar_year_out_of_range_is_404(world):
    assert client_for(world.bureau_user).get("/bureau/calendar/1999/").status_code == 404


def test_policy_years_list_and_carry_forward(world):
    client = client_for(world.bureau_user)
    html = client.get("/bureau/policy/").content.decode()
    assert "2025" in html and "三人社专技〔2025〕1号" in html and "90 / 30 / 60" in html
    assert "设置 2027 年度" in html
    response = client.post("/bureau/policy/carry-forward/", {"year": "2027"}, follow=True)
    assert "已设置 2027 年度政策" in response.content.decode()
    policy = PolicyYear.objects.get(year=2027)
    assert policy.declaration_deadline == dt.date(2027, 12, 31)
    assert client.post("/bureau/policy/carry-forward/", {"year": "2035"}, follow=True).status_code == 200
    assert not PolicyYear.objects.filter(year=2035).exists()


def test_county_bureau_cannot_carry_forward(world):
    client = client_for(world.county_bureau_user)
    assert client.post("/bureau/policy/carry-forward/", {"year": "2027"}).status_code == 403


def _submitted_plan(world):
    from filings import services as filing_services
    from tests.factories import actor, in_time, plan_data, plan_item_data

    filer = actor(world.unit_user)
    plan = filing_services.create_plan(
        filer, plan=plan_input(plan_data(2026), [plan_item_data(starts_on=dt.date(2026, 10, 20))])
    )
    filing_services.submit_plan(filer, plan_id=plan.pk, now=in_time(2026))
    filing_services.give_opinion(actor(world.authority_user), kind="plan", filing_id=plan.pk, opinion="同意")


def _plan_card(html: str) -> str:
    start = html.index("待备案培训计划")
    return html[html.rindex("<a", 0, start) : html.index("</a>", start)]


def test_city_bureau_home_flags_plans_waiting_for_it(world):
    _submitted_plan(world)
    card = _plan_card(client_for(world.bureau_user).get("/dashboard/").content.decode())
    assert "is-warning" in card and '<div class="stat">1</div>' in card
    assert "由市人社局受理" not in card


def test_county_bureau_home_counts_its_regions_plans_without_calling_them_its_work(world):
    _submitted_plan(world)
    card = _plan_card(client_for(world.county_bureau_user).get("/dashboard/").content.decode())
    assert '<div class="stat">1</div>' in card
    assert "is-warning" not in card and "由市人社局受理" in card
