"""Read-only, actor-scoped queries the pages need beyond those of the domain apps."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Person
from accounts.selectors import persons_in_scope
from core import crypto, idnumber
from core.actors import Actor, Role
from core.errors import Forbidden
from credits.display import state_badge
from credits.rules import review_clock
from policy.models import CalendarDay, CalendarYear, PolicyYear

ZERO = Decimal(0)


def people_search_terms(q: str) -> dict:
    """What a people search keeps between requests (the bureau page keeps it in the session):
    an ID number only as its look-up hash and its masked form, never in clear."""
    q = (q or "").strip()
    number = idnumber.normalise(q)
    if len(number) == 18:
        return {"id_hash": crypto.lookup_hash(number), "shown": idnumber.mask(number)}
    return {"q": q} if q else {}


def search_people(actor: Actor, q: str = "", id_hash: str = "") -> QuerySet[Person]:
    """People in the actor's scope, by name, account name, phone or (exactly) the ID number
    (typed in `q`, or as its look-up hash)."""
    qs = persons_in_scope(actor)
    terms = {"id_hash": id_hash} if id_hash else people_search_terms(q)
    if terms.get("id_hash"):
        qs = qs.filter(id_number_hash=terms["id_hash"])
    elif terms.get("q"):
        q = terms["q"]
        qs = qs.filter(Q(name__icontains=q) | Q(user__username=q) | Q(phone=q))
    return qs.distinct().order_by("name_sort", "id")


def current_units(person_ids: list[int]) -> dict[int, Membership]:
    rows = Membership.objects.select_related("unit").filter(
        person_id__in=person_ids, state__in=Membership.ACTIVE_STATES
    )
    return {m.person_id: m for m in rows}


def require_bureau(actor: Actor) -> None:
    if actor is None or not actor.is_role(Role.BUREAU):
        raise Forbidden()


def unconfirmed_policy_years(up_to: int) -> list[int]:
    """Years carried forward (on 1 January or by hand) that no city bureau has confirmed yet."""
    return list(
        PolicyYear.objects.filter(confirmed_at__isnull=True, year__lte=up_to + 1)
        .order_by("year")
        .values_list("year", flat=True)
    )


def policy_years() -> QuerySet[PolicyYear]:
    return PolicyYear.objects.prefetch_related("requirements__profile").order_by("-year")


@dataclass(frozen=True)
class CalendarYearStatus:
    year: int
    entry: CalendarYear | None
    holidays: int
    make_up_days: int


def calendar_years(first: int, last: int) -> list[CalendarYearStatus]:
    entries = {c.year: c for c in CalendarYear.objects.filter(year__range=(first, last))}
    days = list(CalendarDay.objects.filter(date__year__gte=first, date__year__lte=last))
    result = []
    for year in range(last, first - 1, -1):
        in_year = [d for d in days if d.date.year == year]
        result.append(
            CalendarYearStatus(
                year=year,
                entry=entries.get(year),
                holidays=sum(1 for d in in_year if not d.is_working_day),
                make_up_days=sum(1 for d in in_year if d.is_working_day),
            )
        )
    return result


def calendar_days(year: int) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(date__year=year).order_by("date"))


def calendar_entered(year: int) -> bool:
    return CalendarYear.objects.filter(year=year).exists()


def calendar_note(year: int) -> str:
    entry = CalendarYear.objects.filter(year=year).first()
    return entry.note if entry else ""


# --- dashboard figures (read-only, scoped) -------------------------------------------------


@dataclass(frozen=True)
class QueueFigures:
    open: int
    overdue: int
    due_soon: int


def queue_figures(actor: Actor) -> QueueFigures:
    """The reviewer's own open reviews: how many, how many overdue, how many due within 2 days.
    Counted on the queue itself (credits.selectors.review_queue), so the home and the queue
    agree: the reviewer's own declarations are in neither."""
    import datetime as dt

    from credits.selectors import review_queue
    from policy.selectors import today

    if not actor.is_role(Role.UNIT, Role.AUTHORITY) or actor.organisation is None:
        return QueueFigures(0, 0, 0)
    now = today()
    qs = review_queue(actor, "pending").order_by()
    return QueueFigures(
        open=qs.count(),
        overdue=qs.filter(review_clock.overdue_q(now)).count(),
        due_soon=qs.filter(due_on__gte=now, due_on__lte=now + dt.timedelta(days=2)).count(),
    )


