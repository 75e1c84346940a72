"""What several answers of the credits API share: hour figures, a person's label, a declaration
as answered, and querysets paginated before they are mapped to schemas."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field

from core.openapi import enum_of
from core.schemas import Schema
from credits import selectors
from credits.models import Declaration, DeclarationState, Review
from credits.rules.compliance import Shortfall
from policy.api import Requirements
from policy.models import Category, Method


def hours_out(value) -> float:
    return float(value)


def figures(total, public, professional) -> Requirements:
    """Three hour figures (total, public, professional) in policy's `Requirements` schema: the
    requirement itself, or what is still missing of it."""
    return Requirements(
        total=hours_out(total), public=hours_out(public), professional=hours_out(professional)
    )


def shortfall_figures(s: Shortfall) -> Requirements:
    return figures(s.total, s.public, s.professional)


def person_label(person) -> str:
    return f"{person.name}（{person.id_number_masked}）"


class Mapped:
    """A queryset the paginator can count and slice, mapped to schemas after slicing."""

    def __init__(self, qs, fn):
        self.qs, self.fn = qs, fn

    def __len__(self):
        return self.qs.count()

    def __getitem__(self, item):
        return [self.fn(r) for r in self.qs[item]]


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


def declaration_out(d: Declaration) -> DeclarationOut:
    current = selectors.open_review(d)
    hour_record = selectors.declaration_record(d)
    return DeclarationOut(
        id=d.pk,
        state=d.state,
        state_label=d.get_state_display(),
        year=d.year,
        category=d.category,
        method=d.method,
        title=d.title,
        organizer=d.organizer,
        hours=hours_out(d.hours),
        started_on=d.started_on,
        ended_on=d.ended_on,
        plan_item_id=d.plan_item_id,
        activity_type=d.activity_type.code if d.activity_type_id else None,
        activity_type_name=d.activity_type.name if d.activity_type_id else "",
        item_level=d.item_level,
        item_count=d.item_count,
        terms=d.terms or {},
        person=person_label(d.person),
        unit=d.unit.name if d.unit_id else None,
        authority=d.authority.name if d.authority_id else None,
        submitted_at=d.submitted_at,
        due_on=current.due_on if current else None,
        due_provisional=current.due_provisional if current else False,
        editable=d.editable,
        reason=hour_record.explanation if hour_record else "",
        evidence=[evidence_out(d, e, names) for names in [slot_names(d)] for e in d.evidence.all()],
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


def slot_names(d: Declaration) -> dict:
    """Slot code → name: as submitted (`terms`), else as the catalogue has them now."""
    if d.terms.get("slots"):
        return {s["code"]: s["name"] for s in d.terms["slots"]}
    if d.activity_type_id:
        return {s.code: s.name for s in d.activity_type.slots.all()}
    return {}


def evidence_out(d: Declaration, e, names: dict) -> EvidenceOut:
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


def reload_declaration(request, declaration_id: int) -> DeclarationOut:
    return declaration_out(selectors.declaration_for(request.auth, declaration_id))
