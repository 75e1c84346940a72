"""Credit hours in the public API (DESIGN §5): progress, hour records, declarations with
evidence, two-level review, supervision, and learning-platform pushes."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from core.actors import Role
from core.api import BearerAuth, require_role
from core.errors import Invalid
from core.media import PDF
from core.openapi import binary_answer, enum_of
from core.pagination import MAX_OFFSET, LimitOffsetPagination
from core.replica import reporting_alias
from core.schemas import Schema
from credits import forecast, selectors, services
from credits.models import Declaration, DeclarationState, HourRecord, RecordState, Review, Source
from credits.rules.compliance import Shortfall, shortfall_of_row
from policy import selectors as policy_selectors
from policy.api import Requirements
from policy.models import Category, Method

router = Router(tags=["学时"])
# me/progress alone, added to the API before every other router: Django tries URL patterns in
# order, and the busiest read of December was the 46th (a literal path, so nothing else changes).
progress_router = Router(tags=["学时"])
auth = BearerAuth()
STAFF = (Role.UNIT, Role.AUTHORITY, Role.BUREAU)


def _hours(value) -> float:
    return float(value)


# ---------------------------------------------------------------------------------------------
# progress and hour records


def _figures(total, public, professional) -> Requirements:
    """Three hour figures (total, public, professional) in policy's `Requirements` schema: the
    requirement itself, or what is still missing of it."""
    return Requirements(total=_hours(total), public=_hours(public), professional=_hours(professional))


def _shortfall_figures(s: Shortfall) -> Requirements:
    return _figures(s.total, s.public, s.professional)


class ProgressOut(Schema):
    year: int
    public_hours: float
    professional_hours: float
    total_hours: float
    pending_hours: float = Field(..., description="审核中、尚未计入的学时")
    required: Requirements
    compliant: bool = Field(..., description="公需、专业、总学时三项均达到要求")
    short: Requirements = Field(..., description="各项还差的学时（0 表示已达到）")
    year_closed: bool = Field(..., description="本年度申报已截止（学时不得结转或顺延）")
    declaration_deadline: dt.date | None


def _progress_out(p: selectors.Progress) -> ProgressOut:
    return ProgressOut(
        year=p.year,
        public_hours=_hours(p.public_hours),
        professional_hours=_hours(p.professional_hours),
        total_hours=_hours(p.total_hours),
        pending_hours=_hours(p.pending_hours),
        required=_figures(p.required.total, p.required.public, p.required.professional),
        compliant=p.compliant,
        short=_shortfall_figures(p.shortfall),
        year_closed=p.year_closed,
        declaration_deadline=p.declaration_deadline,
    )


class HourRecordOut(Schema):
    id: int
    year: int
    category: str = Field(json_schema_extra=enum_of(Category))
    method: str = Field(json_schema_extra=enum_of(Method))
    hours: float
    source: str = Field(
        ...,
        description="platform 学习入口自动计入 | declaration 个人申报 | attendance 基地报送",
        json_schema_extra=enum_of(Source),
    )
    state: str = Field(
        ...,
        description="credited | pending | returned | rejected | not_recognised | duplicate",
        json_schema_extra=enum_of(RecordState),
    )
    state_label: str
    counted: bool = Field(..., description="是否计入本年度学时")
    explanation: str = Field(..., description="计入或不计入的原因")
    title: str
    organizer: str
    completed_on: dt.date
    declaration_id: int | None
    plan_item_id: int | None


def _record_out(r: HourRecord) -> HourRecordOut:
    return HourRecordOut(
        id=r.pk,
        year=r.year,
        category=r.category,
        method=r.method,
        hours=_hours(r.hours),
        source=r.source,
        state=r.state,
        state_label=r.get_state_display(),
        counted=r.counted,
        explanation=r.explanation,
        title=r.title,
        organizer=r.organizer,
        completed_on=r.completed_on,
        declaration_id=r.declaration_id,
        plan_item_id=r.plan_item_id,
    )


@progress_router.get(
    "me/progress", response=ProgressOut, auth=BearerAuth(deferred=True), summary="本人年度学时进度"
)
def my_progress(request, year: int | None = None):
    # The busiest read of December: the token is checked in the progress statement itself.
    return _progress_out(selectors.progress_for_token(request.auth, year))


@router.get("me/hours", response=list[HourRecordOut], auth=auth, summary="本人学时档案（含不计入的原因）")
def my_hours(request, year: int | None = None):
    return [_record_out(r) for r in selectors.hour_records(request.auth, year)]


@router.get("persons/{person_id}/progress", response=ProgressOut, auth=auth, summary="人员年度学时进度")
def person_progress(request, person_id: int, year: int | None = None):
    return _progress_out(selectors.person_progress(request.auth, person_id, year))


@router.get("persons/{person_id}/hours", response=list[HourRecordOut], auth=auth, summary="人员学时档案")
def person_hours(request, person_id: int, year: int | None = None):
    return [_record_out(r) for r in selectors.person_hour_records(request.auth, person_id, year)]


# ---------------------------------------------------------------------------------------------
# declarations


ACTIVITY_TYPE_HELP = (
    "继续教育方式目录中的代码（GET catalogue/{year}；如 paper 发表论文、patent 获得专利）；"
    "给出后 method 与 category 可不填（取该方式的学习方式和默认科目类别）。不填 = 按《通知》的学习方式申报。"
)


class DeclarationIn(Schema):
    category: str | None = Field(
        None,
        description="public 公需科目 | professional 专业科目（选择继续教育方式时默认取其默认科目类别）",
        json_schema_extra=enum_of(Category),
    )
    method: str | None = Field(
        None,
        description="training | practice | grassroots | online | self_study（不选继续教育方式时必填）",
        json_schema_extra=enum_of(Method),
    )
    activity_type: str | None = Field(None, description=ACTIVITY_TYPE_HELP)
    item_level: str | None = Field(None, description="按项计算学时的方式：项目级别代码（如 core_journal）")
    item_count: int | None = Field(None, description="按项计算学时的方式：项目数量")
    title: str
    organizer: str
    hours: float | None = Field(
        None, description="申报学时；目录规定每项固定学时的可不填（按级别 × 数量计算）"
    )
    started_on: dt.date
    ended_on: dt.date
    plan_item_id: int | None = Field(
        None, description="研修培训（及目录中须备案培训计划的方式）须选择已备案培训计划中的项目"
    )


class DeclarationPatch(Schema):
    category: str | None = Field(None, json_schema_extra=enum_of(Category))
    method: str | None = Field(None, json_schema_extra=enum_of(Method))
    activity_type: str | None = Field(None, description=ACTIVITY_TYPE_HELP)
    item_level: str | None = None
    item_count: int | None = None
    title: str | None = None
    organizer: str | None = None
    hours: float | None = None
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    plan_item_id: int | None = None


class EvidenceOut(Schema):
    id: int
    slot: str = Field("", description="证明材料项目代码（目录中该方式的材料项目；空 = 其他材料）")
    slot_name: str = ""
    name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime
    url: str


class ReviewOut(Schema):
    level: str = Field(json_schema_extra=enum_of(Review.Level))
    organisation: str
    arrived_at: dt.datetime
    due_on: dt.date
    due_provisional: bool
    overdue: bool
    decided_at: dt.datetime | None
    decision: str = Field(json_schema_extra=enum_of(Review.Decision, ""))
    comment: str


class DeclarationOut(Schema):
    id: int
    state: str = Field(json_schema_extra=enum_of(DeclarationState))
    state_label: str
    year: int
    category: str = Field(json_schema_extra=enum_of(Category))
    method: str = Field(json_schema_extra=enum_of(Method))
    title: str
    organizer: str
    hours: float
    started_on: dt.date
    ended_on: dt.date
    plan_item_id: int | None
    activity_type: str | None = Field(None, description="继续教育方式目录代码（空 = 按学习方式申报）")
    activity_type_name: str = ""
    item_level: str = ""
    item_count: int | None = None
    terms: dict = Field(
        default_factory=dict,
        description="提交时适用的目录标准（学时计算、每天学时、每项学时、年度上限、材料项目）；草稿为空",
    )
    person: str = Field(..., description="姓名（脱敏身份证号码）")
    unit: str | None
    authority: str | None
    submitted_at: dt.datetime | None
    due_on: dt.date | None = Field(None, description="当前审核环节的审核期限")
    due_provisional: bool = False
    editable: bool
    reason: str = Field("", description="学时记录的说明（不予认可、退回、不通过的原因）")
    evidence: list[EvidenceOut]
    reviews: list[ReviewOut]


def _person_label(person) -> str:
    return f"{person.name}（{person.id_number_masked}）"


def _declaration_out(d: Declaration, with_record: bool = True) -> DeclarationOut:
    current = selectors.open_review(d)
    hour_record = selectors.declaration_record(d) if with_record else None
    return DeclarationOut(
        id=d.pk,
        state=d.state,
        state_label=d.get_state_display(),
        year=d.year,
        category=d.category,
        method=d.method,
        title=d.title,
        organizer=d.organizer,
        hours=_hours(d.hours),
        started_on=d.started_on,
        ended_on=d.ended_on,
        plan_item_id=d.plan_item_id,
        activity_type=d.activity_type.code if d.activity_type_id else None,
        activity_type_name=d.activity_type.name if d.activity_type_id else "",
        item_level=d.item_level,
        item_count=d.item_count,
        terms=d.terms or {},
        person=_person_label(d.person),
        unit=d.unit.name if d.unit_id else None,
        authority=d.authority.name if d.authority_id else None,
        submitted_at=d.submitted_at,
        due_on=current.due_on if current else None,
        due_provisional=current.due_provisional if current else False,
        editable=d.editable,
        reason=hour_record.explanation if hour_record else "",
        evidence=[_evidence_out(d, e, names) for names in [_slot_names(d)] for e in d.evidence.all()],
        reviews=[
            ReviewOut(
                level=r.level,
                organisation=r.organisation.name,
                arrived_at=r.arrived_at,
                due_on=r.due_on,
                due_provisional=r.due_provisional,
                overdue=selectors.is_overdue(r),
                decided_at=r.decided_at,
                decision=r.decision,
                comment=r.comment,
            )
            for r in sorted(d.reviews.all(), key=lambda r: (r.arrived_at, r.pk))
        ],
    )


def _slot_names(d: Declaration) -> dict:
    """Slot code → name: as submitted (`terms`), else as the catalogue has them now."""
    if d.terms.get("slots"):
        return {s["code"]: s["name"] for s in d.terms["slots"]}
    if d.activity_type_id:
        return {s.code: s.name for s in d.activity_type.slots.all()}
    return {}


def _evidence_out(d: Declaration, e, names: dict) -> EvidenceOut:
    return EvidenceOut(
        id=e.pk,
        slot=e.slot,
        slot_name=names.get(e.slot, _("其他材料") if names else ""),
        name=e.original_name,
        content_type=e.content_type,
        size=e.size,
        uploaded_at=e.uploaded_at,
        url=f"/api/v1/declarations/{d.pk}/evidence/{e.pk}",
    )


def _reload(request, declaration_id: int) -> DeclarationOut:
    return _declaration_out(selectors.declaration_for(request.auth, declaration_id))


class DeclarationRow(Schema):
    id: int
    state: str = Field(json_schema_extra=enum_of(DeclarationState))
    state_label: str
    year: int
    category: str = Field(json_schema_extra=enum_of(Category))
    method: str = Field(json_schema_extra=enum_of(Method))
    title: str
    hours: float
    ended_on: dt.date
    person: str
    unit: str | None
    submitted_at: dt.datetime | None


def _declaration_row(d: Declaration) -> DeclarationRow:
    return DeclarationRow(
        id=d.pk,
        state=d.state,
        state_label=d.get_state_display(),
        year=d.year,
        category=d.category,
        method=d.method,
        title=d.title,
        hours=_hours(d.hours),
        ended_on=d.ended_on,
        person=_person_label(d.person),
        unit=d.unit.name if d.unit_id else None,
        submitted_at=d.submitted_at,
    )


class _Mapped:
    """A queryset the paginator can count and slice, mapped to schemas after slicing."""

    def __init__(self, qs, fn):
        self.qs, self.fn = qs, fn

    def __len__(self):
        return self.qs.count()

    def __getitem__(self, item):
        return [self.fn(r) for r in self.qs[item]]


@router.get("declarations", response=list[DeclarationRow], auth=auth, summary="学时申报列表（按身份范围）")
@paginate(LimitOffsetPagination)
def list_declarations(request, year: int | None = None, state: str | None = None, **kwargs):
    return _Mapped(selectors.declarations(request.auth, year, state), _declaration_row)


@router.post("declarations", response={201: DeclarationOut}, auth=auth, summary="新建学时申报（草稿）")
def create_declaration(request, payload: DeclarationIn):
    require_role(request.auth, Role.PERSON)
    declaration = services.create_declaration(
        request.auth, declaration=services.DeclarationInput(**payload.dict())
    )
    return Status(201, _reload(request, declaration.pk))


@router.get("declarations/{declaration_id}", response=DeclarationOut, auth=auth, summary="学时申报详情")
def get_declaration(request, declaration_id: int):
    return _reload(request, declaration_id)


@router.patch(
    "declarations/{declaration_id}", response=DeclarationOut, auth=auth, summary="修改草稿或退回的申报"
)
def update_declaration(request, declaration_id: int, payload: DeclarationPatch):
    require_role(request.auth, Role.PERSON)
    services.update_declaration(
        request.auth,
        declaration_id=declaration_id,
        change=services.DeclarationChange(**payload.dict(exclude_unset=True)),
    )
    return _reload(request, declaration_id)


@router.delete("declarations/{declaration_id}", response={204: None}, auth=auth, summary="删除草稿")
def delete_declaration(request, declaration_id: int):
    require_role(request.auth, Role.PERSON)
    services.delete_declaration(request.auth, declaration_id=declaration_id)
    return Status(204, None)


@router.post(
    "declarations/{declaration_id}/evidence",
    response={201: EvidenceOut},
    auth=auth,
    summary="上传证明材料（PDF/JPG/PNG）",
)
def upload_evidence(
    request,
    declaration_id: int,
    file: File[UploadedFile],
    slot: str = Query(
        "",
        max_length=30,
        description="证明材料项目代码（目录中该方式的材料项目，如 journal_cover；查询参数）；空 = 其他材料",
    ),
):
    require_role(request.auth, Role.PERSON)
    e = services.attach_evidence(request.auth, declaration_id=declaration_id, uploaded=file, slot=slot)
    d = e.declaration
    return Status(201, _evidence_out(d, e, _slot_names(d)))


@router.get(
    "declarations/{declaration_id}/evidence/{evidence_id}",
    auth=auth,
    summary="下载证明材料（仅本人及有权审核、监督的机构）",
    response={200: None},
    openapi_extra=binary_answer("证明材料（PDF 或图片）", PDF, "image/jpeg", "image/png"),
)
def download_evidence(request, declaration_id: int, evidence_id: int):
    evidence = selectors.evidence_for(request.auth, declaration_id, evidence_id)
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=True,
        filename=evidence.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.delete(
    "declarations/{declaration_id}/evidence/{evidence_id}",
    response={204: None},
    auth=auth,
    summary="删除证明材料",
)
def delete_evidence(request, declaration_id: int, evidence_id: int):
    require_role(request.auth, Role.PERSON)
    services.remove_evidence(request.auth, declaration_id=declaration_id, evidence_id=evidence_id)
    return Status(204, None)


@router.post("declarations/{declaration_id}/submit", response=DeclarationOut, auth=auth, summary="提交申报")
def submit_declaration(request, declaration_id: int):
    require_role(request.auth, Role.PERSON)
    services.submit_declaration(request.auth, declaration_id=declaration_id)
    return _reload(request, declaration_id)


# ---------------------------------------------------------------------------------------------
# review


class ReviewIn(Schema):
    decision: str = Field(
        ...,
        description="approve 通过 | reject 不通过（须填写原因） | return 退回修改",
        json_schema_extra=enum_of(Review.Decision),
    )
    comment: str = ""


class QueueItem(Schema):
    id: int = Field(..., description="申报编号")
    review_id: int
    level: str = Field(json_schema_extra=enum_of(Review.Level))
    person: str = Field(..., description="姓名（脱敏身份证号码）")
    person_id: int
    unit: str | None
    title: str
    category: str = Field(json_schema_extra=enum_of(Category))
    method: str = Field(json_schema_extra=enum_of(Method))
    activity_type: str | None = Field(None, description="继续教育方式目录代码（空 = 按学习方式申报）")
    activity_type_name: str = ""
    hours: float
    year: int
    state: str = Field(json_schema_extra=enum_of(DeclarationState))
    submitted_at: dt.datetime | None
    arrived_at: dt.datetime
    due_on: dt.date
    due_provisional: bool
    overdue: bool
    decided_at: dt.datetime | None
    decision: str = Field(json_schema_extra=enum_of(Review.Decision, ""))


def _queue_item(r: Review) -> QueueItem:
    d = r.declaration
    return QueueItem(
        id=d.pk,
        review_id=r.pk,
        level=r.level,
        person=_person_label(d.person),
        person_id=d.person_id,
        unit=d.unit.name if d.unit_id else None,
        title=d.title,
        category=d.category,
        method=d.method,
        activity_type=d.terms.get("code") or (d.activity_type.code if d.activity_type_id else None),
        activity_type_name=d.terms.get("name") or (d.activity_type.name if d.activity_type_id else ""),
        hours=_hours(d.hours),
        year=d.year,
        state=d.state,
        submitted_at=d.submitted_at,
        arrived_at=r.arrived_at,
        due_on=r.due_on,
        due_provisional=r.due_provisional,
        overdue=selectors.is_overdue(r),
        decided_at=r.decided_at,
        decision=r.decision,
    )


@router.get("reviews", response=list[QueueItem], auth=auth, summary="审核队列（pending/overdue/decided/all）")
def review_queue(
    request,
    state: str = "pending",
    year: int | None = None,
    limit: int = 200,
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    q: str = Query("", max_length=60, description="姓名或学习内容"),
    category: Literal["", "public", "professional"] = "",
    method: Literal["", "training", "practice", "grassroots", "online", "self_study"] = "",
):
    # The parameters above are the schema's and are validated by it; the filter reads them from
    # the query string as the page's filter bar does, so both narrow the queue alike.
    limit = max(1, min(limit, 500))
    filters = selectors.ReviewQueueFilter.from_query(request.GET)
    rows = selectors.filtered_review_queue(request.auth, filters)
    rows = rows[offset : offset + limit]
    return [_queue_item(r) for r in rows]


@router.post("declarations/{declaration_id}/review", response=DeclarationOut, auth=auth, summary="审核申报")
def review_declaration(request, declaration_id: int, payload: ReviewIn):
    require_role(request.auth, Role.UNIT, Role.AUTHORITY)
    services.review_declaration(
        request.auth, declaration_id=declaration_id, decision=payload.decision, comment=payload.comment
    )
    return _reload(request, declaration_id)


class BatchIn(Schema):
    ids: list[int] = Field(..., description="申报编号", max_length=services.MAX_BATCH_APPROVE)
    comment: str = ""


class BatchFailure(Schema):
    id: int
    reason: str


class BatchOut(Schema):
    approved: list[int]
    failed: list[BatchFailure]


@router.post("reviews/batch-approve", response=BatchOut, auth=auth, summary="批量通过")
def batch_approve(request, payload: BatchIn):
    require_role(request.auth, Role.UNIT, Role.AUTHORITY)
    result = services.batch_approve(request.auth, declaration_ids=payload.ids, comment=payload.comment)
    return BatchOut(approved=result.approved, failed=[BatchFailure(**f) for f in result.failed])


@router.get("reviews/overdue", response=list[QueueItem], auth=auth, summary="超期未审（本级及下级）")
@paginate(LimitOffsetPagination)
def overdue_reviews(request, **kwargs):
    return _Mapped(selectors.overdue_reviews(request.auth), _queue_item)


class TimelinessOut(Schema):
    organisation_id: int
    organisation: str
    level: str = Field(json_schema_extra=enum_of(Review.Level))
    decided: int
    on_time: int
    late: int
    open: int
    overdue: int
    on_time_rate: float | None


@router.get("reviews/timeliness", response=list[TimelinessOut], auth=auth, summary="审核时效（按机构）")
def review_timeliness(request, year: int | None = None):
    require_role(request.auth, *STAFF)
    return [
        TimelinessOut(
            organisation_id=t.organisation.pk,
            organisation=t.organisation.name,
            level=t.level,
            decided=t.decided,
            on_time=t.on_time,
            late=t.late,
            open=t.open,
            overdue=t.overdue,
            on_time_rate=t.on_time_rate,
        )
        for t in selectors.review_timeliness(request.auth, year)
    ]


# ---------------------------------------------------------------------------------------------
# compliance and title readiness


class ComplianceRow(Schema):
    person_id: int
    name: str
    id_number: str = Field(..., description="脱敏后的身份证号码")
    unit_id: int
    unit: str
    public_hours: float
    professional_hours: float
    total_hours: float
    pending_hours: float
    required: Requirements
    short: Requirements
    compliant: bool


def _compliance_row(m) -> ComplianceRow:
    return ComplianceRow(
        person_id=m.person_id,
        name=m.person.name,
        id_number=m.person.id_number_masked,
        unit_id=m.unit_id,
        unit=m.unit.name,
        public_hours=_hours(m.public),
        professional_hours=_hours(m.professional),
        total_hours=_hours(m.total),
        pending_hours=_hours(m.pending),
        required=_figures(m.req_total, m.req_public, m.req_professional),
        short=_shortfall_figures(shortfall_of_row(m)),
        compliant=bool(m.compliant),
    )


@router.get("compliance", response=list[ComplianceRow], auth=auth, summary="人员学时达标情况（谁差多少）")
@paginate(LimitOffsetPagination)
def compliance(
    request,
    year: int | None = None,
    unit_id: int | None = None,
    short: bool = False,
    q: str = Query("", max_length=60, description="姓名或账号"),
    **kwargs,
):
    filters = selectors.ComplianceFilter.from_query(request.GET)
    rows = selectors.filtered_staff_compliance(request.auth, filters, using=reporting_alias())
    return _Mapped(rows, _compliance_row)


class UnitComplianceOut(Schema):
    unit_id: int
    unit: str
    members: int
    compliant: int
    short: int


@router.get("compliance/units", response=list[UnitComplianceOut], auth=auth, summary="各单位达标人数")
def compliance_units(request, year: int | None = None):
    return [
        UnitComplianceOut(
            unit_id=u.unit.pk, unit=u.unit.name, members=u.members, compliant=u.compliant, short=u.short
        )
        for u in selectors.compliance_by_unit(request.auth, year, using=reporting_alias())
    ]


class PersonForecastOut(Schema):
    person_id: int
    person: str = Field(..., description="姓名（脱敏身份证号码）")
    public: float
    professional: float
    pending: float
    weekly_pace: float = Field(..., description="今年以来每周计入学时")
    projected_total: float = Field(..., description="按目前进度到截止日预计的总学时")
    weekly_needed: float = Field(..., description="从今天起每周需学习的学时")
    outlook: str = Field(..., json_schema_extra={"enum": [forecast.AT_RISK, forecast.IF_PENDING]})


class UnitForecastOut(Schema):
    unit_id: int
    unit: str
    members: int
    met: int
    on_track: int
    if_pending: int
    at_risk: int


class ForecastOut(Schema):
    year: int
    as_of: dt.date
    available_from: dt.date = Field(..., description="预测自当年 10 月 1 日起提供")
    shown: bool
    days_elapsed: int
    days_left: int
    people: list[PersonForecastOut] | None = Field(..., description="用人单位：难以达标的人员")
    units: list[UnitForecastOut] | None = Field(..., description="主管部门、人社局：各单位人数（不含姓名）")


@router.get("forecast", response=ForecastOut, auth=auth, summary="学时预测：按目前进度谁难以按期达标")
def get_forecast(request, year: int | None = None):
    actor = require_role(request.auth, Role.UNIT, Role.AUTHORITY, Role.BUREAU)
    w = forecast.window(year or policy_selectors.today().year)
    year = w.year
    people = units = None
    if w.shown and actor.is_role(Role.UNIT):
        people = [
            PersonForecastOut(
                person_id=f.row.person_id,
                person=str(f.row.person),
                public=f.row.public,
                professional=f.row.professional,
                pending=f.row.pending,
                weekly_pace=f.outlook.weekly_pace,
                projected_total=f.outlook.projected_total,
                weekly_needed=f.outlook.weekly_needed,
                outlook=f.outlook.outlook,
            )
            for f in forecast.people_at_risk(actor, year, w)
        ]
    elif w.shown:
        units = [UnitForecastOut(**u.__dict__) for u in forecast.counts_by_unit(actor, year, w)]
    return ForecastOut(
        year=year,
        as_of=w.today,
        available_from=w.available_from,
        shown=w.shown,
        days_elapsed=w.days_elapsed,
        days_left=w.days_left,
        people=people,
        units=units,
    )


class OpenDeclaration(Schema):
    id: int
    title: str
    state: str = Field(json_schema_extra=enum_of(DeclarationState))
    state_label: str


class ReadinessYear(Schema):
    year: int
    public_hours: float
    professional_hours: float
    total_hours: float
    required: Requirements
    compliant: bool


class ReadinessOut(Schema):
    person_id: int
    person: str
    on_date: dt.date
    year: int
    reviews_finished: bool
    unfinished: list[OpenDeclaration]
    drafts: list[OpenDeclaration]
    years: list[ReadinessYear]
    requirements_met: bool
    ready: bool


def _parse_years(years: str) -> list[int]:
    try:
        return [int(y) for y in years.split(",") if y.strip()] if years else []
    except ValueError:
        raise Invalid.field("years", _("年度：应为以逗号分隔的年份，如 2024,2025。")) from None


def _readiness_out(t: selectors.TitleReadiness) -> ReadinessOut:
    def brief(d):
        return OpenDeclaration(id=d.pk, title=d.title, state=d.state, state_label=d.get_state_display())

    return ReadinessOut(
        person_id=t.person.pk,
        person=_person_label(t.person),
        on_date=t.on_date,
        year=t.year,
        reviews_finished=t.reviews_finished,
        unfinished=[brief(d) for d in t.unfinished],
        drafts=[brief(d) for d in t.drafts],
        years=[
            ReadinessYear(
                year=p.year,
                public_hours=_hours(p.public_hours),
                professional_hours=_hours(p.professional_hours),
                total_hours=_hours(p.total_hours),
                required=_figures(p.required.total, p.required.public, p.required.professional),
                compliant=p.compliant,
            )
            for p in t.years
        ],
        requirements_met=t.requirements_met,
        ready=t.ready,
    )


@router.get("persons/{person_id}/title-readiness", response=ReadinessOut, auth=auth, summary="职称申报前核验")
def title_readiness(request, person_id: int, on: dt.date | None = None, years: str = ""):
    return _readiness_out(selectors.title_readiness(request.auth, person_id, on, _parse_years(years)))


@router.get("me/title-readiness", response=ReadinessOut, auth=auth, summary="本人职称申报前核验")
def my_title_readiness(request, on: dt.date | None = None, years: str = ""):
    person = selectors.own_person(request.auth).pk
    return _readiness_out(selectors.title_readiness(request.auth, person, on, _parse_years(years)))
