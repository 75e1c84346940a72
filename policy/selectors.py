"""Reading the year's rules and the official working-day calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.actors import Actor, Role
from core.dates import SHANGHAI, end_of_day, is_past, today
from core.errors import Invalid, NotFound
from organisations.models import Region
from policy.models import (
    REGIONAL_FIGURES,
    CalendarDay,
    CalendarYear,
    PolicyYear,
    Profession,
    RegionalFigures,
    Requirement,
)
from policy.years import policy_year

__all__ = ["SHANGHAI", "end_of_day", "is_past", "today"]  # re-exported: callers outside policy
MAX_WORKING_DAYS = 366


def _home_and_above() -> set[int]:
    """The region this installation serves (`CE_HOME_REGION`: a city, or the province for a
    province install) and the regions above it."""
    ids = set()
    region = Region.objects.filter(code=settings.CE_HOME_REGION).select_related("parent").first()
    while region is not None:
        ids.add(region.pk)
        region = region.parent
    return ids


def may_edit_policy(actor: Actor | None) -> bool:
    """The bureau of the installation's region (`CE_HOME_REGION`) or of the province over it sets
    the year's rules and the calendar: in a city install the city bureau, in a province install
    the province bureau. Every other bureau reads them (a city bureau of a province install sets
    only its own figures where the province allows: `may_set_regional_figures`)."""
    return (
        actor is not None
        and actor.is_role(Role.BUREAU)
        and actor.organisation is not None
        and actor.organisation.region.level in (Region.Level.CITY, Region.Level.PROVINCE)
        and actor.organisation.region_id in _home_and_above()
    )


def may_set_regional_figures(actor: Actor | None) -> bool:
    """City bureaus set their own region's figures (where the year's policy allows)."""
    return (
        actor is not None
        and actor.is_role(Role.BUREAU)
        and actor.organisation is not None
        and actor.organisation.region.level == Region.Level.CITY
    )


@dataclass(frozen=True)
class Figures:
    """The figures that apply in one region for one year, and where each comes from: `set_by`
    names the region whose bureau set a figure (absent: the province's, from the year's policy)."""

    year: int
    plan_filing_deadline: dt.date
    review_sla_working_days: int
    set_by: dict[str, Region]


def _chain(region: Region | int | None) -> list[int]:
    """The region and those above it, nearest first."""
    if region is None:
        return []
    region_id = region.pk if isinstance(region, Region) else region
    row = Region.objects.filter(pk=region_id).values_list("pk", "parent_id", "parent__parent_id").first()
    return [pk for pk in row or () if pk is not None]


def figures_for(region: Region | int | None, year: int) -> Figures:
    """The figures of `year` for `region` (a Region or its id): for each figure the year's policy
    lets cities set, the nearest region at or above `region` (county → city) that set it; the
    province's everywhere else. `region=None` gives the province's figures. NotFound when the
    year has no policy."""
    policy = get_policy_year(year)
    values = {field: getattr(policy, field) for field in REGIONAL_FIGURES}
    set_by: dict[str, Region] = {}
    allowed = [field for field, flag in REGIONAL_FIGURES.items() if getattr(policy, flag)]
    chain = _chain(region) if allowed else []
    if chain:
        rows = {
            row.region_id: row
            for row in RegionalFigures.objects.filter(
                policy_year_id=year, region_id__in=chain
            ).select_related("region")
        }
        for field in allowed:
            row = next(
                (rows[pk] for pk in chain if pk in rows and getattr(rows[pk], field) is not None), None
            )
            if row is not None:
                values[field] = getattr(row, field)
                set_by[field] = row.region
    return Figures(year=year, set_by=set_by, **values)


def regional_scope(actor: Actor, region: Region) -> Region:
    """`region` if it is a city the bureau actor governs (its own city, or a city of its
    province), else NotFound."""
    if (
        actor is None
        or not actor.is_role(Role.BUREAU)
        or actor.organisation is None
        or region.level != Region.Level.CITY
        or region.pk not in actor.organisation.region.descendant_ids()
    ):
        raise NotFound()
    return region


def cities_in_scope(actor: Actor):
    """The cities a bureau actor governs: its own city, every city of its province; none for a
    county bureau."""
    if actor is None or not actor.is_role(Role.BUREAU) or actor.organisation is None:
        return Region.objects.none()
    return Region.objects.filter(
        pk__in=actor.organisation.region.descendant_ids(), level=Region.Level.CITY
    ).order_by("code")


def regional_figures(year: int, region: Region) -> RegionalFigures | None:
    """What `region` itself set for `year` (the row as stored, allowed or not)."""
    return RegionalFigures.objects.filter(policy_year_id=year, region=region).first()


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
        raise Invalid.field("days", _("工作日天数不能为负数。"))
    if days > MAX_WORKING_DAYS:
        raise Invalid.field("days", _("工作日天数不能超过 %(max)s。") % {"max": MAX_WORKING_DAYS})
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
