"""The two-level review in the credits API: the queue, a decision, batch approval, what is
overdue, and how timely each organisation reviews."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Query
from ninja.pagination import paginate

from core.actors import Role
from core.api import require_role
from core.openapi import enum_of
from core.pagination import MAX_OFFSET, LimitOffsetPagination
from core.schemas import Schema
from credits import selectors, services
from credits.api.routers import auth, router
from credits.api.schemas import DeclarationOut, Mapped, hours_out, person_label, reload_declaration
from credits.models import DeclarationState, Review
from policy.models import Category, Method

STAFF = (Role.UNIT, Role.AUTHORITY, Role.BUREAU)


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
        person=person_label(d.person),
        person_id=d.person_id,
        unit=d.unit.name if d.unit_id else None,
        title=d.title,
        category=d.category,
        method=d.method,
        activity_type=d.terms.get("code") or (d.activity_type.code if d.activity_type_id else None),
        activity_type_name=d.terms.get("name") or (d.activity_type.name if d.activity_type_id else ""),
        hours=hours_out(d.hours),
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
    limit = max(1, min(limit, 500))
    filters = selectors.ReviewQueueFilter(
        state=state, year=year, q=q.strip(), category=category, method=method
    )
    rows = selectors.filtered_review_queue(request.auth, filters)
    rows = rows[offset : offset + limit]
    return [_queue_item(r) for r in rows]


@router.post("declarations/{declaration_id}/review", response=DeclarationOut, auth=auth, summary="审核申报")
def review_declaration(request, declaration_id: int, payload: ReviewIn):
    require_role(request.auth, Role.UNIT, Role.AUTHORITY)
    services.review_declaration(
        request.auth, declaration_id=declaration_id, decision=payload.decision, comment=payload.comment
    )
    return reload_declaration(request, declaration_id)


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
    return Mapped(selectors.overdue_reviews(request.auth), _queue_item)


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
