"""Keeping the statistics' summary rows (supervision.models) in step, and rebuilding them.

The services call in here inside their own transaction:

    records_counted(hour_deltas)                  credits.ledger, whenever credited records change
    ledger_changed(summary_deltas, totals, staff) credits.ledger, after it changed summaries
    review_decided(review)                        credits.services, when a level decides
    person_moved(person_id, old, new)             membership and title-series changes (receivers)

Each call inserts rows of differences and never updates one, so concurrent credits of one unit
do not queue on a hot row. `compact()` folds each key's rows into one; `recompute()` rebuilds
every table from the raw records under an exclusive lock (writers wait, readers do not).

A confirmed member's standing in a year is stored as the difference from having no hours:
`standing(public, professional, req) − standing(0, 0, req)`; the page adds
`standing(0, 0, req)` once per confirmed member (supervision.selectors), so a person with no
hours needs no row at all and a new year needs no rows to be right.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import ExtractMonth

from accounts.models import Membership
from accounts.selectors import confirmed_units
from core import bulk
from core.dates import local_day
from credits.models import HourRecord, RecordState, Review, YearSummary
from credits.rules import compliance, review_clock
from filings.models import PlanItem
from policy.models import CalendarDay, Profession, Requirement
from supervision.models import HoursTally, MemberTally, ReviewTally, StandingTally

ZERO = Decimal(0)
TENTH = Decimal("0.1")
STANDING = (
    "compliant",
    "short_public",
    "short_professional",
    "short_total",
    "lack_public",
    "lack_professional",
    "lack_total",
)
STANDING_SUMS = (*STANDING, "public_hours", "professional_hours", "pending_hours")
TABLES = (MemberTally, StandingTally, HoursTally, ReviewTally)


@dataclass(frozen=True)
class Req:
    public: Decimal
    professional: Decimal
    total: Decimal


def requirements(year: int) -> dict[int, Req]:
    """The requirement of `year` per title series (profession id); {} when the year has none."""
    rows = list(Requirement.objects.filter(policy_year_id=year).select_related("profile"))
    default = next((r for r in rows if r.profile.is_default), None)
    if default is None:
        return {}
    by_profile = {r.profile_id: Req(r.public_hours, r.professional_hours, r.total_hours) for r in rows}
    fallback = by_profile[default.profile_id]
    return {
        pk: by_profile.get(profile, fallback)
        for pk, profile in Profession.objects.values_list("pk", "profile_id")
    }


def standing(public: Decimal, professional: Decimal, req: Req) -> tuple:
    """(compliant, short of public, short of professional, short of the total — each 0 or 1 —,
    and the hours missing in each): the rule of credits.rules.compliance."""
    short = compliance.shortfall(public, professional, req.public, req.professional, req.total)
    public_gap, professional_gap, total_gap = short
    return (
        int(short.compliant),
        int(bool(public_gap)),
        int(bool(professional_gap)),
        int(bool(total_gap)),
        public_gap,
        professional_gap,
        total_gap,
    )


def relative_standing(public: Decimal, professional: Decimal, req: Req | None) -> tuple:
    if req is None:
        return (0,) * len(STANDING)
    now, nothing = standing(public, professional, req), _standing_of_nothing(req)
    return tuple(a - b for a, b in zip(now, nothing, strict=True))


@functools.lru_cache(maxsize=256)
def _standing_of_nothing(req: Req) -> tuple:
    return standing(ZERO, ZERO, req)


def _add(acc: dict, key, values, sign: int = 1) -> None:
    row = acc.get(key)
    if sign < 0:
        values = [-value for value in values]
    acc[key] = list(values) if row is None else list(map(operator.add, row, values))


def _insert(model, fields: tuple[str, ...], keys: tuple[str, ...], acc: dict) -> None:
    rows = [
        {**dict(zip(keys, key, strict=True)), **dict(zip(fields, values, strict=True))}
        for key, values in acc.items()
        if any(values)
    ]
    if not rows:
        return
    # On PostgreSQL without model instances: for the rows of a 1,000-item push, building and
    # preparing them through the field API was a sixth of the push's Python time.
    if connection.vendor == "postgresql":
        bulk.insert_values(model, rows)
    else:
        model.objects.bulk_create([model(**row) for row in rows], batch_size=500)


STANDING_KEYS = ("year", "unit_id", "profession_id")
HOURS_KEYS = ("year", "unit_id", "source", "method", "category", "month", "plan_id")
HOURS_SUMS = ("records", "hours")
MEMBER_KEYS = ("unit_id", "profession_id")
MEMBER_SUMS = ("registered", "confirmed")
REVIEW_KEYS = ("year", "organisation_id", "level", "working_days")
REVIEW_SUMS = ("decided", "on_time")


# ---------------------------------------------------------------------------------------------
# kept in step


def records_counted(hour_deltas: dict) -> None:
    """The ledger changed credited records by `hour_deltas` ({(person, year, source, method,
    category, month, plan_item): [records, hours]}): the hours rows of their units."""
    hours = {k: v for k, v in hour_deltas.items() if any(v)}
    staff = confirmed_units({k[0] for k in hours}) if hours else {}
    hours = {k: v for k, v in hours.items() if k[0] in staff}
    if not hours:
        return
    plan_of = dict(PlanItem.objects.filter(pk__in={k[6] for k in hours if k[6]}).values_list("pk", "plan_id"))
    acc: dict = {}
    for (person_id, year, source, method, category, month, item), values in hours.items():
        unit_id = staff[person_id][0]
        _add(acc, (year, unit_id, source, method, category, month, plan_of.get(item)), values)
    _insert(HoursTally, HOURS_SUMS, HOURS_KEYS, acc)


def ledger_changed(summary_deltas: dict, totals: dict, staff: dict) -> None:
    """After the ledger changed summaries by `summary_deltas` ({(person, year): [public,
    professional, pending]}, already applied; `totals` {(person, year): (public, professional)}
    as they are now, `staff` {person: (unit, title series)} of the confirmed among them): the
    standing rows of their units."""
    keys = [k for k, v in summary_deltas.items() if k[0] in staff and any(v)]
    if not keys:
        return
    reqs = {y: requirements(y) for y in {y for _p, y in keys}}
    standing_acc: dict = {}
    for key in keys:
        person_id, year = key
        unit_id, profession_id = staff[person_id]
        d_public, d_professional, d_pending = summary_deltas[key]
        public, professional = totals[key]
        req = reqs[year].get(profession_id)
        # The change of the standing relative to no hours: the no-hours part cancels out.
        if req is None:
            diff = (0,) * len(STANDING)
        else:
            after = standing(public, professional, req)
            before = standing(public - d_public, professional - d_professional, req)
            diff = tuple(map(operator.sub, after, before))
        _add(standing_acc, (year, unit_id, profession_id), (*diff, d_public, d_professional, d_pending))
    _insert(StandingTally, STANDING_SUMS, STANDING_KEYS, standing_acc)


def _person_rows(person_id: int, unit_id: int, profession_id: int, sign: int) -> None:
    """Add (sign +1) or take away (−1) everything a person's hours contribute under a unit."""
    standing_acc: dict = {}
    reqs: dict = {}
    for year, public, professional, pending in YearSummary.objects.filter(person_id=person_id).values_list(
        "year", "public_hours", "professional_hours", "pending_hours"
    ):
        if year not in reqs:
            reqs[year] = requirements(year)
        rel = relative_standing(public, professional, reqs[year].get(profession_id))
        _add(standing_acc, (year, unit_id, profession_id), (*rel, public, professional, pending), sign)
    _insert(StandingTally, STANDING_SUMS, STANDING_KEYS, standing_acc)
    hours_acc: dict = {}
    rows = (
        HourRecord.objects.filter(person_id=person_id, state=RecordState.CREDITED)
        .annotate(month=ExtractMonth("completed_on"))
        .values_list("year", "source", "method", "category", "month", "plan_item__plan_id")
        .annotate(n=Count("id"), h=Sum("hours"))
        .order_by()
    )
    for year, source, method, category, month, plan_id, n, h in rows:
        _add(hours_acc, (year, unit_id, source, method, category, month, plan_id), (n, h), sign)
    _insert(HoursTally, HOURS_SUMS, HOURS_KEYS, hours_acc)


