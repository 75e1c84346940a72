"""Writing audit entries. Every service that changes state calls `record` in its transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models

from audit.models import AuditEntry
from core.actors import Actor


def _jsonable(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    return {f: _jsonable(getattr(instance, f)) for f in fields}


def record(
    actor: Actor,
    action: str,
    target: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor.user,
        actor_role=actor.role,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        before=_jsonable(before),
        after=_jsonable(after),
        note=note[:300],
    )


def record_many(actor: Actor, action: str, targets: list[models.Model], after: dict | None = None):
    """One entry per target, written in one statement (batch approvals, bulk credits)."""
    entries = [
        AuditEntry(
            actor=actor.user,
            actor_role=actor.role,
            action=action,
            target_type=t._meta.label_lower,
            target_id=str(t.pk),
            after=_jsonable(after),
        )
        for t in targets
    ]
    return AuditEntry.objects.bulk_create(entries, batch_size=500)
