"""What each role's home shows: the answer to its first question, at a glance."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from accounts.models import Membership
from core import charts
from core.actors import Actor, Role
from core.errors import DomainError
from credits import forecast
from credits import selectors as credit_selectors
from filings import rules as filing_rules
from filings import selectors as filing_selectors
from filings.models import FilingState
from organisations import selectors as org_selectors
from policy import selectors as policy_selectors
from reports import selectors as report_selectors
from supervision import selectors as supervision_selectors
from web import selectors as web_selectors


def _deadline(year: int):
    try:
        policy = policy_selectors.get_policy_year(year)
    except Exception:
        return None, None
    return policy, (policy.declaration_deadline - policy_selectors.today()).days


def _figures(actor: Actor, policy) -> policy_selectors.Figures | None:
    """The year's figures that apply in the actor's region (its city's own where it set them)."""
    if policy is None:
        return None
    return policy_selectors.figures_for(actor.organisation.region_id, policy.year)


def _own_progress(actor: Actor, year: int):
    try:
        return credit_selectors.progress(actor, year)
    except DomainError:
        return None  # the year's requirement is not set


def person(actor: Actor) -> dict:
    person = actor.person
    year = policy_selectors.today().year
    policy, days_left = _deadline(year)
    return {
        "person": person,
        "membership": account_selectors.current_membership(person),
        "year": year,
        "policy": policy,
        "days_left": days_left,
        "progress": _own_progress(actor, year),
        "in_review": web_selectors.person_open_declarations(actor),
        "last_refused": web_selectors.last_refused_membership(person),
    }


def unit(actor: Actor) -> dict:
    year = policy_selectors.today().year
    policy, days_left = _deadline(year)
    staff = supervision_selectors.standing_by_unit(actor, year)
    return {
        "year": year,
        "policy": policy,
        "figures": _figures(actor, policy),
        "days_left": days_left,
        "queue": web_selectors.queue_figures(actor),
        "pending_members": account_selectors.unit_members(actor, Membership.State.PENDING)[:5],
        "pending_count": account_selectors.unit_members(actor, Membership.State.PENDING).count(),
        "confirmed_count": sum(u.members for u in staff),
        "short_count": sum(u.short for u in staff),
        "year_open": policy is not None and not policy_selectors.is_past(policy.declaration_deadline),
        "completion_chart": completion_chart(actor, year),
        "forecast": _unit_forecast(actor, year) if policy is not None else None,
    }


def _unit_forecast(actor: Actor, year: int) -> dict | None:
    """From 1 October: how many of the unit's staff will not make it at their pace so far."""
    window = forecast.window(year)
    if not window.shown:
        return None
    tally = forecast.counts_by_unit(actor, year, window)
    return {
        "at_risk": sum(u.at_risk for u in tally),
        "if_pending": sum(u.if_pending for u in tally),
        "deadline": window.deadline,
    }


def completion_chart(actor: Actor, year: int) -> charts.Chart:
    """The unit's confirmed staff who met (and missed) each figure of this year's requirement."""
    figures = report_selectors.completion_by_category(actor, year)
    met = [
        (_("公需科目"), figures.public),
        (_("专业科目"), figures.professional),
        (_("总学时"), figures.total),
        (_("全部达标"), figures.compliant),
    ]
    title = _("%(year)s 年度本单位人员学时完成情况") % {"year": year}
    if not figures.members:
        return charts.stacked_bar_chart(
            "unit-completion", title, [], [], unit=_("人"), description=_("本单位暂无已确认的人员。")
        )
    description = _(
        "本单位 %(n)s 名已确认人员中：公需科目达标 %(public)s 人，专业科目达标 %(professional)s 人，"
        "总学时达标 %(total)s 人，三项全部达标 %(all)s 人；其余未达标。"
    ) % {
        "n": figures.members,
        "public": figures.public,
        "professional": figures.professional,
        "total": figures.total,
        "all": figures.compliant,
    }
    return charts.stacked_bar_chart(
        "unit-completion",
        title,
        [label for label, _n in met],
        [
            charts.Series(_("已达标"), [n for _label, n in met], "ok"),
            charts.Series(_("未达标"), [figures.members - n for _label, n in met], "short"),
        ],
        unit=_("人"),
        category_name=_("要求"),
        description=description,
    )


def authority(actor: Actor) -> dict:
    year = policy_selectors.today().year
    policy, days_left = _deadline(year)
    timeliness = web_selectors.units_timeliness(actor, year)
    return {
        "year": year,
        "policy": policy,
        "figures": _figures(actor, policy),
        "days_left": days_left,
        "queue": web_selectors.queue_figures(actor),
        "timeliness": timeliness[:10],
        "unit_count": len(timeliness),
        "units_overdue": sum(1 for t in timeliness if t.overdue),
        "compliance": sorted(
            supervision_selectors.standing_by_unit(actor, year),
            key=lambda u: (u.compliant / u.members if u.members else 1, u.unit.name),
        )[:10],
    }


def base(actor: Actor) -> dict:
    year = policy_selectors.today().year
    policy, _days = _deadline(year)
    plans = filing_selectors.plans_in_scope(actor).order_by("-year", "-id")[:5]
    platforms = filing_selectors.platform_filings_in_scope(actor).order_by("-year", "-id")[:5]
    return {
        "year": year,
        "policy": policy,
        "plan_filing_deadline": filing_rules.plan_filing_deadline(actor.organisation, year)
        if policy
        else None,
        "today": policy_selectors.today(),
        "plans": plans,
        "platforms": platforms,
    }


def bureau(actor: Actor) -> dict:
    today = policy_selectors.today()
    next_year = today.year + 1
    overview = report_selectors.overview(actor, today.year)
    return {
        "year": today.year,
        "next_year": next_year,
        "calendar_warning": today.month >= 11 and not web_selectors.calendar_entered(next_year),
        "next_policy_missing": today.month >= 11
        and not policy_selectors.PolicyYear.objects.filter(year=next_year).exists(),
        "unconfirmed_years": web_selectors.unconfirmed_policy_years(today.year),
        "may_edit_policy": policy_selectors.may_edit_policy(actor),
        "decides_filings": filing_selectors.may_grant_exceptions(actor),
        "plans_waiting": filing_selectors.plans_in_scope(actor).filter(state=FilingState.SUBMITTED).count(),
        "platforms_waiting": filing_selectors.platform_filings_in_scope(actor)
        .filter(state=FilingState.SUBMITTED)
        .count(),
        "unit_count": org_selectors.units_in_scope(actor).count(),
        # One active membership per person: the confirmed staff of the scope are its people.
        "person_count": overview.members,
        "overview": overview,
    }


_BY_ROLE = {
    Role.PERSON: person,
    Role.UNIT: unit,
    Role.AUTHORITY: authority,
    Role.BASE: base,
    Role.BUREAU: bureau,
}


def context_for(actor: Actor) -> dict:
    return _BY_ROLE[actor.role](actor)