@dataclass(frozen=True)
class UnitTimeliness:
    unit: object
    open: int
    overdue: int
    decided: int
    decided_late: int


def units_timeliness(actor: Actor, year: int) -> list[UnitTimeliness]:
    """For an authority (or bureau): each unit's first-level reviews of the declarations of
    `year`, open and late — the figures of credits.selectors.review_timeliness (one
    definition, the same year rule as the timeliness page), one row per unit in scope."""
    from credits.models import Review
    from credits.selectors import review_timeliness
    from organisations.selectors import units_in_scope

    units = list(units_in_scope(actor).order_by("name"))
    if not units:
        return []
    by_unit = {t.organisation.pk: t for t in review_timeliness(actor, year) if t.level == Review.Level.UNIT}
    result = []
    for unit in units:
        t = by_unit.get(unit.pk)
        result.append(
            UnitTimeliness(
                unit=unit,
                open=t.open if t else 0,
                overdue=t.overdue if t else 0,
                decided=t.decided if t else 0,
                decided_late=t.late if t else 0,
            )
        )
    result.sort(key=lambda t: (-t.overdue, -t.open, t.unit.name))
    return result


def person_open_declarations(actor: Actor, limit: int = 8) -> list:
    """The person's declarations that are in review or wait for them (draft, returned)."""
    from credits.models import Declaration, Review

    if not actor.is_role(Role.PERSON) or actor.person is None:
        return []
    rows = list(
        Declaration.objects.filter(
            person=actor.person, state__in=["draft", "pending_unit", "pending_authority", "returned"]
        ).order_by("-updated_at", "-id")[:limit]
    )
    open_reviews = {
        r.declaration_id: r
        for r in Review.objects.filter(declaration__in=rows, decided_at__isnull=True).select_related(
            "organisation"
        )
    }
    for d in rows:
        d.open_review = open_reviews.get(d.pk)
        d.badge = state_badge(d.state)
    return rows


def last_refused_membership(person: Person) -> Membership | None:
    """The latest refusal by a unit, shown to the person themself with its reason."""
    if person is None:
        return None
    return (
        Membership.objects.select_related("unit")
        .filter(person=person, state=Membership.State.REJECTED)
        .order_by("-decided_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class CalendarCell:
    date: dt.date
    in_month: bool
    kind: str  # workday | weekend | holiday (放假的工作日) | makeup (调休上班的周末)
    name: str

    @property
    def label(self) -> str:
        return CELL_LABELS[self.kind]


CELL_LABELS = {"workday": _("工作日"), "weekend": _("休息日"), "holiday": _("放假"), "makeup": _("调休上班")}


@dataclass(frozen=True)
class CalendarMonth:
    month: int
    weeks: list[list[CalendarCell]]


def calendar_months(year: int, days: list[CalendarDay]) -> list[CalendarMonth]:
    """The year as twelve month grids (Monday first), each day marked as the calendar has it."""
    entered = {d.date: d for d in days}
    grid = pycalendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(year, month):
            cells = []
            for day in week:
                weekend = day.weekday() >= 5
                entry = entered.get(day)
                if entry is None:
                    kind = "weekend" if weekend else "workday"
                else:
                    kind = "makeup" if entry.is_working_day else "holiday"
                cells.append(CalendarCell(day, day.month == month, kind, entry.name if entry else ""))
            weeks.append(cells)
        months.append(CalendarMonth(month, weeks))
    return months
