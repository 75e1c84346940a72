"""The hour ledger: the only code that creates HourRecords or changes their state.

Each change adjusts the person's YearSummary inside the caller's transaction, so that the
summary always equals the sum of the records (tests/credits check this invariant).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from credits.models import HourRecord, RecordState, YearSummary
from filings.models import Category

ZERO = Decimal(0)


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
    deltas = {k: v for k, v in deltas.items() if any(v)}
    if not deltas:
        return
    YearSummary.objects.bulk_create(
        [YearSummary(person_id=p, year=y) for p, y in deltas], ignore_conflicts=True
    )
    # Sorted so that concurrent transactions lock summary rows in the same order (no deadlock).
    for (person_id, year), (public, professional, pending) in sorted(deltas.items()):
        YearSummary.objects.filter(person_id=person_id, year=year).update(
            public_hours=F("public_hours") + public,
            professional_hours=F("professional_hours") + professional,
            pending_hours=F("pending_hours") + pending,
        )


def _add(deltas, key: tuple[int, int], amounts: tuple[Decimal, Decimal, Decimal], sign: int) -> None:
    row = deltas.setdefault(key, [ZERO, ZERO, ZERO])
    for i in range(3):
        row[i] += sign * amounts[i]


def add_records(records: Iterable[HourRecord]) -> list[HourRecord]:
    """Insert new records (their state already set) and count them in the summaries."""
    assert transaction.get_connection().in_atomic_block, "ledger writes need a transaction"
    records = list(records)
    created = HourRecord.objects.bulk_create(records, batch_size=500)
    deltas: dict = {}
    for record in created:
        _add(deltas, (record.person_id, record.year), _contribution(record, record.state), +1)
    _apply(deltas)
    return created


def move_records(records: Iterable[HourRecord], new_state: str, reason: str, **changes) -> None:
    """Change the state (and optionally hours, category, year, …) of existing records."""
    assert transaction.get_connection().in_atomic_block, "ledger writes need a transaction"
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
