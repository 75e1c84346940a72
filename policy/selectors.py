"""Reading the year's rules and the official working-day calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.actors import Actor, Role
from core.dates import SHANGHAI, end_of_day, is_past, today
from core.errors import DomainError, NotFound
from organisations.models import Region
from policy.models import CalendarDay, CalendarYear, PolicyYear, Profession, Requirement
from policy.years import policy_year

__all__ = ["SHANGHAI", "end_of_day", "is_past", "today"]  # re-exported: callers outside policy
MAX_WORKING_DAYS = 366


def may_edit_policy(actor: Actor | None) -> bool:
    """City and province bureaus set the year's rules and the calendar; county bureaus read them."""
    return (
        actor is not None
        and actor.is_role(Role.BUREAU)
        and actor.organisation is not None
        and actor.organisation.region.level in (Region.Level.CITY, Region.Level.PROVINCE)
    )


def get_policy_year(year: int) -> PolicyYear:
    """The year's rules (the current year carried forward on first use), else NotFound."""
    policy = policy_year(year)
    if policy is None:
        raise NotFound(_("%(year)s 年度政策尚未设置。") % {"year": year})
    return policy


def requirement_for(year: int, profile_id: int | None) -> Requirement:
    """The requirement of `profile` in `year`, falling back to the year's default profile."""
    get_policy_year(year)
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
