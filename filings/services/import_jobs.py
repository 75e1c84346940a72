"""Import jobs: an uploaded `.xlsx` is read outside any transaction, then written in one.

A kind of import names how its target is checked before queueing, how its sheet is read and
how its rows are written (`ImportKind`). Filings registers the plan rows; an app above filings
registers its own kind (`register_import_kind`), so the job machinery never imports it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment
from audit import actions
from audit.services import record
from core import jobs
from core.actors import Actor
from core.errors import DomainError, Forbidden, Invalid
from filings import imports, selectors
from filings.imports import RowErrors
from filings.models import ImportJob, PlanItem, TrainingPlan
from filings.services import common, plans

logger = logging.getLogger(__name__)

MAX_STORED_ROW_ERRORS = 2000  # bad rows kept on a job (the detail says how many rows were bad)

Progress = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class ImportKind:
    """One kind of import: `limits()` the sheet's limits (looked up at each upload);
    `target(actor, target_id)` checks scope and state before the job is queued and gives the
    job's plan and plan item; `read(file, job, progress)` reads the sheet
    (DomainError / RowErrors: the job fails with them); `write(actor, job, rows)` writes inside
    the job's transaction and answers the job's result."""

    limits: Callable[[], imports.Limits]
    target: Callable[[Actor, int], tuple[TrainingPlan, PlanItem | None]]
    read: Callable[..., list]
    write: Callable[[Actor, ImportJob, list], dict]


_KINDS: dict[str, ImportKind] = {}


def register_import_kind(kind: str, handler: ImportKind) -> None:
    """Make `kind` (an ImportJob.Kind) importable; called once at start-up by the app owning it."""
    _KINDS[kind] = handler


def _plan_target(actor: Actor, plan_id: int) -> tuple[TrainingPlan, None]:
    plan = selectors.get_plan(actor, plan_id)
    common.require_editable(actor, plan)
    return plan, None


register_import_kind(
    ImportJob.Kind.PLAN_ITEMS,
    ImportKind(
        limits=lambda: imports.PLAN_LIMITS,
        target=_plan_target,
        read=lambda source, job, progress: imports.read_plan_rows(source, job.plan.year, progress),
        write=lambda actor, job, rows: plans.write_plan_import(actor, job.plan_id, rows, job.file_name),
    ),
)


def _kind(kind: str) -> ImportKind:
    if kind not in _KINDS:
        raise Invalid.field("kind", _("导入内容：不支持。"))
    return _KINDS[kind]


def start_import(actor: Actor, *, kind: str, target_id: int, upload) -> ImportJob:
    """Queue the import of an `.xlsx` of `kind` into `target_id` (for plan rows, a draft plan
    whose items they replace). What needs no reading of the sheet is refused now — scope,
    state, name, size and the zip's declared sizes; the rest in the job. Eager (no REDIS_URL)
    the job has run when this returns."""
    handler = _kind(kind)
    plan, item = handler.target(actor, target_id)
    imports.check_upload(upload, handler.limits())
    file_name = (getattr(upload, "name", "") or "upload.xlsx")[:200]
    with transaction.atomic():
        job = ImportJob(
            kind=kind,
            created_by=actor.user,
            actor_role=actor.role,
            organisation=actor.organisation,
            plan=plan,
            plan_item=item,
            file_name=file_name,
        )
        upload.seek(0)
        job.file.save("upload.xlsx", upload, save=False)
        job.save()
        record(actor, actions.IMPORT_QUEUED, job, after={"kind": kind, "plan": plan.pk, "file": file_name})
    _dispatch_import(job.pk)
    job.refresh_from_db()
    return job


def rerun_import(actor: Actor, *, job_id: int) -> ImportJob:
    """Queue again a job that failed while its file is kept (its worker died)."""
    job = selectors.import_job_for(actor, job_id)
    with transaction.atomic():
        again = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.FAILED).exclude(file="")
        if not again.update(
            state=ImportJob.State.QUEUED, stage="", error="", row_errors=[], finished_at=None
        ):
            raise Invalid.field("job", _("导入任务：只有中断（文件仍保留）的任务可以重新运行。"))
        record(actor, actions.IMPORT_REQUEUED, job, before={"state": "failed"}, after={"state": "queued"})
    _dispatch_import(job.pk)
    job.refresh_from_db()
    return job


def _dispatch_import(job_id: int) -> None:
    # filings.tasks imports this module: the task is looked up when a job is sent.
    from filings.tasks import run_import as task

    def send() -> None:
        try:
            task.delay(job_id)
        except Exception as exc:  # the broker is down: say so on the job instead of a 500
            logger.exception("import job %s could not be queued", job_id)
            _fail_import(
                job_id, _("无法提交后台任务，请稍后重试（%(kind)s）。") % {"kind": type(exc).__name__}
            )

    # A worker must find the job committed; eager, this process is the worker and runs it now.
    if settings.CELERY_TASK_ALWAYS_EAGER:
        send()
    else:
        transaction.on_commit(send)


def _fail_import(job_id: int, error: str, row_errors: list | None = None) -> None:
    job = ImportJob.objects.select_related("created_by", "organisation").get(pk=job_id)
    was = job.state
    with transaction.atomic():
        # A job the sweep already ended keeps that outcome, and its file for a re-run.
        unfinished = ImportJob.objects.filter(
            pk=job_id, state__in=(ImportJob.State.QUEUED, ImportJob.State.RUNNING)
        )
        if not unfinished.update(
            state=ImportJob.State.FAILED,
            stage="",
            error=error,
            row_errors=(row_errors or [])[:MAX_STORED_ROW_ERRORS],
            finished_at=timezone.now(),
        ):
            return
        record(
            _job_actor(job, check=False),
            actions.IMPORT_FAILED,
            job,
            before={"state": was},
            after={"state": "failed", "error": error[:300]},
        )
    _drop_file(job)


def _drop_file(job: ImportJob) -> None:
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def _job_actor(job: ImportJob, check: bool = True) -> Actor:
    """The scope the job was asked in, as long as its creator still holds that role."""
    actor = Actor(user=job.created_by, role=job.actor_role, organisation=job.organisation)
    if check:
        held = RoleAssignment.objects.filter(
            user_id=job.created_by_id, role=job.actor_role, organisation_id=job.organisation_id
        ).exists()
        if not held or not job.created_by.is_active:
            raise Forbidden(_("上传人已不再拥有上传时的身份，导入已停止。"))
    return actor


class _Superseded(Exception):
    """The job was ended (or restarted) by someone else while this run was reading."""


def run_import(job_id: int) -> str:
    """Run a queued import: read the sheet outside any transaction (heartbeat and progress
    every few thousand rows), then write everything in one transaction that also marks the
    job done — rows and outcome commit together or not at all. A bad file or bad rows end
    the job `failed` with every bad row; an error is never raised to the caller."""
    if not jobs.claim(ImportJob, job_id):
        return ImportJob.objects.filter(pk=job_id).values_list("state", flat=True).first() or "missing"
    job = ImportJob.objects.select_related("created_by", "organisation", "plan", "plan_item").get(pk=job_id)
    # Eager inside a transaction (tests, a caller's atomic block): a savepoint keeps a database
    # error from poisoning the outer transaction, so the failure can still be written.
    guard = transaction.atomic() if transaction.get_connection().in_atomic_block else contextlib.nullcontext()
    try:
        with guard:
            handler = _kind(job.kind)
            actor = _job_actor(job)
            jobs.beat(ImportJob, job.pk, stage=ImportJob.Stage.READING)

            def progress(done: int, declared: int | None) -> None:
                jobs.beat(ImportJob, job.pk, done=done, total=declared)

            with job.file.open("rb") as source:
                rows = handler.read(source, job, progress)
            jobs.beat(ImportJob, job.pk, stage=ImportJob.Stage.WRITING)
            with transaction.atomic():
                mine = ImportJob.objects.select_for_update().filter(
                    pk=job.pk, state=ImportJob.State.RUNNING, started_at=job.started_at
                )
                if not mine.exists():
                    raise _Superseded
                result = handler.write(actor, job, rows)
                mine.update(state=ImportJob.State.DONE, stage="", result=result, finished_at=timezone.now())
                record(
                    actor,
                    actions.IMPORT_DONE,
                    job,
                    before={"state": "running"},
                    after={"state": "done", **result},
                )
    except _Superseded:
        return ImportJob.objects.filter(pk=job_id).values_list("state", flat=True).first()
    except DomainError as exc:
        rows = getattr(exc, "rows", None) or exc.errors
        _fail_import(job.pk, exc.detail, rows)
        return ImportJob.State.FAILED
    except Exception as exc:  # every other failure ends the job too, with its kind
        logger.exception("import job %s failed", job_id)
        text = _("导入时发生错误（%(kind)s），未导入任何行。") % {"kind": type(exc).__name__}
        _fail_import(job.pk, text)
        return ImportJob.State.FAILED
    _drop_file(job)
    return ImportJob.State.DONE


def import_error(job: ImportJob) -> DomainError:
    """A failed job's outcome as the error the API and pages show (422, every bad row)."""
    if any("row" in e for e in job.row_errors):
        return RowErrors(job.error, job.row_errors)
    return Invalid(job.error, job.row_errors)


def end_stale_imports(now: dt.datetime | None = None) -> int:
    """End as failed the imports whose worker died (silent for jobs.STALE_AFTER): nothing was
    written (the write is one transaction); the file is kept so the job can run again."""

    def audit(job: ImportJob) -> None:
        record(
            _job_actor(job, check=False),
            actions.IMPORT_FAILED,
            job,
            before={"state": "running"},
            after={"state": "failed", "error": job.error},
        )

    return jobs.end_stale(
        ImportJob, _("导入中断（后台处理进程已停止），未导入任何行。可以重新运行。"), audit, now
    )
