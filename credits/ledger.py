"""The hour ledger: the only code that creates HourRecords or changes their state.

Each change adjusts the person's YearSummary inside the caller's transaction, so that the
summary always equals the sum of the records (tests/credits check this invariant).

Concurrency: summary rows are created and locked in (person_id, year) order, so concurrent
transactions touching overlapping people queue behind each other instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from credits.models import HourRecord, RecordState, YearSummary
from filings.models import Category

ZERO = Decimal(0)
# Above this many summaries, PostgreSQL gets one UPDATE … FROM (VALUES …) instead of one each.
_BULK_UPDATE_THRESHOLD = 8


def _contribution(record: HourRecord, state: str) -> tuple[Decimal, Decimal, Decimal]:
    """(public, professional, pending) hours a record in `state` adds to its summary."""
    if state == RecordState.CREDITED:
        if record.category == Category.PUBLIC:
            return record.hours, ZERO, ZERO
        return ZERO, record.hours, ZERO
    if state == RecordState.PENDING:
        return ZERO, ZERO, record.hours
    return ZERO, ZERO, ZERO


def _apply(deltas: dict[tuple[int, int], list[Decimal]]) -> None:
    deltas = {k: v for k, v in sorted(deltas.items()) if any(v)}
    if not deltas:
        return
    # Sorted so that concurrent transactions insert and lock summary rows in the same order.
    YearSummary.objects.bulk_create(
        [YearSummary(person_id=p, year=y) for p, y in deltas], ignore_conflicts=True, batch_size=1000
    )
    if connection.vendor == "postgresql" and len(deltas) > _BULK_UPDATE_THRESHOLD:
        _apply_postgresql(deltas)
        return
    for (person_id, year), (public, professional, pending) in deltas.items():
        YearSummary.objects.filter(person_id=person_id, year=year).update(
            public_hours=F("public_hours") + public,
            professional_hours=F("professional_hours") + professional,
            pending_hours=F("pending_hours") + pending,
        )


def _apply_postgresql(deltas: dict[tuple[int, int], list[Decimal]]) -> None:
    """Lock the rows in key order, then add every delta in one statement."""
    table = YearSummary._meta.db_table
    keys = list(deltas)
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        pairs = ", ".join(["(%s, %s)"] * len(chunk))
        flat = [v for key in chunk for v in key]
        values = ", ".join(["(%s::bigint, %s::int, %s::numeric, %s::numeric, %s::numeric)"] * len(chunk))
        params = [v for key in chunk for v in (*key, *deltas[key])]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {table} WHERE (person_id, year) IN ({pairs}) "
                "ORDER BY person_id, year FOR UPDATE",
                flat,
            )
            cursor.execute(
                f"UPDATE {table} AS s SET public_hours = s.public_hours + v.pu, "
                "professional_hours = s.professional_hours + v.pr, "
                "pending_hours = s.pending_hours + v.pe, updated_at = now() "
                f"FROM (VALUES {values}) AS v(person_id, year, pu, pr, pe) "
                "WHERE s.person_id = v.person_id AND s.year = v.year",
                params,
            )


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
    created = HourRecord.objects.bulk_create(records, batch_size=500)
    deltas: dict = {}
    for record in created:
        _add(deltas, (record.person_id, record.year), _contribution(record, record.state), +1)
    _apply(deltas)
    return created


def add_records_once(records: Iterable[HourRecord]) -> tuple[list[HourRecord], list[HourRecord]]:
    """Insert each record in its own savepoint. A record that a uniqueness rule of the table
    refuses (a class already credited to that person) is not written and comes back in the
    second list. Returns (created, refused)."""
    _require_transaction()
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
    for record in records:
        _add(deltas, (record.person_id, record.year), _contribution(record, record.state), -1)
        for field, value in changes.items():
            setattr(record, field, value)
        record.state = new_state
        record.reason = reason[:300]
        _add(deltas, (record.person_id, record.year), _contribution(record, new_state), +1)
        record.save(update_fields=["state", "reason", "updated_at", *changes.keys()])
    _apply(deltas)


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
