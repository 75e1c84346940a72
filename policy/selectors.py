"""Reading the year's rules and the official working-day calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, NotFound
from policy.models import CalendarDay, CalendarYear, PolicyYear, Profession, Requirement

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_WORKING_DAYS = 366


def today() -> dt.date:
    return timezone.localdate(timezone=SHANGHAI)


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of `day` in Shanghai: a deadline on 31 Dec holds until 23:59:59.999999."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=SHANGHAI)


def is_past(deadline: dt.date, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) > end_of_day(deadline)


def get_policy_year(year: int) -> PolicyYear:
    policy = PolicyYear.objects.filter(year=year).first()
    if policy is None:
        raise NotFound(_("%(year)s 年度政策尚未设置。") % {"year": year})
    return policy


def requirement_for(year: int, profile_id: int | None) -> Requirement:
    """The requirement of `profile` in `year`, falling back to the year's default profile."""
    rows = {
        r.profile_id: r for r in Requirement.objects.filter(policy_year_id=year).select_related("profile")
    }
    if profile_id in rows:
        return rows[profile_id]
    for row in rows.values():
        if row.profile.is_default:
            return row
    raise NotFound(_("%(year)s 年度学时要求尚未设置。") % {"year": year})


def professions():
    return Profession.objects.select_related("profile").all()


@dataclass(frozen=True)
class WorkingDay:
    date: dt.date
    provisional: bool


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_working_day"))


def _entered_years(first: int, last: int) -> set[int]:
    return set(CalendarYear.objects.filter(year__range=(first, last)).values_list("year", flat=True))


def add_working_days(start: dt.date, days: int) -> WorkingDay:
    """The `days`-th working day after `start`; `start` itself is never counted.

    Days of a year nobody has entered are taken Monday–Friday and the answer is provisional.
    """
    if days < 0:
        raise DomainError.field("days", _("工作日天数不能为负数。"))
    if days > MAX_WORKING_DAYS:
        raise DomainError.field("days", _("工作日天数不能超过 %(max)s。") % {"max": MAX_WORKING_DAYS})
    if days == 0:
        return WorkingDay(start, start.year not in _entered_years(start.year, start.year))
    window_end = start + dt.timedelta(days=days * 2 + 40)
    overrides = _overrides(start, window_end)
    entered = _entered_years(start.year, window_end.year)
    provisional = False
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if day > window_end:  # a longer run of holidays than any calendar has: widen the window
            window_end = day + dt.timedelta(days=days * 2 + 40)
            overrides.update(_overrides(day, window_end))
            entered |= _entered_years(day.year, window_end.year)
        if day.year not in entered:
            provisional = True
        if overrides.get(day, day.weekday() < 5):
            counted += 1
    return WorkingDay(day, provisional)


def is_working_day(day: dt.date) -> bool:
    override = CalendarDay.objects.filter(date=day).values_list("is_working_day", flat=True).first()
    return override if override is not None else day.weekday() < 5
