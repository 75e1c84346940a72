"""The attendance report (到课名单) of a class of an accepted plan: an `.xlsx` read by filings'
import jobs and written here, where the hours are credited (`services.credit_attendance`).

Filings owns the job machinery and knows nothing of credits; this module registers the
attendance kind with it (`filings.services.register_import_kind`, at start-up from
CreditsConfig.ready).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record
from core.actors import Actor
from core.errors import Forbidden, Invalid
from credits import services
from credits.rules import recognition
from filings import imports
from filings import selectors as filing_selectors
from filings import services as filing_services
from filings.models import AttendanceUpload, ImportJob, PlanItem, TrainingPlan

_CREDITED_FROM_CLASS = Q(hour_records__source="attendance", hour_records__state="credited")


def attendance_item(actor: Actor, plan_item_id: int) -> PlanItem:
    """The class whose attendance `actor` may report: one of its own accepted plans."""
    item = filing_selectors.get_plan_item(actor, plan_item_id)
    if actor.organisation is None or item.plan.filer_id != actor.organisation.pk:
        raise Forbidden(_("只有培训计划的申报单位（基地）可以报送到课名单。"))
    if not recognition.plan_is_filed(item.plan):
        raise Invalid.field("plan_item_id", _("培训计划项目：所属培训计划尚未备案，不能报送到课名单。"))
    return item


def _target(actor: Actor, plan_item_id: int) -> tuple[TrainingPlan, PlanItem]:
    item = attendance_item(actor, plan_item_id)
    return item.plan, item


def write_attendance(actor: Actor, job: ImportJob, rows: list) -> dict:
    """The write of an attendance report (inside the job's transaction): people already found."""
    item = attendance_item(actor, job.plan_item_id)
    result = services.credit_attendance(actor, plan_item_id=item.pk, rows=rows)
    credited, duplicates = len(result.credited), len(result.duplicates)
    upload = AttendanceUpload.objects.create(
        plan_item=item,
        uploaded_by=actor.user,
        file_name=job.file_name[:200],
        row_count=len(rows),
        credited=credited,
        duplicates=duplicates,
    )
    record(
        actor,
        actions.ATTENDANCE_UPLOADED,
        upload,
        after={"plan_item": item.pk, "rows": len(rows), "credited": credited, "duplicates": duplicates},
    )
    return {"upload_id": upload.pk, "rows": len(rows), "credited": credited, "duplicates": duplicates}


def register() -> None:
    filing_services.register_import_kind(
        ImportJob.Kind.ATTENDANCE,
        filing_services.ImportKind(
            limits=lambda: imports.ATTENDANCE_LIMITS,
            target=_target,
            # looked up at each job, so a test may replace the reader
            read=lambda source, job, progress: imports.read_attendance_rows(source, job.plan_item, progress),
            write=write_attendance,
        ),
    )


def attendance_classes(actor: Actor) -> QuerySet[PlanItem]:
    """The classes of the actor's accepted plans, with the number of people credited from each."""
    return (
        PlanItem.objects.filter(recognition.filed_plan_q("plan__"), plan__filer=actor.organisation)
        .select_related("plan")
        .annotate(
            upload_count=Count("attendance_uploads", distinct=True),
            credited_people=Count("hour_records__person", filter=_CREDITED_FROM_CLASS, distinct=True),
        )
        .order_by("-plan__year", "plan_id", "seq")
    )


def attendance_credited_people(actor: Actor, item_id: int) -> int:
    item = filing_selectors.get_plan_item(actor, item_id)
    return PlanItem.objects.filter(pk=item.pk).aggregate(
        n=Count("hour_records__person", filter=_CREDITED_FROM_CLASS, distinct=True)
    )["n"]


def attendance_uploads(actor: Actor, item_id: int) -> QuerySet[AttendanceUpload]:
    item = filing_selectors.get_plan_item(actor, item_id)
    return item.attendance_uploads.select_related("uploaded_by")
