"""Each level has until the 5th working day after the declaration reached it (official calendar)."""

import datetime as dt

import pytest

from audit.models import AuditEntry
from core.actors import SYSTEM
from credits import services
from credits.models import Review
from credits.rules import review_clock
from policy.models import CalendarDay, PolicyYear
from policy.services import enter_calendar_year, notify_calendar_changed
from tests.credits.helpers import actor, declare

pytestmark = pytest.mark.django_db
D = dt.date


def _unit_review(declaration):
    return Review.objects.get(declaration=declaration, level="unit")


@pytest.mark.parametrize(
    ("arrival", "due"),
    [
        # National Day 2025: 1–8 Oct off, Saturday 11 Oct a make-up working day.
        ((2025, 9, 30, 16, 0), D(2025, 10, 14)),
        # The arrival day is never counted, even at 00:00:01.
        ((2025, 9, 30, 0, 0, 1), D(2025, 10, 14)),
        # Arriving on a holiday: the clock starts with the first working day after it
        # (9, 10, Saturday 11, 13, 14 Oct).
        ((2025, 10, 3, 9, 0), D(2025, 10, 14)),
        # Sunday 28 Sep 2025 is a make-up working day and counts.
        ((2025, 9, 26, 9, 0), D(2025, 10, 10)),
    ],
)
def test_due_dates_across_national_day_2025(clock, world, arrival, due):
    clock.set(*arrival)
    declaration = declare(world.person, started_on=D(2025, 9, 1), ended_on=D(2025, 9, 2))
    review = _unit_review(declaration)
    assert review.due_on == due
    assert review.due_provisional is False


@pytest.mark.parametrize(
    ("arrival", "due"),
    [
        # Spring Festival 2026: 15–23 Feb off; Saturdays 14 Feb and 28 Feb are working days.
        ((2026, 2, 12, 10, 0), D(2026, 2, 26)),
        ((2026, 2, 13, 10, 0), D(2026, 2, 27)),
        ((2026, 2, 24, 10, 0), D(2026, 3, 2)),
    ],
)
def test_due_dates_across_spring_festival_2026(clock, world, arrival, due):
    clock.set(*arrival)
    declaration = declare(world.person, started_on=D(2026, 2, 2), ended_on=D(2026, 2, 3))
    assert _unit_review(declaration).due_on == due


def test_the_authority_level_gets_its_own_clock_from_the_unit_approval(clock, world):
    clock.set(2026, 2, 10, 9, 0)
    declaration = declare(world.person, started_on=D(2026, 2, 2), ended_on=D(2026, 2, 3))
    clock.set(2026, 2, 13, 17, 0)  # Friday before the Spring Festival
    services.review_declaration(actor(world.unit_user), declaration_id=declaration.pk, decision="approve")
    authority = Review.objects.get(declaration=declaration, level="authority")
    # Sat 14 (working), 24, 25, 26, 27 Feb.
    assert authority.due_on == D(2026, 2, 27)


def test_the_time_limit_is_the_policy_value_of_the_declarations_year(clock, world):
    PolicyYear.objects.filter(year=2026).update(review_sla_working_days=3)
    declaration = declare(world.person)  # Monday 16 Nov 2026
    assert _unit_review(declaration).due_on == D(2026, 11, 19)


def test_a_due_date_in_a_year_not_yet_entered_is_provisional_then_recomputed(
    clock, world, api_as, django_capture_on_commit_callbacks
):
    clock.set(2026, 12, 28, 10, 0)
    declaration = declare(world.person, started_on=D(2026, 12, 21), ended_on=D(2026, 12, 22))
    review = _unit_review(declaration)
    # 29, 30, 31 Dec (official), then Fri 1 Jan and Mon 4 Jan 2027 taken Monday–Friday.
    assert (review.due_on, review.due_provisional) == (D(2027, 1, 4), True)
    body = api_as(world.person.user).get(f"declarations/{declaration.pk}").json()
    assert body["due_on"] == "2027-01-04" and body["due_provisional"] is True

    # The bureau enters 2027 (1 Jan a holiday): calendar_year_entered is sent on commit, and
    # the (eager) task gives the open review its official date.
    with django_capture_on_commit_callbacks(execute=True):
        enter_calendar_year(SYSTEM, year=2027, holidays=[D(2027, 1, 1)], make_up_days=[])
    review.refresh_from_db()
    assert (review.due_on, review.due_provisional) == (D(2027, 1, 5), False)


def test_decided_reviews_keep_their_dates_when_a_year_is_entered(
    clock, world, django_capture_on_commit_callbacks
):
    clock.set(2026, 12, 28, 10, 0)
    declaration = declare(world.person, started_on=D(2026, 12, 21), ended_on=D(2026, 12, 22))
    services.review_declaration(actor(world.unit_user), declaration_id=declaration.pk, decision="approve")
    decided = _unit_review(declaration)
    with django_capture_on_commit_callbacks(execute=True):
        enter_calendar_year(SYSTEM, year=2027, holidays=[D(2027, 1, 1)], make_up_days=[])
    decided.refresh_from_db()
    assert (decided.due_on, decided.due_provisional) == (D(2027, 1, 4), True)
    authority = Review.objects.get(declaration=declaration, level="authority")
    assert (authority.due_on, authority.due_provisional) == (D(2027, 1, 5), False)


