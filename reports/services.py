"""Writes of reports: issuing a person's record of a year, and export jobs.

issue_record(actor, year=, person_id=None, verify_url=None) → Issued
start_compliance_export(actor, filters) → ExportJob (queued; the Celery task runs it)
run_export(job_id) → the job's final state (the body of `reports.tasks.run_export`)
end_stale_exports(now=None) → how many running exports whose worker died were ended as failed
purge_expired_exports(now=None) → how many export files were deleted (daily task)

Each write is one transaction with its audit entry. Reads go through scoped selectors: a person
outside the actor's scope is a NotFound (404), a wrong role a Forbidden (403).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Person, RoleAssignment
from accounts.selectors import current_membership
from audit import actions
from audit.services import record
from core import jobs
from core.actors import SYSTEM, Actor, Role
from core.errors import DomainError, Forbidden, Invalid
from core.replica import reporting_alias
from credits import selectors as credit_selectors
from credits.models import RecordState
from reports import selectors
from reports.exports import write_compliance
from reports.models import ExportJob, IssuedRecord
from reports.records import RecordLine, RecordSheet, render_record_pdf

logger = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out and typed by people
CODE_LENGTH = 12
PROGRESS_EVERY = 500  # rows between two progress updates of an export job
STAFF = (Role.UNIT, Role.AUTHORITY, Role.BUREAU)


# ---------------------------------------------------------------------------------------------
# the person's record of a year (继续教育学时证明)


@dataclass(frozen=True)
class Issued:
    record: IssuedRecord
    pdf: bytes
    filename: str


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳修 → 欧**: enough for an employer holding the printout to compare."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def _sheet_data(actor: Actor, year: int, person_id: int | None):
    """(person, progress, credited records) through the scoped credit selectors."""
    if person_id is None:
        if not actor.is_role(Role.PERSON):
            raise Forbidden(_("只有专业技术人员本人可以打印本人的学时证明。"))
        person = credit_selectors.own_person(actor)
        progress = credit_selectors.progress(actor, year)
        records = credit_selectors.hour_records(actor, year)
    else:
        if not actor.is_role(Role.PERSON, *STAFF):
            raise Forbidden(_("当前身份不能出具学时证明。"))
        progress = credit_selectors.person_progress(actor, person_id, year)
        records = credit_selectors.person_hour_records(actor, person_id, year)
        person = Person.objects.select_related("profession").get(pk=progress.person_id)
    credited = sorted(
        (r for r in records if r.state == RecordState.CREDITED), key=lambda r: (r.completed_on, r.pk)
    )
    return person, progress, credited


def issue_record(
    actor: Actor, *, year: int, person_id: int | None = None, verify_url: Callable[[str], str] | None = None
) -> Issued:
    """Draw the record of `year` for the acting person (person_id None) or for a person in the
    actor's scope, and keep an IssuedRecord (code, SHA-256 of the PDF, the figures printed) so
    that the printout can be verified. `verify_url(code)` gives the address printed on it."""
    if not 2000 <= int(year) <= 2100:
        raise Invalid.field("year", _("年度：取值不正确。"))
    person, progress, credited = _sheet_data(actor, year, person_id)
    membership = current_membership(person)
    unit = membership.unit.name if membership else _("（未关联工作单位）")
    if membership is not None and membership.state != membership.State.CONFIRMED:
        unit += _("（待单位确认）")
    code = new_code()
    issued_at = timezone.now()
    verify_url = verify_url or (lambda c: reverse("reports:verify", args=[c]))
    sheet = RecordSheet(
        year=year,
        name=person.name,
        id_number_masked=person.id_number_masked,
        profession=person.profession.name,
        unit=unit,
        public_hours=progress.public_hours,
        professional_hours=progress.professional_hours,
        total_hours=progress.total_hours,
        required_public=progress.required.public,
        required_professional=progress.required.professional,
        required_total=progress.required.total,
        compliant=progress.compliant,
        short_public=progress.short_public,
        short_professional=progress.short_professional,
        short_total=progress.short_total,
        lines=[
            RecordLine(
                completed_on=r.completed_on,
                title=r.title,
                organizer=r.organizer,
                category=r.get_category_display(),
                method=r.get_method_display(),
                source=r.get_source_display(),
                hours=r.hours,
            )
            for r in credited
        ],
        issued_at=issued_at,
        code=code,
        verify_url=verify_url(code),
    )
    pdf = render_record_pdf(sheet)
    figures = {
        "name_masked": mask_name(person.name),
        "public_hours": float(progress.public_hours),
        "professional_hours": float(progress.professional_hours),
        "total_hours": float(progress.total_hours),
        "required": {
            "total": float(progress.required.total),
            "public": float(progress.required.public),
            "professional": float(progress.required.professional),
        },
        "compliant": progress.compliant,
        "records": len(credited),
        "record_ids": [r.pk for r in credited],
    }
    with transaction.atomic():
        issued = IssuedRecord.objects.create(
            person=person,
            year=year,
            code=code,
            sha256=hashlib.sha256(pdf).hexdigest(),
            figures=figures,
            issued_at=issued_at,
            issued_by=actor.user,
            issued_role=actor.role,
            issued_org=actor.organisation,
        )
        record(
            actor,
            actions.REPORT_RECORD_ISSUED,
            issued,
            after={"person": person.pk, "year": year, "code": code, "sha256": issued.sha256},
        )
    filename = _("继续教育学时证明-%(year)s-%(name)s.pdf") % {"year": year, "name": person.name}
    return Issued(record=issued, pdf=pdf, filename=filename)


# ---------------------------------------------------------------------------------------------
# export jobs


def _require_staff(actor: Actor) -> None:
    if actor.user is None or actor.organisation is None or not actor.is_role(*STAFF):
        raise Forbidden(_("当前身份不能导出达标情况。"))


def start_compliance_export(actor: Actor, filters: credit_selectors.ComplianceFilter) -> ExportJob:
    """Queue the staff-compliance export as filtered on the page (year, unit_id, only_short, q).
    A unit outside the scope or a year without requirements is refused now, not in the job."""
    _require_staff(actor)
    params = {
        "year": int(filters.year),
        "unit_id": filters.unit_id or None,
        "only_short": filters.only_short,
        "q": filters.q.strip()[:50],
    }
    selectors.compliance_rows(actor, params)  # raises NotFound / DomainError on bad parameters
    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=ExportJob.Kind.COMPLIANCE,
            created_by=actor.user,
            actor_role=actor.role,
            organisation=actor.organisation,
            params=params,
        )
        record(actor, actions.REPORT_EXPORT_QUEUED, job, after={"kind": job.kind, "params": params})
    # After the commit, so that a worker finds the job; eager (no REDIS_URL) it runs right here.
    transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def _dispatch(job_id: int) -> None:
    from reports.tasks import run_export as task

    try:
        task.delay(job_id)
    except Exception as exc:  # the broker is down: say so on the job page instead of a 500
        logger.exception("export job %s could not be queued", job_id)
        job = ExportJob.objects.select_related("created_by", "organisation").get(pk=job_id)
        _fail(job, _("无法提交后台任务，请稍后重试（%(kind)s）。") % {"kind": type(exc).__name__}, "queued")


def purge_expired_exports(now: dt.datetime | None = None) -> int:
    """Delete the files of finished exports older than CE_EXPORT_RETENTION_DAYS: each job ends
    `expired` with an audit entry, in its own transaction (a crash leaves the rest for the next
    run). Personal data should not outlive its use in a private folder. Returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.CE_EXPORT_RETENTION_DAYS)
    due = ExportJob.objects.filter(state=ExportJob.State.DONE, finished_at__lt=cutoff)
    purged = 0
    for job_id in list(due.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            job = ExportJob.objects.select_for_update().filter(pk=job_id, state=ExportJob.State.DONE).first()
            if job is None:
                continue
            if job.file:
                job.file.delete(save=False)
            job.state = ExportJob.State.EXPIRED
            job.save(update_fields=["state", "file"])
            record(
                SYSTEM,
                actions.REPORT_EXPORT_EXPIRED,
                job,
                before={"state": "done"},
                after={"state": "expired"},
            )
        purged += 1
    return purged


def _fail(job: ExportJob, error: str, was: str) -> None:
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, error=error, finished_at=timezone.now()
        )
        record(
            Actor(user=job.created_by, role=job.actor_role, organisation=job.organisation),
            actions.REPORT_EXPORT_FAILED,
            job,
            before={"state": was},
            after={"state": "failed", "error": error},
        )


