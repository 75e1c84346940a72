"""Many rows in one INSERT on PostgreSQL, sent as one JSON parameter.

Django's bulk_create prepares each value of each object through the field API (for the 1,000
hour records of a platform push, half of the push's Python time) and psycopg then adapts every
array element one by one. Sending the rows as one JSON text, typed by the table's own row type
(`json_populate_recordset`; plain `json`, parsed once, costs a fifth less here than `jsonb`),
costs one `json.dumps`; `WITH ORDINALITY … ORDER BY` keeps the rows in the order given (the
lock order callers chose) and RETURNING answers in that order.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import connection


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):  # datetimes too, with their UTC offset
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be sent as JSON")


def insert_json(
    table: str,
    columns: Sequence[str],
    rows: Sequence[Mapping],
    suffix: str = "",
    base: Mapping | None = None,
) -> list[tuple]:
    """INSERT the rows ({column: value}) into `table` (PostgreSQL only); a column a row leaves
    out takes its value from `base` (sent once, not once per row), else NULL. `suffix` is
    appended (ON CONFLICT …, RETURNING …) and the returned rows come back."""
    assert connection.vendor == "postgresql", "insert_json is the PostgreSQL path"
    quoted = connection.ops.quote_name(table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    batch = json.dumps(rows, default=_json_value)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quoted} ({names}) SELECT {names} FROM "
            f"ROWS FROM (json_populate_recordset(json_populate_record(NULL::{quoted}, %s::json), "
            f"%s::json)) WITH ORDINALITY ORDER BY ordinality {suffix}",
            [json.dumps(base or {}, default=_json_value), batch],
        )
        return cursor.fetchall() if "RETURNING" in suffix.upper() else []


# Rows per statement: a 100,000-row attendance sheet sent as one JSON text held its rows three
# times over (tuples, dicts, the text) and took the import past 500 MB.
BATCH = 5000


def create_many(model, objs: list) -> list:
    """`model.objects.bulk_create(objs)` for models whose fields hold plain values (text,
    numbers, dates, foreign keys): the primary keys are set on the objects as Django does.
    Like bulk_create, no save() and no signals."""
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs, batch_size=500)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    stamped = {f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    pk = model._meta.pk
    for start in range(0, len(objs), BATCH):
        batch = objs[start : start + BATCH]
        rows = [
            {f.column: f.pre_save(obj, True) if f in stamped else getattr(obj, f.attname) for f in fields}
            for obj in batch
        ]
        returned = insert_json(
            model._meta.db_table, [f.column for f in fields], rows, f"RETURNING {pk.column}"
        )
        for obj, (value,) in zip(batch, returned, strict=True):
            setattr(obj, pk.attname, value)
            obj._state.adding, obj._state.db = False, connection.alias
    return objs


def insert_values(model, rows: Sequence[dict]) -> list[int]:
    """INSERT new rows given as {field attname: value}, without building model instances; the
    fields left out take their default (evaluated once for the batch: constant defaults
    only) and auto_now(_add) fields the current time (rows leave them out), sent once as the
    batch's base row.
    Returns the new primary keys in order. PostgreSQL only (callers keep a model path for
    SQLite)."""
    from django.utils import timezone

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    renamed = {f.attname: f.column for f in fields if f.attname != f.column}
    assert not renamed, f"insert_values sends attnames as columns: {renamed}"
    now = timezone.now()
    stamped = {
        f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    base = {f.attname: now if f.attname in stamped else f.get_default() for f in fields}
    ids = []
    for start in range(0, len(rows), BATCH):
        returned = insert_json(
            model._meta.db_table,
            [f.column for f in fields],
            rows[start : start + BATCH],
            f"RETURNING {model._meta.pk.column}",
            base=base,
        )
        ids += [value for (value,) in returned]
    return ids