def person_moved(person_id: int, old: tuple | None, new: tuple | None) -> None:
    """A person's (unit id, profession id, membership state) went from `old` to `new` (None:
    no such link): their member counts and, if confirmed, their hours move with them."""
    if old == new:
        return
    members: dict = {}
    for link, sign in ((old, -1), (new, +1)):
        if link is None:
            continue
        unit_id, profession_id, state = link
        registered = state in Membership.ACTIVE_STATES
        confirmed = state == Membership.State.CONFIRMED
        _add(members, (unit_id, profession_id), (int(registered), int(confirmed)), sign)
        if confirmed:
            _person_rows(person_id, unit_id, profession_id, sign)
    _insert(MemberTally, MEMBER_SUMS, MEMBER_KEYS, members)


class WorkCalendar:
    """Working days between two dates from the CalendarDay table (Monday–Friday otherwise)."""

    def __init__(self, first: dt.date, last: dt.date):
        self.first, self.last = first, last
        self.overrides = dict(
            CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "is_working_day")
        )

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end ≤ start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.overrides.get(day, day.weekday() < 5):
                count += 1
        return count


def _review_key(review: Review, year: int, calendar: WorkCalendar) -> tuple:
    arrived, decided = local_day(review.arrived_at), local_day(review.decided_at)
    days = min(calendar.between(arrived, decided), 32767)
    return (year, review.organisation_id, review.level, days), (1, int(not review_clock.is_overdue(review)))


