"""API for filings (beside DESIGN §5): training plans, platform filings, the bureau's inbox,
late-filing exceptions, platform credentials, attendance reports and the official forms."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Status
from ninja.files import UploadedFile

from core.actors import Role
from core.api import BearerAuth, require_role
from core.errors import Invalid
from core.media import DOCX, PDF, XLSX
from core.openapi import binary_answer, enum_of
from core.schemas import Schema
from filings import exports, selectors, services
from filings.models import (
    FilingException,
    FilingState,
    ImportJob,
    PlanItem,
    PlatformCredential,
    PlatformFiling,
    TrainingPlan,
)
from policy.models import Category

router = Router(tags=["培训计划与平台备案"], auth=BearerAuth())

STAFF = (Role.UNIT, Role.BASE, Role.AUTHORITY, Role.BUREAU)
PAGE_SIZE = 50


# ---------------------------------------------------------------------------------------------
# schemas


class OrgRef(Schema):
    id: int
    name: str


class PlanItemIn(Schema):
    project: str = Field(..., description="培训项目")
    audience: str = Field(..., description="培训对象及人数")
    starts_on: dt.date = Field(..., description="开班时间 YYYY-MM-DD")
    hours: float = Field(..., description="培训学时数")
    teachers: str = Field("", description="培训师资")
    mode: str = Field(..., description="培训方式")
    venue: str = Field(..., description="办班地点")
    funding: str = Field("", description="经费来源")
    remark: str = Field("", description="备注")
    category: Literal["public", "professional"] = Field("professional", description="科目类别")


class PlanItemOut(Schema):
    id: int
    seq: int
    project: str
    audience: str
    starts_on: dt.date
    hours: float
    teachers: str
    mode: str
    venue: str
    funding: str
    remark: str
    category: str = Field(json_schema_extra=enum_of(Category))


class PlanIn(Schema):
    year: int
    contact_name: str = Field("", description="联系人")
    contact_phone: str = Field("", description="电话")
    filer_opinion: str = Field("", description="申报单位（基地）意见")
    items: list[PlanItemIn] = Field(default_factory=list, description="培训项目（表格各行）")


class PlanUpdateIn(Schema):
    year: int | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    filer_opinion: str | None = None
    items: list[PlanItemIn] | None = Field(None, description="给出则替换全部行")


class FilingCommon(Schema):
    id: int
    year: int
    state: str = Field(json_schema_extra=enum_of(FilingState))
    state_label: str
    filer: OrgRef
    bureau: OrgRef | None = Field(..., description="受理备案的人社局")
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    return_reason: str
    authority_opinion: str
    authority_opinion_at: dt.datetime | None
    opinion_authority: OrgRef | None
    late: bool = Field(..., description="逾期提交（依逾期特批）")
    late_reason: str


class PlanOut(FilingCommon):
    declared_on: dt.date | None
    contact_name: str
    contact_phone: str
    filer_opinion: str
    items: list[PlanItemOut]


class PlatformIn(Schema):
    year: int
    site_name: str = Field(..., description="网站名称")
    host_org: str = Field(..., description="主办单位")
    icp_number: str = Field(..., description="网站备案号（ICP）")
    domain: str = Field(..., description="域名")
    url: str = Field(..., description="网址")
    offers_public: bool = Field(False, description="培训内容：公需科目")
    offers_professional: bool = Field(False, description="培训内容：专业科目")
    fee_payer: str = Field("", description="收费主体")
    fee_standard: str = Field("", description="收费标准")
    fee_approval: str = Field("", description="批准部门及文号")
    manager_name: str = Field("", description="网站运行管理负责人")
    manager_phone: str = Field("", description="负责人联系电话")
    tech_org: str = Field("", description="技术支持单位名称")
    tech_mobile: str = Field("", description="客服手机")
    tech_office_phone: str = Field("", description="客服办公电话")
    base_opinion: str = Field("", description="申报单位（基地）意见")


class PlatformUpdateIn(Schema):
    year: int | None = None
    site_name: str | None = None
    host_org: str | None = None
    icp_number: str | None = None
    domain: str | None = None
    url: str | None = None
    offers_public: bool | None = None
    offers_professional: bool | None = None
    fee_payer: str | None = None
    fee_standard: str | None = None
    fee_approval: str | None = None
    manager_name: str | None = None
    manager_phone: str | None = None
    tech_org: str | None = None
    tech_mobile: str | None = None
    tech_office_phone: str | None = None
    base_opinion: str | None = None


class PlatformOut(FilingCommon):
    site_name: str
    host_org: str
    icp_number: str
    domain: str
    url: str
    offers_public: bool
    offers_professional: bool
    fee_payer: str
    fee_standard: str
    fee_approval: str
    manager_name: str
    manager_phone: str
    tech_org: str
    tech_mobile: str
    tech_office_phone: str
    base_opinion: str
    platform_id: int | None


class AcceptedPlatformOut(PlatformOut):
    token: str = Field(..., description="平台接口密钥，仅此一次显示")


class OpinionIn(Schema):
    decision: Literal["agree", "return"] = Field("agree", description="agree 同意报送；return 退回")
    opinion: str = Field(..., description="行业主管单位意见")


class ReasonIn(Schema):
    reason: str = Field(..., description="退回原因")


class InboxRowOut(Schema):
    kind: str = Field(json_schema_extra=enum_of(FilingException.Kind))
    id: int
    year: int
    title: str
    filer: OrgRef
    state: str = Field(json_schema_extra=enum_of(FilingState))
    state_label: str
    submitted_at: dt.datetime | None
    late: bool


class InboxPage(Schema):
    items: list[InboxRowOut]
    count: int


class PlanPage(Schema):
    items: list[PlanOut]
    count: int


class PlatformPage(Schema):
    items: list[PlatformOut]
    count: int


class ExceptionIn(Schema):
    organisation_id: int
    year: int
    kind: Literal["plan", "platform"]
    reason: str


class ExceptionOut(Schema):
    id: int
    organisation: OrgRef
    year: int
    kind: str = Field(json_schema_extra=enum_of(FilingException.Kind))
    reason: str
    granted_by: str
    granted_at: dt.datetime


class MissingOut(Schema):
    id: int
    name: str
    kind: str
    region: str


class LateMissingOut(Schema):
    year: int
    deadline: dt.date | None
    late: list[InboxRowOut]
    exceptions: list[ExceptionOut]
    missing: list[MissingOut]


class CredentialOut(Schema):
    id: int
    year: int
    key_prefix: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    live: bool


class IssuedCredentialOut(CredentialOut):
    token: str = Field(..., description="平台接口密钥，仅此一次显示；系统只保存其散列值")


class ImportRowErrorOut(Schema):
    row: int | None = Field(None, description="行号（表格中的行）；整个文件的错误为空")
    field: str
    message: str


class ImportJobOut(Schema):
    """An import job (读取在后台进行): poll `GET filings/import-jobs/{id}` until `state` is
    `done` or `failed`."""

    id: int
    kind: Literal["plan_items", "attendance"]
    state: Literal["queued", "running", "done", "failed"]
    stage: str = Field(..., description="reading 正在读取文件 | writing 正在写入 | 空")
    done: int = Field(..., description="已读行数")
    total: int | None = Field(None, description="行数（据文件声明，仅作进度估计）")
    percent: int
    file_name: str
    result: dict = Field(
        ..., description="完成后：导入的行数（items）或 rows、credited、duplicates、upload_id"
    )
    detail: str = Field(..., description="失败原因")
    errors: list[ImportRowErrorOut] = Field(..., description="逐行错误（最多保留 2000 条）")
    retryable: bool = Field(..., description="中断的任务（文件仍保留）可以重新运行")
    created_at: dt.datetime
    finished_at: dt.datetime | None


class PlanImportOut(PlanOut):
    import_job: ImportJobOut


class AttendanceOut(Schema):
    """200: written (the embedded default runs the job before answering); 202: a worker
    reads it, the counts are null until `import_job` is done."""

    upload_id: int | None
    rows: int | None
    credited: int | None
    duplicates: int | None
    import_job: ImportJobOut


class AcceptedItemOut(Schema):
    id: int
    plan_id: int
    year: int
    filer: OrgRef
    seq: int
    project: str
    starts_on: dt.date
    hours: float
    category: str = Field(json_schema_extra=enum_of(Category))
    plan_accepted: bool


# ---------------------------------------------------------------------------------------------
# converters


def _org(org) -> OrgRef | None:
    return OrgRef(id=org.pk, name=org.name) if org is not None else None


def _common(f) -> dict:
    return {
        "id": f.pk,
        "year": f.year,
        "state": f.state,
        "state_label": str(f.get_state_display()),
        "filer": _org(f.filer),
        "bureau": _org(f.bureau),
        "submitted_at": f.submitted_at,
        "decided_at": f.decided_at,
        "return_reason": f.return_reason,
        "authority_opinion": f.authority_opinion,
        "authority_opinion_at": f.authority_opinion_at,
        "opinion_authority": _org(f.opinion_authority),
        "late": f.late_exception_id is not None,
        "late_reason": f.late_exception.reason if f.late_exception_id else "",
    }


def _item(i: PlanItem) -> PlanItemOut:
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


def _plan(p: TrainingPlan) -> PlanOut:
    return PlanOut(
        **_common(p),
        declared_on=p.declared_on,
        contact_name=p.contact_name,
        contact_phone=p.contact_phone,
        filer_opinion=p.filer_opinion,
        items=[_item(i) for i in p.items.all()],
    )


def _import_job(job: ImportJob) -> ImportJobOut:
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


def _platform(f: PlatformFiling) -> dict:
    return {
        **_common(f),
        **{name: getattr(f, name) for name in services.PLATFORM_FIELDS if name != "year"},
        "platform_id": f.platform_id,
    }


def _row(kind: str, f) -> InboxRowOut:
    return InboxRowOut(
        kind=kind,
        id=f.pk,
        year=f.year,
        title=f"{f.year}年度培训计划" if kind == "plan" else f.site_name,
        filer=_org(f.filer),
        state=f.state,
        state_label=str(f.get_state_display()),
        submitted_at=f.submitted_at,
        late=f.late_exception_id is not None,
    )


def _exception(e: FilingException) -> ExceptionOut:
    return ExceptionOut(
        id=e.pk,
        organisation=_org(e.organisation),
        year=e.year,
        kind=e.kind,
        reason=e.reason,
        granted_by=e.granted_by.get_full_name() or e.granted_by.username,
        granted_at=e.granted_at,
    )


def _credential(c: PlatformCredential, token: str | None = None):
    data = {
        "id": c.pk,
        "year": c.year,
        "key_prefix": c.key_prefix,
        "created_at": c.created_at,
        "revoked_at": c.revoked_at,
        "live": c.revoked_at is None,
    }
    return IssuedCredentialOut(**data, token=token) if token else CredentialOut(**data)


def _page(qs, page: int, page_size: int):
    page_size = max(1, min(page_size, 200))
    paginator = Paginator(qs, page_size)
    return paginator.get_page(page), paginator.count


def _staff(request):
    return require_role(request.auth, *STAFF)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# training plans


@router.get("filings/plans", response=PlanPage, summary="培训计划列表（按权限范围）")
def list_plans(request, year: int | None = None, state: str = "", page: int = 1, page_size: int = PAGE_SIZE):
    actor = _staff(request)
    qs = selectors.plans_in_scope(actor).select_related("opinion_authority", "late_exception")
    qs = qs.prefetch_related("items")
    if year:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    rows, count = _page(qs.order_by("-year", "-id"), page, page_size)
    return PlanPage(items=[_plan(p) for p in rows], count=count)


@router.post("filings/plans", response={201: PlanOut}, summary="新建培训计划（草稿）")
def create_plan(request, payload: PlanIn):
    actor = _staff(request)
    data = payload.dict()
    items = data.pop("items")
    plan = services.create_plan(actor, data, items)
    return Status(201, _plan(selectors.get_plan(actor, plan.pk)))


@router.get(
    "filings/plans/template/{year}",
    summary="培训计划申报表导入模板（空白 .xlsx）",
    openapi_extra=binary_answer("导入模板", XLSX),
)
def plan_template(request, year: int):
    _staff(request)
    content = exports.plan_template_xlsx(year)
    return _download(content, exports.XLSX, f"{year}年度培训计划申报表-导入模板.xlsx")


@router.get("filings/plans/{plan_id}", response=PlanOut, summary="培训计划详情")
def get_plan(request, plan_id: int):
    return _plan(selectors.get_plan(_staff(request), plan_id))


@router.put("filings/plans/{plan_id}", response=PlanOut, summary="修改培训计划（草稿或已退回）")
def update_plan(request, plan_id: int, payload: PlanUpdateIn):
    actor = _staff(request)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    items = data.pop("items", None)
    services.update_plan(actor, plan_id, data, items)
    return _plan(selectors.get_plan(actor, plan_id))


@router.post(
    "filings/plans/{plan_id}/import",
    response={200: PlanImportOut, 202: PlanImportOut},
    summary="从 Excel 导入培训项目（替换全部行）",
    description="文件在后台任务中读取（流式，限制行数、列数和单元格数），再一次性写入，全部或全不。"
    "200：已导入，返回新的培训计划；202：排队或读取中，返回当前的培训计划和 `import_job`，"
    "请轮询 `GET filings/import-jobs/{id}`。有误时返回 422 并逐行列出错误（行号）。",
)
def import_plan(request, plan_id: int, file: File[UploadedFile]):
    actor = _staff(request)
    job = services.start_import(actor, ImportJob.Kind.PLAN_ITEMS, plan_id, file)
    if job.state == ImportJob.State.FAILED:
        raise services.import_error(job)
    body = PlanImportOut(**_plan(selectors.get_plan(actor, plan_id)).dict(), import_job=_import_job(job))
    return Status(200 if job.state == ImportJob.State.DONE else 202, body)


@router.get("filings/import-jobs/{job_id}", response=ImportJobOut, summary="导入任务的进度和结果")
def get_import_job(request, job_id: int):
    return _import_job(selectors.import_job_for(_staff(request), job_id))


@router.post(
    "filings/import-jobs/{job_id}/rerun",
    response={200: ImportJobOut, 202: ImportJobOut},
    summary="重新运行中断的导入任务",
)
def rerun_import_job(request, job_id: int):
    job = services.rerun_import(_staff(request), job_id)
    return Status(200 if job.finished else 202, _import_job(job))


@router.post("filings/plans/{plan_id}/submit", response=PlanOut, summary="提交培训计划")
def submit_plan(request, plan_id: int):
    actor = _staff(request)
    services.submit_plan(actor, plan_id)
    return _plan(selectors.get_plan(actor, plan_id))


@router.post("filings/plans/{plan_id}/opinion", response=PlanOut, summary="行业主管单位意见")
def plan_opinion(request, plan_id: int, payload: OpinionIn):
    actor = require_role(request.auth, Role.AUTHORITY)
    services.give_opinion(actor, "plan", plan_id, payload.opinion, agree=payload.decision == "agree")
    return _plan(selectors.get_plan(actor, plan_id))


@router.post("filings/plans/{plan_id}/accept", response=PlanOut, summary="备案（人社局）")
def accept_plan(request, plan_id: int):
    actor = require_role(request.auth, Role.BUREAU)
    services.accept_plan(actor, plan_id)
    return _plan(selectors.get_plan(actor, plan_id))


@router.post("filings/plans/{plan_id}/return", response=PlanOut, summary="退回（人社局，须填原因）")
def return_plan(request, plan_id: int, payload: ReasonIn):
    actor = require_role(request.auth, Role.BUREAU)
    services.return_filing(actor, "plan", plan_id, payload.reason)
    return _plan(selectors.get_plan(actor, plan_id))


@router.get(
    "filings/plans/{plan_id}/export",
    summary="导出培训计划申报表（docx、xlsx、pdf）",
    openapi_extra=binary_answer("培训计划申报表", DOCX, XLSX, PDF),
)
def export_plan(request, plan_id: int, format: Literal["docx", "xlsx", "pdf"] = "docx"):
    plan = selectors.get_plan(_staff(request), plan_id)
    return _download(*exports.export_plan(plan, format))


@router.post(
    "filings/plans/{plan_id}/items/{item_id}/attendance",
    response={200: AttendanceOut, 202: AttendanceOut},
    summary="报送培训班到课名单（Excel：身份证号码、姓名、学时）",
    description="全部或全不：任何一行有误，返回 422 并逐行列出错误（行号），不计入任何学时。"
    "名单在后台任务中读取（最多 10 万行）；200：已计入；202：排队或读取中，计数为空，"
    "请轮询 `GET filings/import-jobs/{id}`。",
)
def upload_attendance(request, plan_id: int, item_id: int, file: File[UploadedFile]):
    actor = _staff(request)
    item = selectors.get_plan_item(actor, item_id)
    if item.plan_id != plan_id:
        from core.errors import NotFound

        raise NotFound()
    job = services.start_import(actor, ImportJob.Kind.ATTENDANCE, item_id, file)
    if job.state == ImportJob.State.FAILED:
        raise services.import_error(job)
    done = job.state == ImportJob.State.DONE
    counts = {k: job.result.get(k) if done else None for k in ("upload_id", "rows", "credited", "duplicates")}
    return Status(200 if done else 202, AttendanceOut(**counts, import_job=_import_job(job)))


@router.get(
    "filings/plan-items",
    response=list[AcceptedItemOut],
    summary="已备案培训计划的培训班（申报研修培训时选择）",
)
def accepted_items(request, year: int | None = None, q: str = "", include_filed: bool = False):
    """`include_filed=true` also lists classes of plans submitted but not yet accepted: training
    under them is declared `not_recognised` and enters review once the plan is accepted."""
    return [
        AcceptedItemOut(
            id=i.pk,
            plan_id=i.plan_id,
            year=i.plan.year,
            filer=_org(i.plan.filer),
            seq=i.seq,
            project=i.project,
            starts_on=i.starts_on,
            hours=float(i.hours),
            category=i.category,
            plan_accepted=i.plan.is_accepted,
        )
        for i in selectors.declarable_plan_items(year, q.strip(), include_filed)[:200]
    ]


# ---------------------------------------------------------------------------------------------
# platform filings


@router.get("filings/platforms", response=PlatformPage, summary="网络学习平台备案列表（按权限范围）")
def list_platforms(
    request, year: int | None = None, state: str = "", page: int = 1, page_size: int = PAGE_SIZE
):
    actor = _staff(request)
    qs = selectors.platform_filings_in_scope(actor).select_related("opinion_authority", "late_exception")
    if year:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    rows, count = _page(qs.order_by("-year", "-id"), page, page_size)
    return PlatformPage(items=[PlatformOut(**_platform(f)) for f in rows], count=count)


@router.post("filings/platforms", response={201: PlatformOut}, summary="新建网络学习平台备案（草稿）")
def create_platform(request, payload: PlatformIn):
    actor = _staff(request)
    filing = services.create_platform_filing(actor, payload.dict())
    return Status(201, PlatformOut(**_platform(selectors.get_platform_filing(actor, filing.pk))))


@router.get("filings/platforms/{filing_id}", response=PlatformOut, summary="网络学习平台备案详情")
def get_platform(request, filing_id: int):
    return PlatformOut(**_platform(selectors.get_platform_filing(_staff(request), filing_id)))


@router.put("filings/platforms/{filing_id}", response=PlatformOut, summary="修改平台备案（草稿或已退回）")
def update_platform(request, filing_id: int, payload: PlatformUpdateIn):
    actor = _staff(request)
    services.update_platform_filing(
        actor, filing_id, {k: v for k, v in payload.dict().items() if v is not None}
    )
    return PlatformOut(**_platform(selectors.get_platform_filing(actor, filing_id)))


@router.post("filings/platforms/{filing_id}/submit", response=PlatformOut, summary="提交平台备案")
def submit_platform(request, filing_id: int):
    actor = _staff(request)
    services.submit_platform_filing(actor, filing_id)
    return PlatformOut(**_platform(selectors.get_platform_filing(actor, filing_id)))


@router.post("filings/platforms/{filing_id}/opinion", response=PlatformOut, summary="行业主管单位意见")
def platform_opinion(request, filing_id: int, payload: OpinionIn):
    actor = require_role(request.auth, Role.AUTHORITY)
    services.give_opinion(actor, "platform", filing_id, payload.opinion, agree=payload.decision == "agree")
    return PlatformOut(**_platform(selectors.get_platform_filing(actor, filing_id)))


@router.post(
    "filings/platforms/{filing_id}/accept",
    response=AcceptedPlatformOut,
    summary="备案（人社局）：签发平台接口密钥",
    description="答复中的 token 只显示这一次；系统只保存其散列值。",
)
def accept_platform(request, filing_id: int):
    actor = require_role(request.auth, Role.BUREAU)
    filing, token = services.accept_platform_filing_by_id(actor, filing_id)
    return AcceptedPlatformOut(**_platform(selectors.get_platform_filing(actor, filing.pk)), token=token)


@router.post("filings/platforms/{filing_id}/return", response=PlatformOut, summary="退回（人社局，须填原因）")
def return_platform(request, filing_id: int, payload: ReasonIn):
    actor = require_role(request.auth, Role.BUREAU)
    services.return_filing(actor, "platform", filing_id, payload.reason)
    return PlatformOut(**_platform(selectors.get_platform_filing(actor, filing_id)))


@router.get(
    "filings/platforms/{filing_id}/export",
    summary="导出网络学习平台备案登记表（docx、pdf）",
    openapi_extra=binary_answer("网络学习平台备案登记表", DOCX, PDF),
)
def export_platform(request, filing_id: int, format: Literal["docx", "pdf"] = "docx"):
    filing = selectors.get_platform_filing(_staff(request), filing_id)
    return _download(*exports.export_platform(filing, format))


@router.get(
    "filings/platforms/{filing_id}/credentials",
    response=list[CredentialOut],
    summary="平台接口密钥（不含密钥本身）",
)
def list_credentials(request, filing_id: int):
    return [_credential(c) for c in selectors.credentials_of(_staff(request), filing_id)]


@router.post(
    "filings/platforms/{filing_id}/credentials/rotate",
    response={201: IssuedCredentialOut},
    summary="轮换平台接口密钥：签发新密钥并吊销旧密钥",
)
def rotate_credential(request, filing_id: int):
    credential, token = services.rotate_credential(_staff(request), filing_id)
    return Status(201, _credential(credential, token))


@router.post("filings/credentials/{credential_id}/revoke", response=CredentialOut, summary="吊销平台接口密钥")
def revoke_credential(request, credential_id: int):
    return _credential(services.revoke_credential_by_id(_staff(request), credential_id))


# ---------------------------------------------------------------------------------------------
# the inbox, exceptions, late and missing filers


@router.get("filings/inbox", response=InboxPage, summary="备案待办（人社局：待备案；主管部门：待出具意见）")
def inbox(
    request,
    kind: Literal["", "plan", "platform"] = "",
    state: str = "",
    year: int | None = None,
    q: str = "",
    page: int = 1,
    page_size: int = PAGE_SIZE,
):
    actor = require_role(request.auth, Role.BUREAU, Role.AUTHORITY)
    if state and state != "all" and state not in FilingState.values:
        raise Invalid.field(
            "state", _("状态：取值应为 %(v)s 或 all。") % {"v": "、".join(FilingState.values)}
        )
    rows, count = _page(selectors.inbox(actor, kind, state, year, q.strip()), page, page_size)
    return InboxPage(items=[_row(r.kind, r.filing) for r in rows], count=count)


@router.get("filings/exceptions", response=list[ExceptionOut], summary="逾期备案特批（人社局）")
def list_exceptions(request, year: int | None = None):
    actor = require_role(request.auth, Role.BUREAU)
    return [_exception(e) for e in selectors.exceptions_in_scope(actor, year)[:500]]


@router.post("filings/exceptions", response={201: ExceptionOut}, summary="登记逾期备案特批（人社局）")
def create_exception(request, payload: ExceptionIn):
    actor = require_role(request.auth, Role.BUREAU)
    exception = services.record_exception(
        actor, payload.organisation_id, payload.year, payload.kind, payload.reason
    )
    return Status(201, _exception(exception))


@router.get(
    "filings/late-missing", response=LateMissingOut, summary="逾期备案与未申报培训计划的单位（人社局）"
)
def late_missing(request, year: int):
    actor = require_role(request.auth, Role.BUREAU)
    result = selectors.late_and_missing(actor, year)
    return LateMissingOut(
        year=result.year,
        deadline=result.deadline,
        late=[_row(r.kind, r.filing) for r in result.late],
        exceptions=[_exception(e) for e in result.exceptions],
        missing=[MissingOut(id=o.pk, name=o.name, kind=o.kind, region=o.region.name) for o in result.missing],
    )
