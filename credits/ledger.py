"""The hour ledger: the only code that creates HourRecords or changes their state.

Each change adjusts the person's YearSummary inside the caller's transaction, so that the
summary always equals the sum of the records (tests/credits check this invariant).

Concurrency: summary rows are created or locked by one upsert in (person_id, year) order, so
concurrent transactions touching overlapping people queue behind each other, never in a circle.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Membership, Person
from accounts.selectors import confirmed_units
from core import bulk
from credits.models import HourRecord, RecordState, YearSummary
from credits.signals import ledger_changed, records_counted
from policy.models import Category

ZERO = Decimal(0)
TENTH = Decimal("0.1")


def _contribution(record: HourRecord, state: str) -> tuple[Decimal, Decimal, Decimal]:
    """(public, professional, pending) hours a record in `state` adds to its summary."""
    return _amounts(record.category, record.hours, state)


def _amounts(category: str, hours: Decimal, state: str) -> tuple[Decimal, Decimal, Decimal]:
    if state == RecordState.CREDITED:
        if category == Category.PUBLIC:
            return hours, ZERO, ZERO
        return ZERO, hours, ZERO
    if state == RecordState.PENDING:
        return ZERO, ZERO, hours
    return ZERO, ZERO, ZERO


# The changes kept for the end of a `summaries_last` block: (summary deltas, hour deltas).
_held_back: ContextVar[tuple[dict, dict] | None] = ContextVar("ledger_held_back", default=None)


def _apply(deltas: dict[tuple[int, int], list[Decimal]], hours: dict | None = None) -> None:
    """Tell the statistics (`credits.signals`) in the same transaction what changed: first the
    credited records (`hours`), then — once the deltas are applied — the summaries, with their
    new totals and their people's units, so the statistics need not read them again. Inside
    a `summaries_last` block both are kept for its end."""
    held_back = _held_back.get()
    if held_back is not None:
        for key, amounts in deltas.items():
            _add(held_back[0], key, amounts, +1)
        for key, (records, amount) in (hours or {}).items():
            counted = held_back[1].setdefault(key, [0, ZERO])
            counted[0] += records
            counted[1] += amount
        return
    # The counts of records need no summary: told first, before the summary rows are locked.
    if hours:
        records_counted.send(sender=HourRecord, hour_deltas=hours)
    totals, staff = _apply_summaries(deltas)
    if totals:
        ledger_changed.send(sender=HourRecord, summary_deltas=deltas, totals=totals, staff=staff)


@contextmanager
def summaries_last():
    """Within the block, the ledger's writes add and move records at once but keep their
    summary and statistics changes for the end of the block, where they are applied together,
    still inside the caller's transaction.

    Why: the summary upsert locks each person's row until the commit, and two platform
    batches almost always share a person, so whatever runs between that upsert and the commit
    runs one transaction at a time. Nothing inside the block may read the summaries it
    changes (they are the old figures until the block ends)."""
    if _held_back.get() is not None:  # nested: the outer block applies
        yield
        return
    held_back: tuple[dict, dict] = ({}, {})
    token = _held_back.set(held_back)
    try:
        yield
    finally:
        _held_back.reset(token)
    _apply(*held_back)


def _hours_key(record: HourRecord) -> tuple:
    return _statistics_key(
        record.person_id,
        record.year,
        record.source,
        record.method,
        record.category,
        record.completed_on,
        record.plan_item_id,
    )


def _statistics_key(person_id, year, source, method, category, completed_on, plan_item_id) -> tuple:
    """The key the statistics count credited records under (supervision.tally)."""
    return (person_id, year, source, method, category, completed_on.month, plan_item_id)


def _count_credit(hours: dict, record: HourRecord, state: str, sign: int) -> None:
    """The credited records and hours the statistics count, by source, method and month."""
    if state == RecordState.CREDITED:
        row = hours.setdefault(_hours_key(record), [0, ZERO])
        row[0] += sign
        row[1] += sign * record.hours


def _apply_summaries(deltas: dict[tuple[int, int], list[Decimal]]) -> tuple[dict, dict]:
    """Add the deltas to the summaries with INSERT … ON CONFLICT DO UPDATE, rows in
    (person_id, year) order (PostgreSQL: one statement over UNNEST arrays; SQLite: 500 rows each).
    Returns the totals {(person, year): (public, professional)} as they are now (RETURNING) and
    the staff {person: (unit, title series)} of those with a confirmed unit.

    Creating a missing summary and locking an existing one happen in the same statement, row
    by row in key order, so concurrent transactions always meet on summary rows in the same
    order and cannot deadlock on them."""
    keys = sorted(k for k, v in deltas.items() if any(v))
    if not keys:
        return {}, {}
    ops = connection.ops
    table = ops.quote_name(YearSummary._meta.db_table)
    now = ops.adapt_datetimefield_value(timezone.now())
    update = (
        f"ON CONFLICT (person_id, year) DO UPDATE SET "
        f"public_hours = {table}.public_hours + excluded.public_hours, "
        f"professional_hours = {table}.professional_hours + excluded.professional_hours, "
        f"pending_hours = {table}.pending_hours + excluded.pending_hours, "
        "updated_at = excluded.updated_at RETURNING person_id, year, public_hours, professional_hours"
    )
    if connection.vendor == "postgresql":
        columns = [[], [], [], [], []]
        for key in keys:
            for i, value in enumerate((*key, *deltas[key])):
                columns[i].append(value)
        # The people's units are read in the same statement: once the rows are locked, every
        # further statement before the commit holds up the pushes waiting for them.
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH changed AS (INSERT INTO {table} (person_id, year, public_hours, "
                "professional_hours, pending_hours, updated_at) SELECT p, y, pu, pr, pe, %s FROM "
                "unnest(%s::bigint[], %s::int[], %s::numeric[], %s::numeric[], %s::numeric[]) "
                f"WITH ORDINALITY AS u(p, y, pu, pr, pe, n) ORDER BY n {update}) "
                f"SELECT c.*, m.unit_id, person.profession_id FROM changed c "
                f"JOIN {ops.quote_name(Person._meta.db_table)} person ON person.id = c.person_id "
                f"LEFT JOIN {ops.quote_name(Membership._meta.db_table)} m "
                "ON m.person_id = c.person_id AND m.state = %s",
                [now, *columns, Membership.State.CONFIRMED],
            )
            totals, staff = {}, {}
            for p, y, pu, pr, unit_id, profession_id in cursor.fetchall():
                totals[(p, y)] = (pu, pr)
                if unit_id is not None:
                    staff[p] = (unit_id, profession_id)
            return totals, staff
    totals = {}
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            params = []
            for person_id, year in chunk:
                public, professional, pending = deltas[(person_id, year)]
                params += [
                    person_id,
                    year,
                    ops.adapt_decimalfield_value(public, 7, 1),
                    ops.adapt_decimalfield_value(professional, 7, 1),
                    ops.adapt_decimalfield_value(pending, 7, 1),
                    now,
                ]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (person_id, year, public_hours, professional_hours, pending_hours, "
                f"updated_at) VALUES {values} {update}",
                params,
            )
            # SQLite hands the numeric columns back as floats: read them as the field does.
            totals.update({(p, y): (_tenths(pu), _tenths(pr)) for p, y, pu, pr in cursor.fetchall()})
    return totals, confirmed_units({p for p, _y in totals})


def _tenths(value) -> Decimal:
    return Decimal(str(value)).quantize(TENTH)


def _add(deltas, key: tuple[int, int], amounts: tuple[Decimal, Decimal, Decimal], sign: int) -> None:
    row = deltas.setdefault(key, [ZERO, ZERO, ZERO])
    for i in range(3):
        row[i] += sign * amounts[i]


def _require_transaction() -> None:
    assert transaction.get_connection().in_atomic_block, "ledger writes need a transaction"


def add_records(records: Iterable[HourRecord]) -> list[HourRecord]:
    """Insert new records (their state already set) and count them in the summaries."""
    _require_transaction()
    records = list(records)
    created = bulk.create_many(HourRecord, records)
    deltas: dict = {}
    hours: dict = {}
    for record in created:
        _add(deltas, (record.person_id, record.year), _contribution(record, record.state), +1)
        _count_credit(hours, record, record.state, +1)
    _apply(deltas, hours)
    return created


def add_record_values(rows: list[dict]) -> list[int]:
    """`add_records` for new records given as {field attname: value} (the others take their
    defaults), counted in the summaries the same way; returns their ids in order. On
    PostgreSQL no model instance is built: for the 1,000 records of a platform push Django's
    model __init__ and field preparation were a sixth of the push's Python time."""
    _require_transaction()
    if connection.vendor != "postgresql":
        return [r.pk for r in add_records(HourRecord(**row) for row in rows)]
    ids = bulk.insert_values(HourRecord, rows)
    deltas: dict = {}
    hours: dict = {}
    for row in rows:
        person_id, year, category, amount, state = (
            row["person_id"],
            row["year"],
            row["category"],
            row["hours"],
            row["state"],
        )
        _add(deltas, (person_id, year), _amounts(category, amount, state), +1)
        if state == RecordState.CREDITED:
            key = _statistics_key(
                person_id,
                year,
                row["source"],
                row["method"],
                category,
                row["completed_on"],
                row.get("plan_item_id"),
            )
            counted = hours.setdefault(key, [0, ZERO])
            counted[0] += 1
            counted[1] += amount
    _apply(deltas, hours)
    return ids


