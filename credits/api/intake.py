"""The learning platforms' door (DESIGN §5): push completions, then ask each item's fate; the
person's held items and the integrity list beside it."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router
from ninja.pagination import paginate
from ninja.security import HttpBearer
from pydantic import BaseModel, ConfigDict

from core.api import BearerAuth
from core.errors import Invalid
from core.openapi import enum_of
from core.pagination import LimitOffsetPagination
from core.schemas import Schema
from core.security import PlatformRateThrottle
from credits import intake, intake_selectors, integrity
from filings import selectors as filing_selectors
from policy.models import Category

router = Router(tags=["学习平台推送"])
auth = BearerAuth()


class PlatformAuth(HttpBearer):
    """A learning platform's API key, issued when its filing is accepted; revoked keys fail."""

    def authenticate(self, request, token: str):
        return filing_selectors.credential_for_token(token)


class CompletionIn(BaseModel):
    """Fields are checked one item at a time, so a malformed item is rejected on its own: the
    schema names what a valid item needs, the server answers a missing field item by item.
    A plain pydantic model: ninja's Schema wraps each of the 1,000 items for Django attribute
    access, a fifth of a push's time, for input that has no Django object behind it."""

    model_config = ConfigDict(
        json_schema_extra={
            "required": ["external_id", "id_number", "name", "course", "category", "hours", "completed_on"]
        }
    )

    external_id: Any = Field(
        None, description="平台内唯一的学习记录号（字符串，≤80）", json_schema_extra={"type": "string"}
    )
    id_number: Any = Field(None, description="学员身份证号码", json_schema_extra={"type": "string"})
    name: Any = Field(
        None, description="学员姓名，须与身份证号码登记的姓名一致", json_schema_extra={"type": "string"}
    )
    course: Any = Field(None, description="课程名称", json_schema_extra={"type": "string"})
    category: Any = Field(
        None,
        description="public | professional",
        json_schema_extra={"type": "string", **enum_of(Category)},
    )
    hours: Any = Field(None, description="学时（数字，最多一位小数）", json_schema_extra={"type": "number"})
    completed_on: Any = Field(
        None, description="完成日期 YYYY-MM-DD", json_schema_extra={"type": "string", "format": "date"}
    )
    started_on: Any = Field(
        None,
        description=(
            "可选：开始学习日期（与完成日期同一年度）。缺省时按当年 1 月 1 日至完成日期计：学时只要在这段"
            "时间内按每日学时上限可能完成，并与本人其他学时记录合计不超过每日上限，即接收"
        ),
        json_schema_extra={"type": "string", "format": "date"},
    )


class CompletionsIn(Schema):
    items: list[CompletionIn] = Field(..., description=f"每批最多 {intake.MAX_PLATFORM_BATCH} 条")


class ItemReason(Schema):
    external_id: str | None
    reason: str


class CompletionsOut(Schema):
    accepted: list[str] = Field(..., description="本次计入的记录号")
    duplicates: list[str] = Field(..., description="已接收过（计入或已过期）的记录号，不重复计入")
    held: list[ItemReason] = Field(
        ..., description="暂存的记录号及原因（学员未注册、姓名不一致、平台备案未通过）：原因消除后自动计入"
    )
    rejected: list[ItemReason] = Field(..., description="未接收的记录号及原因；修正后可用同一记录号重新推送")


@router.post(
    "platform/completions",
    response=CompletionsOut,
    auth=PlatformAuth(),
    throttle=PlatformRateThrottle("platform_push"),
    summary="学习平台推送学习记录（自动计入，幂等）",
)
def platform_completions(request, payload: CompletionsIn):
    if len(payload.items) > intake.MAX_PLATFORM_BATCH:
        raise Invalid.field("items", _("记录列表：每批最多 %(n)s 条。") % {"n": intake.MAX_PLATFORM_BATCH})
    # An item's fields as the dict pydantic keeps them in (`model_dump` or `dict(item)` copies
    # them through Python-level iteration, a tenth of a re-sent batch's time).
    result = intake.receive_platform_completions(request.auth, items=[i.__dict__ for i in payload.items])
    # The plain answer: ninja validates it against CompletionsOut once on the way out.
    return {
        "accepted": result.accepted,
        "duplicates": result.duplicates,
        "held": result.held,
        "rejected": result.rejected,
    }


class ReceiptOut(Schema):
    external_id: str
    state: str = Field(..., description="credited | duplicate | held | rejected | expired")
    reason: str
    year: int | None
    record_id: int | None = Field(..., description="计入后学员学时档案中的记录编号")
    received_at: dt.datetime
    updated_at: dt.datetime


def _receipt_out(r: intake_selectors.Receipt) -> ReceiptOut:
    return ReceiptOut(**r.__dict__)


