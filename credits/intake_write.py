"""Writing the fates of judged platform items (credits.intake): the completions in one
INSERT … ON CONFLICT DO NOTHING RETURNING (of concurrent copies the database lets one in), held
or rejected rows moved by conditional UPDATEs, the hour records of the credited through the
ledger in one bulk insert, and the platform's figures of the day in one upsert."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection

from core import bulk, dates
from credits import ledger
from credits.intake_judge import Item
from credits.integrity import check_credited_values, raise_flag
from credits.models import (
    CompletionState,
    HourRecord,
    IntegrityFlag,
    PlatformCompletion,
    PlatformIntakeDay,
    RecordState,
    Source,
)
from filings.models import PlatformCredential
from organisations.models import Organisation
from policy.models import Method


def write(
    platform: Organisation, credential: PlatformCredential | None, items: list[Item], now: dt.datetime
) -> set:
    """Store each item's fate; returns the items this transaction really wrote (new rows it
    inserted, held or rejected rows it moved). Hour records and flags follow for the credited."""
    fresh = [i for i in items if i.pk is None]
    inserted = _insert(platform.pk, credential.pk if credential else None, fresh, now)
    written = {i for i in fresh if i.external_id in inserted}
    for item in fresh:
        item.pk = inserted.get(item.external_id)
    for item in items:
        if item.previous_state is not None and _move(item, now):
            written.add(item)
    credited = [i for i in items if i in written and i.state == CompletionState.CREDITED]
    _credit(platform, credited)
    return written


_COLUMNS = [
    "platform_id",
    "external_id",
    "person_id",
    "id_number_hash",
    "id_number_masked",
    "name",
    "course",
    "category",
    "hours",
    "started_on",
    "completed_on",
    "year",
    "state",
    "hold_reason",
    "reason",
    "received_at",
    "updated_at",
    "credential_id",
]


def _row(item: Item) -> dict:
    """The columns of an item's own; the batch's (platform, credential, time) are added."""
    return {
        "external_id": item.external_id,
        "person_id": item.person_id,
        "id_number_hash": item.id_hash,
        "id_number_masked": item.id_masked,
        "name": item.name,
        "course": item.course,
        "category": item.category,
        "hours": item.hours,
        "started_on": item.started_on,
        "completed_on": item.completed_on,
        "year": item.year,
        "state": item.state,
        "hold_reason": item.hold_reason,
        "reason": item.reason,
    }


def _insert(platform_id: int, credential_id: int | None, items: list[Item], now) -> dict[str, int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING (PostgreSQL and SQLite ≥ 3.35): only the rows
    this transaction really inserted come back; the others were already there."""
    if not items:
        return {}
    # One lock order for concurrent pushes of one platform: by external_id.
    rows = [_row(i) for i in sorted(items, key=lambda i: i.external_id)]
    batch = {
        "platform_id": platform_id,
        "received_at": now,
        "updated_at": now,
        "credential_id": credential_id,
    }
    conflict = "ON CONFLICT (platform_id, external_id) DO NOTHING RETURNING id, external_id"
    if connection.vendor == "postgresql":
        returned = bulk.insert_json(PlatformCompletion._meta.db_table, _COLUMNS, rows, conflict, base=batch)
        return {external_id: pk for pk, external_id in returned}
    table = connection.ops.quote_name(PlatformCompletion._meta.db_table)
    columns = ", ".join(_COLUMNS)
    inserted: dict[str, int] = {}
    with connection.cursor() as cursor:
        ops = connection.ops
        for start in range(0, len(rows), 50):
            chunk = [{**batch, **row} for row in rows[start : start + 50]]
            params = [_sqlite_value(ops, row[column]) for row in chunk for column in _COLUMNS]
            placeholders = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {placeholders} {conflict}", params)
            inserted.update({external_id: pk for pk, external_id in cursor.fetchall()})
    return inserted


def _sqlite_value(ops, value):
    if isinstance(value, dt.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return ops.adapt_datefield_value(value)
    if isinstance(value, Decimal):
        return ops.adapt_decimalfield_value(value, 5, 1)
    return value


def _move(item: Item, now) -> bool:
    """Give a held or rejected row its new fate, only if nobody moved it meanwhile."""
    return bool(
        PlatformCompletion.objects.filter(pk=item.pk, state=item.previous_state).update(
            person_id=item.person_id,
            id_number_hash=item.id_hash,
            id_number_masked=item.id_masked,
            name=item.name,
            course=item.course,
            category=item.category,
            hours=item.hours,
            started_on=item.started_on,
            completed_on=item.completed_on,
            year=item.year,
            state=item.state,
            hold_reason=item.hold_reason,
            reason=item.reason,
            updated_at=now,
        )
    )


def _credit(platform: Organisation, items: list[Item]) -> None:
    """An hour record for each credited item (in person order: the ledger's lock order), and
    an integrity flag for each one that is possible but suspicious."""
    items = sorted(items, key=lambda i: (i.person_id, i.pk))
    organizer = platform.name[:120]
    values = [
        {
            "person_id": item.person_id,
            "year": item.year,
            "category": item.category,
            "method": Method.ONLINE,
            "hours": item.hours,
            "source": Source.PLATFORM,
            "state": RecordState.CREDITED,
            "title": item.course,
            "organizer": organizer,
            "started_on": item.started_on,
            "completed_on": item.completed_on,
            "completion_id": item.pk,
        }
        for item in items
    ]
    ids = ledger.add_record_values(values)
    for item, pk, v in zip(items, ids, values, strict=True):
        if item.flag is not None:
            raise_flag(HourRecord(pk=pk, **v), IntegrityFlag.Kind.PACE, item.flag)
    # The cross-source check reads the values as they are: building 1,000 HourRecord instances
    # for it was a tenth of a push's Python time.
    check_credited_values([{**v, "pk": pk} for pk, v in zip(ids, values, strict=True)])


def count_day(platform_id: int, now: dt.datetime, **counts: int) -> None:
    """Add `counts` (received, credited, held, rejected, duplicates, expired) to the
    platform's figures of the day (Shanghai) in one upsert."""
    if not any(counts.values()):
        return
    names = ["received", "credited", "held", "rejected", "duplicates", "expired"]
    values = [counts.get(n, 0) for n in names]
    table = connection.ops.quote_name(PlatformIntakeDay._meta.db_table)
    day = connection.ops.adapt_datefield_value(dates.local_day(now))
    update = ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in names)
    placeholders = ", ".join(["%s"] * (2 + len(names)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (platform_id, day, {', '.join(names)}) VALUES ({placeholders}) "
            f"ON CONFLICT (platform_id, day) DO UPDATE SET {update}",
            [platform_id, day, *values],
        )
