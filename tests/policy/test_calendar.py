import datetime as dt

import pytest

from core.actors import SYSTEM
from core.errors import DomainError
from policy.models import CalendarDay, CalendarYear
from policy.selectors import add_working_days
from policy.services import enter_calendar_year, seed_calendar_from_package

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # National Day 2025: 1–8 Oct off; Saturday 11 Oct is a make-up working day.
        (D(2025, 9, 30), 5, D(2025, 10, 14)),
        (D(2025, 9, 26), 1, D(2025, 9, 28)),  # Sunday 28 Sep 2025 is a make-up working day
        (D(2025, 10, 1), 1, D(2025, 10, 9)),  # arrival on a holiday: first working day after it
        # Spring Festival 2026: 15–23 Feb off; Saturdays 14 Feb and 28 Feb are working days.
        (D(2026, 2, 12), 5, D(2026, 2, 26)),
        (D(2026, 2, 24), 5, D(2026, 3, 2)),
        # An ordinary week: arrival day not counted, weekend skipped.
        (D(2025, 11, 14), 5, D(2025, 11, 21)),
        (D(2025, 11, 14), 0, D(2025, 11, 14)),
    ],
)
def test_add_working_days_follows_the_official_calendar(start, days, expected):
    result = add_working_days(start, days)
    assert result.date == expected
    assert result.provisional is False


def test_make_up_saturday_counts_and_removing_it_moves_the_date():
    assert add_working_days(D(2026, 2, 24), 5).date == D(2026, 3, 2)
    CalendarDay.objects.filter(date=D(2026, 2, 28)).delete()
    assert add_working_days(D(2026, 2, 24), 5).date == D(2026, 3, 3)


def test_year_not_entered_is_monday_to_friday_and_provisional():
    result = add_working_days(D(2026, 12, 28), 5)
    # 29, 30, 31 Dec 2026 (official), then Fri 1 Jan 2027 and Mon 4 Jan 2027 (Mon–Fri rule).
    assert result == type(result)(D(2027, 1, 4), True)


def test_entering_the_year_recomputes_and_clears_provisional():
    enter_calendar_year(SYSTEM, year=2027, holidays=[D(2027, 1, 1)], make_up_days=[])
    result = add_working_days(D(2026, 12, 28), 5)
    assert result.date == D(2027, 1, 5)
    assert result.provisional is False


def test_entering_a_year_refuses_days_of_the_wrong_kind():
    with pytest.raises(DomainError) as exc:
        enter_calendar_year(SYSTEM, year=2027, holidays=[D(2027, 1, 2)], make_up_days=[])  # a Saturday
    assert exc.value.errors[0]["field"] == "holidays"
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_negative_days_are_refused():
    with pytest.raises(DomainError) as exc:
        add_working_days(D(2025, 1, 1), -1)
    assert exc.value.errors[0]["field"] == "days"


def test_package_seed_covers_2004_to_2026_and_is_idempotent():
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert set(range(2004, 2027)) <= years
    assert seed_calendar_from_package() == 0
    assert CalendarDay.objects.get(date=D(2026, 2, 14)).is_working_day is True
    assert CalendarDay.objects.get(date=D(2025, 10, 8)).is_working_day is False


def test_api_add_working_days(api):
    body = api.get("calendar/add-working-days", start="2025-09-30", days=5).json()
    assert body == {"date": "2025-10-14", "provisional": False}
    body = api.get("calendar/add-working-days", start="2027-03-01", days=1).json()
    assert body == {"date": "2027-03-02", "provisional": True}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2025-13-01", "days": 5}, "start"),
        ({"start": "2025-09-30", "days": -1}, "days"),
        ({"start": "2025/09/30", "days": 1}, "start"),
        ({"start": "2025-09-30", "days": "x"}, "days"),
    ],
)
def test_api_add_working_days_bad_input_names_the_field(api, params, field):
    response = api.get("calendar/add-working-days", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])
