"""The bureau admin shows credits read-only and cut to its region; receivers survive a dead broker."""

import datetime as dt

import pytest
from django.test import Client

from credits.models import Declaration, HourRecord, Review
from credits.receivers import on_calendar_year_entered
from tests import factories
from tests.credits.helpers import declare

pytestmark = pytest.mark.django_db


def _admin(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_lists_credits_read_only_and_by_region(world):
    mine = declare(world.person, title="湖滨区的申报")
    theirs = declare(factories.person(world.sibling_unit, name="灵宝人员"), title="灵宝市的申报")
    city = _admin(world.bureau_user)
    for url in (
        "/admin/credits/declaration/",
        "/admin/credits/hourrecord/",
        "/admin/credits/yearsummary/",
        "/admin/credits/platformcompletion/",
    ):
        assert city.get(url).status_code == 200, url
    html = city.get("/admin/credits/declaration/").content.decode()
    assert "湖滨区的申报" in html and "灵宝市的申报" in html
    county = _admin(world.county_bureau_user).get("/admin/credits/declaration/").content.decode()
    assert "湖滨区的申报" in county and "灵宝市的申报" not in county
    assert city.get("/admin/credits/declaration/add/").status_code == 403
    response = city.post(f"/admin/credits/declaration/{mine.pk}/change/", {"state": "approved"})
    assert response.status_code == 403
    assert Declaration.objects.get(pk=mine.pk).state == "pending_unit"
    assert (
        city.get(
            f"/admin/credits/hourrecord/{HourRecord.objects.get(declaration=theirs).pk}/delete/"
        ).status_code
        == 403
    )
    assert world.person.reveal_id_number() not in html


def test_a_dead_broker_does_not_lose_the_recomputation(world, clock, monkeypatch):
    from credits import tasks

    clock.set(2026, 12, 28, 10, 0)
    declaration = declare(world.person, started_on=dt.date(2026, 12, 21), ended_on=dt.date(2026, 12, 22))

    def broken(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.recompute_due_dates, "delay", broken)
    from policy.models import CalendarDay, CalendarYear

    CalendarYear.objects.create(year=2027, source=CalendarYear.Source.MANUAL)
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_working_day=False, name="元旦")
    on_calendar_year_entered(sender=CalendarYear, year=2027)
    review = Review.objects.get(declaration=declaration)
    assert (review.due_on, review.due_provisional) == (dt.date(2027, 1, 5), False)