def end_stale_exports(now: dt.datetime | None = None) -> int:
    """End as failed the exports whose worker died (silent for jobs.STALE_AFTER); the
    creator sees it on the job's page and exports again."""

    def audit(job: ExportJob) -> None:
        record(
            Actor(user=job.created_by, role=job.actor_role, organisation=job.organisation),
            actions.REPORT_EXPORT_FAILED,
            job,
            before={"state": "running"},
            after={"state": "failed", "error": job.error},
        )

    return jobs.end_stale(ExportJob, _("导出中断（后台处理进程已停止），请重新导出。"), audit, now)


def _actor_of(job: ExportJob) -> Actor:
    """The scope the job was asked in, as long as its creator still holds that role."""
    user = job.created_by
    held = RoleAssignment.objects.filter(
        user_id=user.pk, role=job.actor_role, organisation_id=job.organisation_id
    ).exists()
    if not held or not user.is_active:
        raise Forbidden(_("导出人已不再拥有发起导出时的身份，导出已停止。"))
    return Actor(user=user, role=job.actor_role, organisation=job.organisation)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return exc.detail
    return _("导出时发生错误（%(kind)s）：%(text)s") % {"kind": type(exc).__name__, "text": str(exc)[:300]}


def run_export(job_id: int, progress_every: int | None = None) -> str:
    """Run a queued job: count the rows, write them in chunks (openpyxl write-only) into a
    temporary file, updating `done` (and the heartbeat) every `progress_every` rows, then keep
    the file under PRIVATE_STORAGE_ROOT. Any error marks the job failed with its message (never
    raised). A message delivered twice runs the job once, unless the first run went silent for
    jobs.STALE_AFTER (its worker died): then the job starts over."""
    every = max(1, progress_every or PROGRESS_EVERY)
    previous = ExportJob.objects.filter(pk=job_id).values_list("state", flat=True).first()
    claimed = jobs.claim(ExportJob, job_id)
    job = ExportJob.objects.select_related("created_by", "organisation").filter(pk=job_id).first()
    if job is None or not claimed:
        return job.state if job else "missing"  # already run or running (a redelivered message)
    # Eager inside a transaction (tests, a caller's atomic block): a savepoint keeps a database
    # error from poisoning the outer transaction, so the failure can still be written.
    guard = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    try:
        with guard:
            actor = _actor_of(job)
            record(
                actor,
                actions.REPORT_EXPORT_STARTED,
                job,
                before={"state": previous},
                after={"state": "running"},
            )
            # On the replica when there is one (a worker has no request that wrote); the
            # header's export time is the primary's, the rows those the replica had by then.
            rows = selectors.compliance_rows(actor, job.params, using=reporting_alias())
            total = rows.count()
            jobs.beat(ExportJob, job.pk, total=total)

            def progress(done: int) -> None:
                jobs.beat(ExportJob, job.pk, done=done)

            with tempfile.TemporaryFile(suffix=".xlsx") as out:
                written = write_compliance(
                    rows.iterator(chunk_size=2000),
                    job.params["year"],
                    actor.organisation.name,
                    out,
                    on_progress=progress,
                    every=every,
                )
                out.seek(0)
                job.file.save(f"compliance-{job.params['year']}.xlsx", File(out), save=False)
    except Exception as exc:  # every failure ends the job, with its message
        logger.exception("export job %s failed", job_id)
        _fail(job, _error_text(exc), "running")
        if job.file.name:
            job.file.delete(save=False)
        return ExportJob.State.FAILED
    filename = _("%(year)s年度学时达标情况-%(org)s.xlsx") % {
        "year": job.params["year"],
        "org": job.organisation.name,
    }
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.DONE,
            done=written,
            total=written,
            file=job.file.name,
            filename=filename.replace("/", "-"),
            finished_at=timezone.now(),
        )
        record(
            actor,
            actions.REPORT_COMPLIANCE_EXPORTED,
            job,
            before={"state": "running"},
            after={"state": "done", "rows": written, "params": job.params},
        )
    return ExportJob.State.DONE
