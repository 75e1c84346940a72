"""Declarations and their evidence in the credits API: a person declares, edits, uploads and
submits; everyone in scope lists and reads them."""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse
from ninja import Field, File, Query, Status, UploadedFile
from ninja.pagination import paginate

from core.actors import Role
from core.api import require_role
from core.media import PDF
from core.openapi import binary_answer, enum_of
from core.pagination import LimitOffsetPagination
from core.schemas import Schema
from credits import selectors, services
from credits.api.routers import auth, router
from credits.api.schemas import (
    DeclarationOut,
    EvidenceOut,
    Mapped,
    evidence_out,
    hours_out,
    person_label,
    reload_declaration,
    slot_names,
)
from credits.models import Declaration, DeclarationState
from policy.models import Category, Method

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
        hours=hours_out(d.hours),
        ended_on=d.ended_on,
        person=person_label(d.person),
        unit=d.unit.name if d.unit_id else None,
        submitted_at=d.submitted_at,
    )


@router.get("declarations", response=list[DeclarationRow], auth=auth, summary="学时申报列表（按身份范围）")
@paginate(LimitOffsetPagination)
def list_declarations(request, year: int | None = None, state: str | None = None, **kwargs):
    return Mapped(selectors.declarations(request.auth, year, state), _declaration_row)


@router.post("declarations", response={201: DeclarationOut}, auth=auth, summary="新建学时申报（草稿）")
def create_declaration(request, payload: DeclarationIn):
    require_role(request.auth, Role.PERSON)
    declaration = services.create_declaration(
        request.auth, declaration=services.DeclarationInput(**payload.dict())
    )
    return Status(201, reload_declaration(request, declaration.pk))


@router.get("declarations/{declaration_id}", response=DeclarationOut, auth=auth, summary="学时申报详情")
def get_declaration(request, declaration_id: int):
    return reload_declaration(request, declaration_id)


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
    return reload_declaration(request, declaration_id)


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
    return Status(201, evidence_out(d, e, slot_names(d)))


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
    return reload_declaration(request, declaration_id)
