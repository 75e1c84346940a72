"""A person's progress and hour records in the credits API: their own, and a person's as the
unit, authority or bureau in scope sees them."""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpResponse
from ninja import Field

from core.api import BearerAuth
from core.openapi import enum_of
from core.schemas import Schema
from credits import selectors
from credits.api.routers import auth, progress_router, router
from credits.api.schemas import figures, hours_out, shortfall_figures
from credits.models import HourRecord, RecordState, Source
from policy.api import Requirements
from policy.models import Category, Method


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
        public_hours=hours_out(p.public_hours),
        professional_hours=hours_out(p.professional_hours),
        total_hours=hours_out(p.total_hours),
        pending_hours=hours_out(p.pending_hours),
        required=figures(p.required.total, p.required.public, p.required.professional),
        compliant=p.compliant,
        short=shortfall_figures(p.shortfall),
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
        hours=hours_out(r.hours),
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
    # The busiest read of December: the token is checked in the progress statement itself, and
    # the answer is written without a model (`progress_json`).
    return progress_json(selectors.progress_for_token(request.auth, year))


def _three(total, public, professional) -> dict:
    return {"total": hours_out(total), "public": hours_out(public), "professional": hours_out(professional)}


def progress_json(p: selectors.Progress) -> HttpResponse:
    """`ProgressOut` of `p` as the bytes ninja would write for it (a test compares the two for
    every kind of answer), built without validating a model whose every value the statement
    already typed: pydantic and its JSON step were a fifth of a progress read's CPU."""
    r, short = p.required, p.shortfall
    deadline = p.declaration_deadline
    body = {
        "year": p.year,
        "public_hours": hours_out(p.public_hours),
        "professional_hours": hours_out(p.professional_hours),
        "total_hours": hours_out(p.total_hours),
        "pending_hours": hours_out(p.pending_hours),
        "required": _three(r.total, r.public, r.professional),
        "compliant": p.compliant,
        "short": _three(short.total, short.public, short.professional),
        "year_closed": p.year_closed,
        "declaration_deadline": deadline.isoformat() if deadline else None,
    }
    return HttpResponse(json.dumps(body), content_type="application/json; charset=utf-8")


@router.get("me/hours", response=list[HourRecordOut], auth=auth, summary="本人学时档案（含不计入的原因）")
def my_hours(request, year: int | None = None):
    return [_record_out(r) for r in selectors.hour_records(request.auth, year)]


@router.get("persons/{person_id}/progress", response=ProgressOut, auth=auth, summary="人员年度学时进度")
def person_progress(request, person_id: int, year: int | None = None):
    return _progress_out(selectors.person_progress(request.auth, person_id, year))


@router.get("persons/{person_id}/hours", response=list[HourRecordOut], auth=auth, summary="人员学时档案")
def person_hours(request, person_id: int, year: int | None = None):
    return [_record_out(r) for r in selectors.person_hour_records(request.auth, person_id, year)]
