"""Training plans: the plan form and its rows, sheet imports (import jobs), the opinion and
the decision, the form's export, and the classes people declare training against."""

from __future__ import annotations

from typing import Literal

from ninja import File, Status
from ninja.files import UploadedFile

from core.actors import Role
from core.api import require_role
from core.media import DOCX, PDF, XLSX
from core.openapi import binary_answer
from filings import exports, selectors, services
from filings.api.common import (
    PAGE_SIZE,
    download,
    import_job_out,
    org_ref,
    paginate,
    plan_out,
    router,
    staff,
)
from filings.api.schemas import (
    AcceptedItemOut,
    ImportJobOut,
    OpinionIn,
    PlanImportOut,
    PlanIn,
    PlanOut,
    PlanPage,
    PlanUpdateIn,
    ReasonIn,
)
from filings.models import ImportJob


@router.get("filings/plans", response=PlanPage, summary="培训计划列表（按权限范围）")
def list_plans(request, year: int | None = None, state: str = "", page: int = 1, page_size: int = PAGE_SIZE):
    actor = staff(request)
    qs = selectors.plans(actor, selectors.FilingFilter(year=year, state=state))
    rows, count = paginate(qs.select_related("opinion_authority", "late_exception"), page, page_size)
    return PlanPage(items=[plan_out(p) for p in rows], count=count)


@router.post("filings/plans", response={201: PlanOut}, summary="新建培训计划（草稿）")
def create_plan(request, payload: PlanIn):
    actor = staff(request)
    data = payload.dict()
    items = tuple(services.PlanItemInput(**item) for item in data.pop("items"))
    plan = services.create_plan(actor, plan=services.PlanInput(**data, items=items))
    return Status(201, plan_out(selectors.get_plan(actor, plan.pk)))


@router.get(
    "filings/plans/template/{year}",
    summary="培训计划申报表导入模板（空白 .xlsx）",
    openapi_extra=binary_answer("导入模板", XLSX),
)
def plan_template(request, year: int):
    staff(request)
    content = exports.plan_template_xlsx(year)
    return download(content, exports.XLSX, f"{year}年度培训计划申报表-导入模板.xlsx")


@router.get("filings/plans/{plan_id}", response=PlanOut, summary="培训计划详情")
def get_plan(request, plan_id: int):
    return plan_out(selectors.get_plan(staff(request), plan_id))


@router.put("filings/plans/{plan_id}", response=PlanOut, summary="修改培训计划（草稿或已退回）")
def update_plan(request, plan_id: int, payload: PlanUpdateIn):
    actor = staff(request)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    items = data.pop("items", None)
    if items is not None:
        items = tuple(services.PlanItemInput(**item) for item in items)
    services.update_plan(actor, plan_id=plan_id, change=services.PlanChange(**data, items=items))
    return plan_out(selectors.get_plan(actor, plan_id))


@router.post(
    "filings/plans/{plan_id}/import",
    response={200: PlanImportOut, 202: PlanImportOut},
    summary="从 Excel 导入培训项目（替换全部行）",
    description="文件在后台任务中读取（流式，限制行数、列数和单元格数），再一次性写入，全部或全不。"
    "200：已导入，返回新的培训计划；202：排队或读取中，返回当前的培训计划和 `import_job`，"
    "请轮询 `GET filings/import-jobs/{id}`。有误时返回 422 并逐行列出错误（行号）。",
)
def import_plan(request, plan_id: int, file: File[UploadedFile]):
    actor = staff(request)
    job = services.start_import(actor, kind=ImportJob.Kind.PLAN_ITEMS, target_id=plan_id, upload=file)
    if job.state == ImportJob.State.FAILED:
        raise services.import_error(job)
    body = PlanImportOut(
        **plan_out(selectors.get_plan(actor, plan_id)).dict(), import_job=import_job_out(job)
    )
    return Status(200 if job.state == ImportJob.State.DONE else 202, body)


@router.get("filings/import-jobs/{job_id}", response=ImportJobOut, summary="导入任务的进度和结果")
def get_import_job(request, job_id: int):
    return import_job_out(selectors.import_job_for(staff(request), job_id))


@router.post(
    "filings/import-jobs/{job_id}/rerun",
    response={200: ImportJobOut, 202: ImportJobOut},
    summary="重新运行中断的导入任务",
)
def rerun_import_job(request, job_id: int):
    job = services.rerun_import(staff(request), job_id=job_id)
    return Status(200 if job.finished else 202, import_job_out(job))


@router.post("filings/plans/{plan_id}/submit", response=PlanOut, summary="提交培训计划")
def submit_plan(request, plan_id: int):
    actor = staff(request)
    services.submit_plan(actor, plan_id=plan_id)
    return plan_out(selectors.get_plan(actor, plan_id))


@router.post("filings/plans/{plan_id}/opinion", response=PlanOut, summary="行业主管单位意见")
def plan_opinion(request, plan_id: int, payload: OpinionIn):
    actor = require_role(request.auth, Role.AUTHORITY)
    services.give_opinion(
        actor, kind="plan", filing_id=plan_id, opinion=payload.opinion, agree=payload.decision == "agree"
    )
    return plan_out(selectors.get_plan(actor, plan_id))


@router.post("filings/plans/{plan_id}/accept", response=PlanOut, summary="备案（人社局）")
def accept_plan(request, plan_id: int):
    actor = require_role(request.auth, Role.BUREAU)
    services.accept_plan(actor, plan_id=plan_id)
    return plan_out(selectors.get_plan(actor, plan_id))


@router.post("filings/plans/{plan_id}/return", response=PlanOut, summary="退回（人社局，须填原因）")
def return_plan(request, plan_id: int, payload: ReasonIn):
    actor = require_role(request.auth, Role.BUREAU)
    services.return_filing(actor, kind="plan", filing_id=plan_id, reason=payload.reason)
    return plan_out(selectors.get_plan(actor, plan_id))


@router.get(
    "filings/plans/{plan_id}/export",
    summary="导出培训计划申报表（docx、xlsx、pdf）",
    openapi_extra=binary_answer("培训计划申报表", DOCX, XLSX, PDF),
)
def export_plan(request, plan_id: int, format: Literal["docx", "xlsx", "pdf"] = "docx"):
    plan = selectors.get_plan(staff(request), plan_id)
    return download(*exports.export_plan(plan, format))


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
            filer=org_ref(i.plan.filer),
            seq=i.seq,
            project=i.project,
            starts_on=i.starts_on,
            hours=float(i.hours),
            category=i.category,
            plan_accepted=i.plan.is_accepted,
        )
        for i in selectors.declarable_plan_items(year, q.strip(), include_filed)[:200]
    ]
