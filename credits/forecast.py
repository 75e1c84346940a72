"""Who is unlikely to meet the year's requirement by its deadline, at their pace so far.

The model is deliberately simple, so that a unit can explain it to a person:

- pace = credited hours ÷ days elapsed since 1 January (per category: public, professional);
- projected = credited + pace × days left until the declaration deadline (31 December), i.e.
  credited × (days elapsed + days left) ÷ days elapsed;
- hours still under review (pending) are not counted in the pace: they are counted apart.

Outlooks: `met` (already compliant), `on_track` (the projection meets every figure),
`if_pending` (it does only if the pending hours are approved), `at_risk` (it does not even
then). The forecast is shown from 1 October (`FORECAST_FROM`): earlier in the year a pace says
little, as most people learn in the autumn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.actors import Actor, Role
from core.errors import Forbidden
from core.hours import format_hours
from credits.rules import compliance
from credits.selectors import staff_compliance
from policy import selectors as policy_selectors

FORECAST_FROM = (10, 1)  # month, day
ZERO = Decimal(0)
WEEK = Decimal(7)
TENTH = Decimal("0.1")

MET, ON_TRACK, IF_PENDING, AT_RISK = "met", "on_track", "if_pending", "at_risk"
OUTLOOK_LABELS = {
    MET: _("已达标"),
    ON_TRACK: _("按目前进度可达标"),
    IF_PENDING: _("审核中学时通过后可达标"),
    AT_RISK: _("按目前进度难以达标"),
}


@dataclass(frozen=True)
class Window:
    """Where the year stands on `today`: days elapsed since 1 January (today included) and days
    left until the deadline (0 on the deadline itself)."""

    year: int
    today: dt.date
    deadline: dt.date
    days_elapsed: int
    days_left: int

    @property
    def available_from(self) -> dt.date:
        return dt.date(self.year, *FORECAST_FROM)

    @property
    def shown(self) -> bool:
        return self.available_from <= self.today <= self.deadline

    @property
    def factor(self) -> Decimal:
        return Decimal(self.days_elapsed + self.days_left) / Decimal(self.days_elapsed)

    @classmethod
    def on(cls, year: int, today: dt.date, deadline: dt.date) -> Window:
        start = dt.date(year, 1, 1)
        elapsed = min(max((today - start).days + 1, 1), (deadline - start).days + 1)
        left = max((deadline - max(today, start)).days, 0)
        return cls(year, today, deadline, elapsed, left)


def window(year: int, today: dt.date | None = None) -> Window:
    deadline = policy_selectors.get_policy_year(year).declaration_deadline
    return Window.on(year, today or policy_selectors.today(), deadline)


@dataclass(frozen=True)
class Outlook:
    outlook: str
    projected_public: Decimal
    projected_professional: Decimal
    weekly_pace: Decimal  # credited hours per week so far
    weekly_needed: Decimal  # hours per week from today that would still meet the requirement

    @property
    def label(self) -> str:
        return str(OUTLOOK_LABELS[self.outlook])

    @property
    def projected_total(self) -> Decimal:
        return self.projected_public + self.projected_professional


def outlook_of(row, w: Window) -> Outlook:
    """The outlook of one staff_compliance row (public, professional, pending, req_*)."""
    req = (row.req_public, row.req_professional, row.req_total)

    def short(public, professional) -> compliance.Shortfall:
        return compliance.shortfall(public, professional, *req)

    public, professional, pending = row.public, row.professional, row.pending
    projected_public = (public * w.factor).quantize(TENTH, ROUND_HALF_UP)
    projected_professional = (professional * w.factor).quantize(TENTH, ROUND_HALF_UP)
    weeks_elapsed = Decimal(w.days_elapsed) / WEEK
    weekly_pace = ((public + professional) / weeks_elapsed).quantize(TENTH, ROUND_HALF_UP)
    missing = short(public, professional).still_needed
    weeks_left = Decimal(w.days_left) / WEEK
    if not missing:
        weekly_needed = ZERO
    elif weeks_left:
        weekly_needed = (missing / weeks_left).quantize(TENTH, ROUND_CEILING)
    else:
        weekly_needed = missing  # the deadline is today: all of it now
    if short(public, professional).compliant:
        outlook = MET
    elif short(projected_public, projected_professional).compliant:
        outlook = ON_TRACK
    elif short(projected_public, projected_professional).still_needed <= pending:
        outlook = IF_PENDING
    else:
        outlook = AT_RISK
    return Outlook(outlook, projected_public, projected_professional, weekly_pace, weekly_needed)


@dataclass(frozen=True)
class PersonForecast:
    row: object  # a staff_compliance Membership row: .person, .unit and the hour figures
    outlook: Outlook


def people_at_risk(actor: Actor, year: int, w: Window | None = None, unit_id: int | None = None):
    """A unit's staff (or one unit's, for a supervisor) who will not make it, with the figures
    that explain why; the short ones only, at-risk first, then by name (pinyin)."""
    w = w or window(year)
    rows = staff_compliance(actor, year, unit_id=unit_id, only_short=True)
    found = [PersonForecast(row, outlook_of(row, w)) for row in rows.iterator(chunk_size=2000)]
    order = {AT_RISK: 0, IF_PENDING: 1, ON_TRACK: 2}
    return sorted(
        (f for f in found if f.outlook.outlook != ON_TRACK),
        key=lambda f: (order[f.outlook.outlook], f.row.person.name_sort, f.row.person_id),
    )


@dataclass(frozen=True)
class UnitForecast:
    unit_id: int
    unit: str
    members: int
    met: int
    on_track: int
    if_pending: int
    at_risk: int


def counts_by_unit(actor: Actor, year: int, w: Window | None = None) -> list[UnitForecast]:
    """Authorities and bureaus see counts per unit in their scope, never names."""
    if not actor.is_role(Role.UNIT, Role.AUTHORITY, Role.BUREAU):
        raise Forbidden(_("当前身份无权查看学时预测。"))
    w = w or window(year)
    counts: dict[int, dict[str, int]] = {}
    short = staff_compliance(actor, year, only_short=True).order_by()
    for row in short.iterator(chunk_size=2000):
        tally = counts.setdefault(row.unit_id, {MET: 0, ON_TRACK: 0, IF_PENDING: 0, AT_RISK: 0})
        tally[outlook_of(row, w).outlook] += 1
    totals = (
        staff_compliance(actor, year)
        .order_by()
        .values("unit_id", "unit__name")
        .annotate(members=Count("id"), met=Count("id", filter=Q(compliant=True)))
    )
    result = []
    for t in totals:
        tally = counts.get(t["unit_id"], {})
        result.append(
            UnitForecast(
                unit_id=t["unit_id"],
                unit=t["unit__name"],
                members=t["members"],
                met=t["met"],
                on_track=tally.get(ON_TRACK, 0),
                if_pending=tally.get(IF_PENDING, 0),
                at_risk=tally.get(AT_RISK, 0),
            )
        )
    return sorted(result, key=lambda u: (-u.at_risk, u.unit, u.unit_id))


def explain(o: Outlook, row, w: Window) -> str:
    """One sentence for a reminder: the pace so far, where it leads, what it would take."""
    if o.outlook not in (AT_RISK, IF_PENDING):
        return ""
    text = str(_("按目前进度（每周约 %(pace)s 学时），到 %(deadline)s 预计只能完成 %(projected)s 学时；")) % {
        "pace": format_hours(o.weekly_pace),
        "deadline": f"{w.deadline.month} 月 {w.deadline.day} 日",
        "projected": format_hours(o.projected_total),
    }
    if o.outlook == IF_PENDING:
        return text + str(_("审核中的 %(pending)s 学时通过后才能达标。")) % {
            "pending": format_hours(row.pending)
        }
    return text + str(_("需每周学习约 %(needed)s 学时才能达标。")) % {"needed": format_hours(o.weekly_needed)}
