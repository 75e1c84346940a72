"""The filings API's router, its answers built from models, and what its operations share."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Router

from core.actors import Role
from core.api import BearerAuth, require_role
from filings import rules
from filings.api.schemas import (
    CredentialOut,
    ExceptionOut,
    ImportJobOut,
    ImportRowErrorOut,
    InboxRowOut,
    IssuedCredentialOut,
    OrgRef,
    PlanItemOut,
    PlanOut,
)
from filings.models import (
    FilingException,
    ImportJob,
    PlanItem,
    PlatformCredential,
    PlatformFiling,
    TrainingPlan,
)

router = Router(tags=["培训计划与平台备案"], auth=BearerAuth())

STAFF = (Role.UNIT, Role.BASE, Role.AUTHORITY, Role.BUREAU)
PAGE_SIZE = 50


def org_ref(org) -> OrgRef | None:
    return OrgRef(id=org.pk, name=org.name) if org is not None else None


def common_fields(f) -> dict:
    return {
        "id": f.pk,
        "year": f.year,
        "state": f.state,
        "state_label": str(f.get_state_display()),
        "filer": org_ref(f.filer),
        "bureau": org_ref(f.bureau),
        "submitted_at": f.submitted_at,
        "decided_at": f.decided_at,
        "return_reason": f.return_reason,
        "authority_opinion": f.authority_opinion,
        "authority_opinion_at": f.authority_opinion_at,
        "opinion_authority": org_ref(f.opinion_authority),
        "late": f.late_exception_id is not None,
        "late_reason": f.late_exception.reason if f.late_exception_id else "",
    }


def item_out(i: PlanItem) -> PlanItemOut:
    return PlanItemOut(
        id=i.pk,
        seq=i.seq,
        project=i.project,
        audience=i.audience,
        starts_on=i.starts_on,
        hours=float(i.hours),
        teachers=i.teachers,
        mode=i.mode,
        venue=i.venue,
        funding=i.funding,
        remark=i.remark,
        category=i.category,
    )


def plan_out(p: TrainingPlan) -> PlanOut:
    return PlanOut(
        **common_fields(p),
        declared_on=p.declared_on,
        contact_name=p.contact_name,
        contact_phone=p.contact_phone,
        filer_opinion=p.filer_opinion,
        items=[item_out(i) for i in p.items.all()],
    )


def import_job_out(job: ImportJob) -> ImportJobOut:
    return ImportJobOut(
        id=job.pk,
        kind=job.kind,
        state=job.state,
        stage=job.stage,
        done=job.done,
        total=job.total,
        percent=job.percent,
        file_name=job.file_name,
        result=job.result,
        detail=job.error,
        errors=[
            ImportRowErrorOut(row=e.get("row"), field=e["field"], message=e["message"])
            for e in job.row_errors
        ],
        retryable=job.state == ImportJob.State.FAILED and bool(job.file),
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def platform_fields(f: PlatformFiling) -> dict:
    return {
        **common_fields(f),
        **{name: getattr(f, name) for name in rules.PLATFORM_FIELDS if name != "year"},
        "platform_id": f.platform_id,
    }


def row_out(kind: str, f) -> InboxRowOut:
    return InboxRowOut(
        kind=kind,
        id=f.pk,
        year=f.year,
        title=f"{f.year}年度培训计划" if kind == "plan" else f.site_name,
        filer=org_ref(f.filer),
        state=f.state,
        state_label=str(f.get_state_display()),
        submitted_at=f.submitted_at,
        late=f.late_exception_id is not None,
    )


def exception_out(e: FilingException) -> ExceptionOut:
    return ExceptionOut(
        id=e.pk,
        organisation=org_ref(e.organisation),
        year=e.year,
        kind=e.kind,
        reason=e.reason,
        granted_by=e.granted_by.get_full_name() or e.granted_by.username,
        granted_at=e.granted_at,
    )


def credential_out(c: PlatformCredential, token: str | None = None):
    data = {
        "id": c.pk,
        "year": c.year,
        "key_prefix": c.key_prefix,
        "created_at": c.created_at,
        "revoked_at": c.revoked_at,
        "live": c.revoked_at is None,
    }
    return IssuedCredentialOut(**data, token=token) if token else CredentialOut(**data)


def paginate(qs, page: int, page_size: int):
    page_size = max(1, min(page_size, 200))
    paginator = Paginator(qs, page_size)
    return paginator.get_page(page), paginator.count


def staff(request):
    return require_role(request.auth, *STAFF)


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
