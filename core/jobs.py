"""What every background job (exports, imports) shares: taking a queued job exactly once,
heartbeats, and ending the jobs whose worker died.

A job model has `state` (queued → running → done | failed), `done`, `started_at`,
`heartbeat_at`, `finished_at` and `error`. Tasks are acknowledged late, so a worker that dies
leaves its message to be delivered again; whichever comes first — the redelivered message or
the sweep — decides: a redelivered message restarts a job silent for STALE_AFTER, the sweep
(each app's `end_stale_*` task, every few minutes) ends it as `failed` so that its page says so
and it can be run again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
# A running job with no heartbeat for this long lost its worker.
STALE_AFTER = dt.timedelta(minutes=10)


def claim(model: type[models.Model], job_id: int, now: dt.datetime | None = None) -> bool:
    """Move a queued (or stale running) job to running; False if it is taken or finished."""
    now = now or timezone.now()
    runnable = Q(state=QUEUED) | Q(state=RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    return bool(
        model.objects.filter(runnable, pk=job_id).update(
            state=RUNNING, started_at=now, heartbeat_at=now, finished_at=None, done=0, error=""
        )
    )


def beat(model: type[models.Model], job_id: int, **fields) -> None:
    """Progress (any fields given) with the heartbeat that tells the sweep the worker lives."""
    model.objects.filter(pk=job_id).update(heartbeat_at=timezone.now(), **fields)


def end_stale(
    model: type[models.Model],
    error: str,
    on_end: Callable[[models.Model], None],
    now: dt.datetime | None = None,
) -> int:
    """End as `failed` every running job of `model` silent for STALE_AFTER, each in its own
    transaction with `on_end(job)` (its audit entry). A job whose worker still holds its row
    (a long write in progress, PostgreSQL) is skipped, not waited for. Returns how many."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = model.objects.filter(state=RUNNING, heartbeat_at__lt=cutoff)
    ended = 0
    for job_id in list(stale.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            job = (
                model.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, state=RUNNING, heartbeat_at__lt=cutoff)
                .first()
            )
            if job is None:
                continue
            job.state, job.error, job.finished_at = FAILED, error, timezone.now()
            job.save(update_fields=["state", "error", "finished_at"])
            on_end(job)
        ended += 1
    return ended