def add_records_once(records: Iterable[HourRecord]) -> tuple[list[HourRecord], list[HourRecord]]:
    """Insert each record in its own savepoint. A record that a uniqueness rule of the table
    refuses (a class already credited to that person) is not written and comes back in the
    second list. Returns (created, refused).

    The whole batch is tried first in one savepoint (callers have left out what they know is
    there, so a refusal is a race): a 100,000-row attendance sheet is one bulk insert, not
    100,000 savepoints. Only if the batch is refused is it retried one record at a time."""
    _require_transaction()
    records = list(records)
    try:
        with transaction.atomic():
            return add_records(records), []
    except IntegrityError:
        for record in records:
            record.pk = None
    created, refused = [], []
    for record in records:
        try:
            with transaction.atomic():
                created += add_records([record])
        except IntegrityError:
            record.pk = None
            refused.append(record)
    return created, refused


def move_records(records: Iterable[HourRecord], new_state: str, reason: str, **changes) -> None:
    """Change the state (and optionally hours, category, year, …) of existing records."""
    _require_transaction()
    deltas: dict = {}
    hours: dict = {}
    for record in records:
        _add(deltas, (record.person_id, record.year), _contribution(record, record.state), -1)
        _count_credit(hours, record, record.state, -1)
        for field, value in changes.items():
            setattr(record, field, value)
        record.state = new_state
        record.reason = reason[:300]
        _add(deltas, (record.person_id, record.year), _contribution(record, new_state), +1)
        _count_credit(hours, record, new_state, +1)
        record.save(update_fields=["state", "reason", "updated_at", *changes.keys()])
    _apply(deltas, hours)