# --- calendar corrections move every open due date whose window touches the year ---------------


def _enter_2026(extra_holidays=(), extra_make_up_days=()):
    """Enter 2026 again as it is, plus some days (a correction of the State Council notice)."""
    days = list(CalendarDay.objects.filter(date__year=2026))
    enter_calendar_year(
        SYSTEM,
        year=2026,
        holidays=[d.date for d in days if not d.is_working_day] + list(extra_holidays),
        make_up_days=[d.date for d in days if d.is_working_day] + list(extra_make_up_days),
    )


def test_re_entering_a_year_moves_official_due_dates_of_open_reviews(
    clock, world, django_capture_on_commit_callbacks
):
    clock.set(2026, 11, 27, 10, 0)  # Friday
    declaration = declare(world.person)
    review = _unit_review(declaration)
    assert (review.due_on, review.due_provisional) == (D(2026, 12, 4), False)
    # Two weekday holidays added in the window: 30 Nov, 3, 4, 7, 8 Dec.
    with django_capture_on_commit_callbacks(execute=True):
        _enter_2026(extra_holidays=[D(2026, 12, 1), D(2026, 12, 2)])
    review.refresh_from_db()
    assert review_clock.due_date(2026, review.declaration.unit.region_id, review.arrived_at).date == D(
        2026, 12, 8
    )
    assert (review.due_on, review.due_provisional) == (D(2026, 12, 8), False)
    entry = AuditEntry.objects.get(action="review.due_recomputed", target_id=str(review.pk))
    assert entry.before["due_on"] == "2026-12-04" and entry.after["due_on"] == "2026-12-08"


def test_editing_single_days_in_the_admin_moves_due_dates_both_ways(
    clock, world, django_capture_on_commit_callbacks
):
    clock.set(2026, 11, 27, 10, 0)
    review = _unit_review(declare(world.person))
    holiday = CalendarDay.objects.create(date=D(2026, 12, 3), is_working_day=False, name="临时调整")
    with django_capture_on_commit_callbacks(execute=True):
        notify_calendar_changed(2026)
    review.refresh_from_db()
    assert review.due_on == D(2026, 12, 7)
    holiday.delete()
    with django_capture_on_commit_callbacks(execute=True):
        notify_calendar_changed(2026)
    review.refresh_from_db()
    assert review.due_on == D(2026, 12, 4)
    assert AuditEntry.objects.filter(action="review.due_recomputed", target_id=str(review.pk)).count() == 2


def test_a_window_over_new_year_follows_corrections_of_its_first_year(
    clock, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enter_calendar_year(SYSTEM, year=2027, holidays=[D(2027, 1, 1)], make_up_days=[])
    clock.set(2026, 12, 28, 10, 0)
    review = _unit_review(declare(world.person, started_on=D(2026, 12, 21), ended_on=D(2026, 12, 22)))
    # 29, 30, 31 Dec, (1 Jan off) 4, 5 Jan — official, not provisional.
    assert (review.due_on, review.due_provisional) == (D(2027, 1, 5), False)
    with django_capture_on_commit_callbacks(execute=True):
        _enter_2026(extra_holidays=[D(2026, 12, 31)])
    review.refresh_from_db()
    assert (review.due_on, review.due_provisional) == (D(2027, 1, 6), False)


def test_the_receiver_enqueues_nothing_when_no_open_review_touches_the_year(clock, world, monkeypatch):
    from credits import receivers, tasks

    calls = []
    monkeypatch.setattr(tasks.recompute_due_dates, "delay", lambda year: calls.append(year))
    clock.set(2026, 11, 27, 10, 0)
    declare(world.person)  # open, 27 Nov → 4 Dec 2026
    receivers.on_calendar_year_entered(sender=None, year=2025)
    receivers.on_calendar_year_entered(sender=None, year=2027)
    assert calls == []
    receivers.on_calendar_year_entered(sender=None, year=2026)
    assert calls == [2026]


def test_the_old_task_name_still_runs_the_recomputation(clock, world):
    from credits import tasks

    clock.set(2026, 11, 27, 10, 0)
    review = _unit_review(declare(world.person))
    CalendarDay.objects.create(date=D(2026, 12, 3), is_working_day=False, name="临时调整")
    assert tasks.recompute_provisional_due_dates.name == "credits.tasks.recompute_provisional_due_dates"
    assert tasks.recompute_provisional_due_dates(2026) == 1
    review.refresh_from_db()
    assert review.due_on == D(2026, 12, 7)