def review_decided(review: Review, year: int) -> None:
    """A level decided `review` of a declaration of `year`: count how long it took."""
    calendar = WorkCalendar(local_day(review.arrived_at), local_day(review.decided_at))
    key, values = _review_key(review, year, calendar)
    _insert(ReviewTally, REVIEW_SUMS, REVIEW_KEYS, {key: list(values)})


# ---------------------------------------------------------------------------------------------
# compaction and recomputation


def _fold(model, keys: tuple[str, ...], sums: tuple[str, ...], upto: int) -> int:
    """Delete the rows with id ≤ `upto` and insert one row per key with their sums. The DELETE
    answers the rows it removed (RETURNING), so a row another transaction commits meanwhile is
    either folded or left alone, never lost nor counted twice."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(k.removesuffix("_id") if k.endswith("_id") else k).column for k in keys]
    returned = ", ".join(connection.ops.quote_name(c) for c in (*columns, *sums))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id <= %s RETURNING {returned}", [upto])
        removed = cursor.fetchall()
    acc: dict = {}
    decimal_fields = {s for s in sums if model._meta.get_field(s).get_internal_type() == "DecimalField"}
    for row in removed:
        values = [
            Decimal(str(v)).quantize(TENTH) if name in decimal_fields else v
            for name, v in zip(sums, row[len(keys) :], strict=True)
        ]
        _add(acc, tuple(row[: len(keys)]), values)
    _insert(model, sums, keys, acc)
    return len(removed)


_LAYOUT = {
    MemberTally: (MEMBER_KEYS, MEMBER_SUMS),
    StandingTally: (STANDING_KEYS, STANDING_SUMS),
    HoursTally: (HOURS_KEYS, HOURS_SUMS),
    ReviewTally: (REVIEW_KEYS, REVIEW_SUMS),
}


def compact() -> dict[str, int]:
    """Fold every table's rows into one per key (the beat runs it every few minutes)."""
    folded = {}
    for model, (keys, sums) in _LAYOUT.items():
        with transaction.atomic():
            top = model.objects.order_by("-id").values_list("id", flat=True).first()
            if top is None:
                folded[model.__name__] = 0
                continue
            folded[model.__name__] = _fold(model, keys, sums, top)
    return folded


def _lock_tables(tables: tuple) -> None:
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")


def _confirmed_unit():
    return Subquery(
        Membership.objects.filter(person_id=OuterRef("person_id"), state=Membership.State.CONFIRMED).values(
            "unit_id"
        )[:1]
    )