def recompute_summary(person_id: int, year: int) -> YearSummary:
    """Rebuild one summary from the records (repair tool and test oracle)."""
    public = professional = pending = ZERO
    for record in HourRecord.objects.filter(person_id=person_id, year=year):
        a, b, c = _contribution(record, record.state)
        public, professional, pending = public + a, professional + b, pending + c
    summary, _ = YearSummary.objects.update_or_create(
        person_id=person_id,
        year=year,
        defaults={"public_hours": public, "professional_hours": professional, "pending_hours": pending},
    )
    return summary


def summary_mismatches(person_ids: Iterable[int] | None = None) -> list[tuple[int, int]]:
    """(person, year) pairs whose summary differs from the sum of their records (should be [])."""
    records = HourRecord.objects.all()
    summaries = YearSummary.objects.all()
    if person_ids is not None:
        person_ids = list(person_ids)
        records = records.filter(person_id__in=person_ids)
        summaries = summaries.filter(person_id__in=person_ids)
    expected: dict[tuple[int, int], list[Decimal]] = {}
    for record in records.only("person_id", "year", "category", "hours", "state"):
        _add(expected, (record.person_id, record.year), _contribution(record, record.state), +1)
    actual = {
        (s.person_id, s.year): [s.public_hours, s.professional_hours, s.pending_hours] for s in summaries
    }
    wrong = []
    for key in set(expected) | set(actual):
        if expected.get(key, [ZERO] * 3) != actual.get(key, [ZERO] * 3):
            wrong.append(key)
    return sorted(wrong)
