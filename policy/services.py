"""Writing policy years and the work calendar."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import chinese_calendar
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record, snapshot
from core.actors import SYSTEM, Actor
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.inputs import KEEP, Keep, given
from organisations.models import Region
from policy import selectors as policy_selectors
from policy.models import (
    REGIONAL_FIGURES,
    CalendarDay,
    CalendarYear,
    PolicyYear,
    Profession,
    RegionalFigures,
    Requirement,
    RequirementProfile,
    default_reporting_deadline,
)
from policy.signals import calendar_year_entered, policy_year_changed, regional_figures_changed
from policy.years import AUDITED_FIELDS, ensure_policy_year, open_current_year, policy_year

__all__ = ["ensure_policy_year", "open_current_year", "policy_year"]


def package_years() -> list[int]:
    """Years the installed chinesecalendar knows (it raises for the others)."""
    known = []
    for year in range(2004, 2100):
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:
            break
        known.append(year)
    return known


def _package_deviations(year: int) -> list[CalendarDay]:
    rows = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        working = chinese_calendar.is_workday(day)
        if working != (day.weekday() < 5):
            _on_holiday, name = chinese_calendar.get_holiday_detail(day)
            label = _HOLIDAY_NAMES.get(name or "", name or "")
            rows.append(
                CalendarDay(date=day, is_working_day=working, name=label + ("调休上班" if working else ""))
            )
        day += dt.timedelta(days=1)
    return rows


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@transaction.atomic
def seed_calendar_from_package(actor: Actor = SYSTEM, *, years: list[int] | None = None) -> int:
    """Load the official arrangement of every year the package knows; years already entered
    (possibly corrected by hand) are left alone. Returns the number of years added."""
    added = 0
    existing = set(CalendarYear.objects.values_list("year", flat=True))
    for year in years or package_years():
        if year in existing:
            continue
        CalendarDay.objects.bulk_create(_package_deviations(year), ignore_conflicts=True)
        entry = CalendarYear.objects.create(year=year, source=CalendarYear.Source.PACKAGE)
        record(actor, actions.CALENDAR_YEAR_ENTERED, entry, after={"year": year, "source": entry.source})
        added += 1
        transaction.on_commit(lambda y=year: calendar_year_entered.send(sender=CalendarYear, year=y))
    return added


@transaction.atomic
def enter_calendar_year(
    actor: Actor, *, year: int, holidays: list[dt.date], make_up_days: list[dt.date], note: str = ""
) -> CalendarYear:
    """A bureau admin enters a year from the State Council notice: weekday holidays and
    weekend make-up working days. Replaces what was there for that year."""
    for field, days, weekend in (("holidays", holidays, False), ("make_up_days", make_up_days, True)):
        for day in days:
            if day.year != year:
                raise Invalid.field(field, _("%(day)s 不在 %(year)s 年内。") % {"day": day, "year": year})
            if (day.weekday() >= 5) != weekend:
                message = (
                    _("%(day)s 是周末，无需作为节假日录入。")
                    if not weekend
                    else _("%(day)s 不是周末，不能作为调休上班日。")
                )
                raise Invalid.field(field, message % {"day": day})
    previous = CalendarDay.objects.filter(date__year=year)
    before = {
        "holidays": [d for d, working in previous.values_list("date", "is_working_day") if not working],
        "make_up_days": [d for d, working in previous.values_list("date", "is_working_day") if working],
    }
    previous.delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, is_working_day=False, name="法定节假日") for d in holidays]
        + [CalendarDay(date=d, is_working_day=True, name="调休上班") for d in make_up_days]
    )
    entry, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": CalendarYear.Source.MANUAL, "note": note}
    )
    record(
        actor,
        actions.CALENDAR_YEAR_ENTERED,
        entry,
        before=before,
        after={
            "year": year,
            "holidays": holidays,
            "make_up_days": make_up_days,
        },
    )
    transaction.on_commit(lambda: calendar_year_entered.send(sender=CalendarYear, year=year))
    return entry


def notify_calendar_changed(year: int) -> None:
    """Called after an admin edits single days: holders of provisional dates recompute."""
    transaction.on_commit(lambda: calendar_year_entered.send(sender=CalendarYear, year=year))


# The figures of 三人社专技〔2025〕1号; later years are carried forward from the last one.
NOTICE_2025 = {
    "year": 2025,
    "declaration_deadline": dt.date(2025, 12, 31),
    "plan_filing_deadline": dt.date(2025, 9, 15),
    "review_sla_working_days": 5,
    "notice_reference": "三人社专技〔2025〕1号",
    "requirements": {"total": Decimal(90), "public": Decimal(30), "professional": Decimal(60)},
}


@transaction.atomic
def confirm_policy_year(actor: Actor, *, year: int) -> PolicyYear:
    """A city (or province) bureau confirms a carried-forward year as it stands."""
    _require_policy_editor(actor)
    policy = PolicyYear.objects.select_for_update().filter(year=year).first()
    if policy is None:
        raise NotFound(_("%(year)s 年度政策尚未设置。") % {"year": year})
    if not policy.awaiting_confirmation:
        raise Conflict(
            _("%(year)s 年度政策已确认。") % {"year": year},
            [{"field": "year", "message": _("该年度政策已确认，无需再次确认。")}],
        )
    _mark_confirmed(actor, policy)
    record(actor, actions.POLICY_YEAR_CONFIRMED, policy, after=snapshot(policy, AUDITED_FIELDS))
    return policy


def policy_year_edited(actor: Actor, *, year: int, changed: list[str]) -> None:
    """A bureau edited the year's figures (admin): the edit confirms the year, and what
    depends on the figures follows (`policy_year_changed`: open reviews take the new time
    limit; compliance is never stored, so every progress read already uses the new figures)."""
    policy = PolicyYear.objects.get(year=year)
    if policy.awaiting_confirmation:
        _mark_confirmed(actor, policy)
        record(actor, actions.POLICY_YEAR_CONFIRMED, policy, after={"by_edit": changed})
    transaction.on_commit(lambda: policy_year_changed.send(sender=PolicyYear, year=year, changed=changed))


def _mark_confirmed(actor: Actor, policy: PolicyYear) -> None:
    policy.confirmed_at = timezone.now()
    policy.confirmed_by = actor.user
    policy.save(update_fields=["confirmed_at", "confirmed_by"])


def _require_policy_editor(actor: Actor) -> None:
    if not policy_selectors.may_edit_policy(actor):
        raise Forbidden(_("年度政策由本平台所在市（全省平台为省）人社局确认和修改，本局只能查看。"))


@dataclass(frozen=True)
class RegionalFiguresInput:
    """A city's own figures of a year (`REGIONAL_FIGURES`): a value sets one, None clears it
    (the province's applies again), KEEP leaves it as it is."""

    plan_filing_deadline: dt.date | Keep | None = KEEP
    review_sla_working_days: int | Keep | None = KEEP


_FIGURE_LABELS = {
    "plan_filing_deadline": _("培训计划及平台备案截止日"),
    "review_sla_working_days": _("每级审核时限"),
}


@transaction.atomic
def set_regional_figures(
    actor: Actor, *, year: int, region_id: int, figures: RegionalFiguresInput
) -> RegionalFigures:
    """A city bureau sets or clears its own region's figures of `year`, each only where the
    year's policy lets cities set it. A region outside the actor's is NotFound; one within it
    but not the actor's own city (the province looking at a city) is Forbidden. Audited;
    holders of what a changed figure decides follow (`regional_figures_changed`)."""
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound()
    policy_selectors.regional_scope(actor, region)
    if not policy_selectors.may_set_regional_figures(actor) or actor.organisation.region_id != region.pk:
        raise Forbidden(_("本市年度数字由该市人社局设置。"))
    policy = PolicyYear.objects.select_for_update().filter(year=year).first()
    if policy is None:
        raise NotFound(_("%(year)s 年度政策尚未设置。") % {"year": year})
    row = RegionalFigures.objects.select_for_update().filter(policy_year=policy, region=region).first()
    wanted = given(figures)
    errors = []
    for field, value in wanted.items():
        label = _FIGURE_LABELS[field]
        current = getattr(row, field) if row else None
        if value is not None and value != current and not getattr(policy, REGIONAL_FIGURES[field]):
            errors.append(
                {
                    "field": field,
                    "message": _("%(label)s：%(year)s 年度由省人社厅统一规定，各市不能另定。")
                    % {"label": label, "year": year},
                }
            )
        elif field == "plan_filing_deadline" and value is not None and value.year != year:
            errors.append({"field": field, "message": _("%(label)s：应在本年度内。") % {"label": label}})
        elif field == "review_sla_working_days" and value is not None and not 1 <= value <= 60:
            errors.append(
                {"field": field, "message": _("%(label)s：应为 1 至 60 个工作日。") % {"label": label}}
            )
    if errors:
        raise Invalid(errors[0]["message"], errors)
    fields = list(REGIONAL_FIGURES)
    before = snapshot(row, fields) if row else None
    if row is None:
        row = RegionalFigures(policy_year=policy, region=region)
    changed = [f for f, v in wanted.items() if getattr(row, f) != v]
    for field in changed:
        setattr(row, field, wanted[field])
    if row.pk is not None and not changed:
        return row
    row.updated_by = actor.user
    row.save()
    record(actor, actions.POLICY_REGIONAL_FIGURES_SET, row, before=before, after=snapshot(row, fields))
    region_id = region.pk
    transaction.on_commit(
        lambda: regional_figures_changed.send(
            sender=RegionalFigures, year=year, region_id=region_id, changed=changed
        )
    )
    return row


@transaction.atomic
def load_notice_2025(actor: Actor = SYSTEM) -> PolicyYear:
    figures = NOTICE_2025
    policy, created = PolicyYear.objects.get_or_create(
        year=figures["year"],
        defaults={
            **{
                k: figures[k]
                for k in (
                    "declaration_deadline",
                    "plan_filing_deadline",
                    "review_sla_working_days",
                    "notice_reference",
                )
            },
            "reporting_deadline": default_reporting_deadline(figures["year"]),
            "confirmed_at": timezone.now(),
        },
    )
    default, accounting = (
        RequirementProfile.objects.get(code="default"),
        RequirementProfile.objects.get(code="accounting"),
    )
    req = figures["requirements"]
    for profile in (default, accounting):
        Requirement.objects.get_or_create(
            policy_year=policy,
            profile=profile,
            defaults={
                "total_hours": req["total"],
                "public_hours": req["public"],
                "professional_hours": req["professional"],
            },
        )
    if created:
        record(actor, actions.POLICY_YEAR_CREATED, policy, after=snapshot(policy, AUDITED_FIELDS))
    return policy


@transaction.atomic
def load_profiles_and_professions(actor: Actor = SYSTEM) -> int:
    data = json.loads((Path(settings.BASE_DIR) / "data" / "professions.json").read_text(encoding="utf-8"))
    created = 0
    for row in data["profiles"]:
        profile, was_created = RequirementProfile.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"], "is_default": row["is_default"]}
        )
        if was_created:
            record(actor, actions.POLICY_PROFILE_CREATED, profile, after=row)
            created += 1
    profiles = {p.code: p for p in RequirementProfile.objects.all()}
    for order, (code, name, profile_code) in enumerate(data["professions"]):
        _, was_created = Profession.objects.get_or_create(
            code=code, defaults={"name": name, "profile": profiles[profile_code], "sort_order": order}
        )
        created += was_created
    return created