@router.get(
    "platform/completions/{path:external_id}",
    response=ReceiptOut,
    auth=PlatformAuth(),
    summary="查询一条推送记录的处理结果",
)
def platform_completion(request, external_id: str):
    return _receipt_out(intake_selectors.receipt(request.auth.platform, external_id))


class _Receipts:
    def __init__(self, qs):
        self.qs = qs

    def __len__(self):
        return self.qs.count()

    def __getitem__(self, item):
        return [_receipt_out(r) for r in intake_selectors.as_receipts(self.qs[item])]


@router.get(
    "platform/completions",
    response=list[ReceiptOut],
    auth=PlatformAuth(),
    summary="本平台推送记录的处理结果（按更新时间，可按状态、起始时间筛选）",
)
@paginate(LimitOffsetPagination)
def platform_completion_list(request, state: str | None = None, since: dt.datetime | None = None, **kwargs):
    return _Receipts(intake_selectors.receipts(request.auth.platform, state, since))


class HeldOut(Schema):
    platform: str
    external_id: str
    course: str
    category: str
    hours: float | None
    completed_on: dt.date | None
    state: str
    reason: str
    received_at: dt.datetime


@router.get(
    "me/held-completions", response=list[HeldOut], auth=auth, summary="学习平台报送、暂存待计入的本人学时"
)
def my_held_completions(request):
    return [
        HeldOut(
            platform=row.platform.name,
            external_id=row.external_id,
            course=row.course,
            category=row.category,
            hours=float(row.hours) if row.hours is not None else None,
            completed_on=row.completed_on,
            state=row.state,
            reason=row.reason,
            received_at=row.received_at,
        )
        for row in intake_selectors.held_of_person(request.auth)[:200]
    ]


class FlagItemOut(Schema):
    kind: str = Field(
        ..., description="declaration 学时申报 | record 学时记录 | other 另一条记录（其他单位，不可查看）"
    )
    id: int | None = Field(None, description="申报或记录编号；不可查看时为空")
    label: str


class FlagOut(Schema):
    id: int
    person: str = Field(..., description="姓名（身份证号码脱敏）；不在查看者范围内时为“其他单位人员”")
    year: int
    kind: str = Field(
        ...,
        description="pace 学习强度异常 | over_daily_limit 超过每日学时上限"
        " | same_class 基地报送与个人申报为同一培训 | same_course 平台推送与个人申报为同一课程"
        " | same_evidence 证明材料重复使用",
    )
    message: str
    records: list[int] = Field(..., description="涉及的本人学时记录（可查看的）")
    items: list[FlagItemOut] = Field(..., description="涉及的申报和记录，按查看者的权限显示")
    state: str = Field(..., description="open | dismissed | upheld")
    note: str
    created_at: dt.datetime


def _item_out(item) -> FlagItemOut:
    if item.hidden:
        return FlagItemOut(kind="other", label=item.label)
    if item.declaration is not None:
        return FlagItemOut(kind="declaration", id=item.declaration.pk, label=item.label)
    return FlagItemOut(kind="record", id=item.record.pk, label=item.label)


def _flag_out(shown) -> FlagOut:
    flag = shown.flag
    return FlagOut(
        id=flag.pk,
        person=f"{flag.person.name}（{flag.person.id_number_masked}）"
        if shown.person_visible
        else integrity.OTHER_PERSON,
        year=flag.year,
        kind=flag.kind,
        message=flag.message,
        records=sorted(r.pk for r in flag.records.all() if r.person_id == flag.person_id),
        items=[_item_out(i) for i in shown.items],
        state=flag.state,
        note=flag.note,
        created_at=flag.created_at,
    )


class _ShownFlags:
    """The flags the paginator counts and slices, shown in the actor's scope after slicing."""

    def __init__(self, actor, qs):
        self.actor, self.qs = actor, qs

    def __len__(self):
        return self.qs.count()

    def __getitem__(self, item):
        return [_flag_out(s) for s in integrity.show(self.actor, self.qs[item])]


@router.get("integrity-flags", response=list[FlagOut], auth=auth, summary="诚信核查清单（按身份范围）")
@paginate(LimitOffsetPagination)
def integrity_flags(request, year: int | None = None, state: str = "open", kind: str | None = None, **kwargs):
    return _ShownFlags(request.auth, intake_selectors.integrity_flags(request.auth, year, state, kind))


class FlagDecisionIn(Schema):
    decision: str = Field(..., description="dismissed 核查无误 | upheld 确有问题")
    note: str


@router.post("integrity-flags/{flag_id}/decide", response=FlagOut, auth=auth, summary="核查诚信核查事项")
def decide_integrity_flag(request, flag_id: int, payload: FlagDecisionIn):
    flag = integrity.decide_flag(request.auth, flag_id, payload.decision, payload.note)
    flags = intake_selectors.integrity_flags(request.auth, state="all").filter(pk=flag.pk)
    return _flag_out(integrity.show(request.auth, flags)[0])