def _expected_members() -> dict:
    members: dict = {}
    for unit_id, profession_id, state, n in (
        Membership.objects.filter(state__in=Membership.ACTIVE_STATES)
        .values_list("unit_id", "person__profession_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    ):
        _add(members, (unit_id, profession_id), (n, n if state == Membership.State.CONFIRMED else 0))
    return members


def _expected_standing(year: int | None = None) -> dict:
    acc: dict = {}
    reqs: dict = {}
    summaries = YearSummary.objects.annotate(unit_id=_confirmed_unit()).filter(unit_id__isnull=False)
    if year is not None:
        summaries = summaries.filter(year=year)
    for year_, unit_id, profession_id, public, professional, n, pending in (
        summaries.values_list(
            "year", "unit_id", "person__profession_id", "public_hours", "professional_hours"
        )
        .annotate(n=Count("id"), pending=Sum("pending_hours"))
        .order_by()
    ):
        if year_ not in reqs:
            reqs[year_] = requirements(year_)
        rel = relative_standing(public, professional, reqs[year_].get(profession_id))
        _add(
            acc,
            (year_, unit_id, profession_id),
            (*(n * v for v in rel), n * public, n * professional, pending),
        )
    return acc


def _expected_hours() -> dict:
    acc: dict = {}
    rows = (
        HourRecord.objects.filter(state=RecordState.CREDITED)
        .annotate(unit_id=_confirmed_unit(), month=ExtractMonth("completed_on"))
        .filter(unit_id__isnull=False)
        .values_list("year", "unit_id", "source", "method", "category", "month", "plan_item__plan_id")
        .annotate(n=Count("id"), h=Sum("hours"))
        .order_by()
    )
    for *key, n, h in rows:
        _add(acc, tuple(key), (n, h))
    return acc


def _expected_reviews() -> dict:
    acc: dict = {}
    decided = Review.objects.filter(decided_at__isnull=False).annotate(year=F("declaration__year"))
    first = decided.order_by("arrived_at").values_list("arrived_at", flat=True).first()
    last = decided.order_by("-decided_at").values_list("decided_at", flat=True).first()
    if first is None:
        return acc
    calendar = WorkCalendar(local_day(first), local_day(last))
    for review in decided.only("organisation_id", "level", "arrived_at", "decided_at", "due_on").iterator(
        chunk_size=5000
    ):
        key, values = _review_key(review, review.year, calendar)
        _add(acc, key, values)
    return acc


_EXPECTED = {
    MemberTally: _expected_members,
    StandingTally: _expected_standing,
    HoursTally: _expected_hours,
    ReviewTally: _expected_reviews,
}


def expected() -> dict[str, dict]:
    """Every table's figures computed from the raw records: {table: {key: [sums]}}."""
    return {model.__name__: compute() for model, compute in _EXPECTED.items()}


def stored() -> dict[str, dict]:
    """What the tables hold now, summed per key (zero sums left out)."""
    out = {}
    for model, (keys, sums) in _LAYOUT.items():
        acc: dict = {}
        for row in model.objects.values_list(*keys).annotate(*[Sum(s) for s in sums]).order_by():
            _add(acc, tuple(row[: len(keys)]), row[len(keys) :])
        out[model.__name__] = {k: v for k, v in acc.items() if any(v)}
    return out


def normalised(figures: dict[str, dict]) -> dict[str, dict]:
    return {
        table: {k: [Decimal(str(x)) for x in v] for k, v in rows.items() if any(v)}
        for table, rows in figures.items()
    }


@transaction.atomic
def recompute(tables: tuple = TABLES) -> dict[str, int]:
    """Rebuild the tables from the raw records (repair tool; the agreement test's oracle).
    Writers of credits wait for it on PostgreSQL (an exclusive lock on the tables rebuilt)."""
    _lock_tables(tables)
    counts = {}
    for model in tables:
        keys, sums = _LAYOUT[model]
        figures = _EXPECTED[model]()
        model.objects.all().delete()
        _insert(model, sums, keys, figures)
        counts[model.__name__] = model.objects.count()
    return counts


@transaction.atomic
def recompute_standing(year: int) -> int:
    """Rebuild one year's standing (its requirement changed): the other years and tables stay."""
    _lock_tables((StandingTally,))
    figures = _expected_standing(year)
    StandingTally.objects.filter(year=year).delete()
    _insert(StandingTally, STANDING_SUMS, STANDING_KEYS, figures)
    return StandingTally.objects.filter(year=year).count()


def disagreements() -> dict[str, set]:
    """Keys whose stored sums differ from the records' (should be empty)."""
    want, have = normalised(expected()), normalised(stored())
    wrong = {}
    for table in want:
        keys = {k for k in set(want[table]) | set(have[table]) if want[table].get(k) != have[table].get(k)}
        if keys:
            wrong[table] = keys
    return wrong
