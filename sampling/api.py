"""Audit sampling in the public API: draw, list with rates, one sample with its items, and the
outcome of one drawn declaration."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Status

from core.api import BearerAuth
from core.openapi import enum_of
from core.schemas import Schema
from policy.models import Method
from sampling import selectors, services
from sampling.models import AuditSample, SampledDeclaration

router = Router(tags=["学时抽查"])
auth = BearerAuth()
Outcome = SampledDeclaration.Outcome


class RatesOut(Schema):
    sampled: int
    confirmed: int
    revoked: int
    pending: int
    revocation_rate: float | None = Field(..., description="已核验中撤销的比例（尚无核验时为 null）")


class AuditSampleOut(Schema):
    id: int
    organisation: str = Field(..., description="抽查机构")
    year: int
    seed: int = Field(..., description="随机种子：同一种子、同样的数据抽出同样的样本")
    share: float | None = Field(..., description="抽查比例（%），按数量抽取时为 null")
    count: int | None = Field(..., description="抽查数量，按比例抽取时为 null")
    population: int = Field(..., description="抽取时可抽查的已通过申报数")
    weights: dict = Field(..., description="风险权重（相乘）")
    evidence_due_on: dt.date
    note: str
    drawn_at: dt.datetime
    rates: RatesOut


class SampledDeclarationOut(Schema):
    id: int
    rank: int
    declaration_id: int
    person: str = Field(..., description="姓名（身份证号码脱敏）")
    unit: str
    title: str
    method: str = Field(json_schema_extra=enum_of(Method))
    hours: float
    weight: float
    risks: list[str] = Field(..., description="self_study 自学 | large_hours 学时较多 | flagged 诚信核查事项")
    outcome: str = Field(..., json_schema_extra=enum_of(Outcome))
    reason: str
    decided_at: dt.datetime | None


class AuditSampleDetailOut(AuditSampleOut):
    items: list[SampledDeclarationOut]


class SummaryOut(Schema):
    year: int | None
    rates: RatesOut
    samples: list[AuditSampleOut]


def _rates(rates: selectors.Rates) -> RatesOut:
    return RatesOut(
        sampled=rates.sampled,
        confirmed=rates.confirmed,
        revoked=rates.revoked,
        pending=rates.pending,
        revocation_rate=rates.revocation_rate,
    )


def _sample_out(sample: AuditSample) -> dict:
    return {
        "id": sample.pk,
        "organisation": sample.organisation.name,
        "year": sample.year,
        "seed": sample.seed,
        "share": float(sample.share) if sample.share is not None else None,
        "count": sample.requested,
        "population": sample.population,
        "weights": sample.weights,
        "evidence_due_on": sample.evidence_due_on,
        "note": sample.note,
        "drawn_at": sample.drawn_at,
        "rates": _rates(selectors.rates_of(sample)),
    }


def _item_out(item: SampledDeclaration) -> SampledDeclarationOut:
    declaration = item.declaration
    return SampledDeclarationOut(
        id=item.pk,
        rank=item.rank,
        declaration_id=declaration.pk,
        person=f"{declaration.person.name}（{declaration.person.id_number_masked}）",
        unit=declaration.unit.name if declaration.unit else "",
        title=declaration.title,
        method=declaration.method,
        hours=float(item.hours),
        weight=float(item.weight),
        risks=item.risks,
        outcome=item.outcome,
        reason=item.reason,
        decided_at=item.decided_at,
    )


def _detail(request, sample_id: int) -> AuditSampleDetailOut:
    sample = selectors.sample_for(request.auth, sample_id)
    return AuditSampleDetailOut(
        **_sample_out(sample), items=[_item_out(i) for i in selectors.sample_items(sample)]
    )


@router.get("audit-samples", response=SummaryOut, auth=auth, summary="学时抽查及其结果统计（按身份范围）")
def list_audit_samples(request, year: int | None = None):
    rows = list(selectors.samples(request.auth, year))
    return SummaryOut(
        year=year,
        rates=_rates(selectors.rates_of(rows)),
        samples=[AuditSampleOut(**_sample_out(s)) for s in rows],
    )


class DrawIn(Schema):
    year: int
    share: float | None = Field(None, description="抽查比例（%），与 count 二选一")
    count: int | None = Field(None, description="抽查数量，与 share 二选一")
    seed: int | None = Field(None, description="随机种子（0–999999999999）；不填则随机生成并保存")
    evidence_due_on: dt.date | None = Field(None, description="提交原件截止日期；不填为 10 个工作日后")
    note: str = ""


@router.post(
    "audit-samples",
    response={201: AuditSampleDetailOut},
    auth=auth,
    summary="抽取学时抽查样本（行业主管部门、人社局）",
)
def create_audit_sample(request, payload: DrawIn):
    sample = services.draw_sample(
        request.auth,
        draw=services.DrawInput(
            year=payload.year,
            share=payload.share,
            count=payload.count,
            seed=payload.seed,
            evidence_due_on=payload.evidence_due_on,
            note=payload.note,
        ),
    )
    return Status(201, _detail(request, sample.pk))


@router.get(
    "audit-samples/{sample_id}", response=AuditSampleDetailOut, auth=auth, summary="学时抽查样本及核验结果"
)
def get_audit_sample(request, sample_id: int):
    return _detail(request, sample_id)


class DecisionIn(Schema):
    outcome: str = Field(..., description="confirmed 核验属实 | revoked 撤销学时")
    reason: str = Field("", description="核验意见；撤销学时时必填")


@router.post(
    "audit-samples/{sample_id}/items/{item_id}/decide",
    response=SampledDeclarationOut,
    auth=auth,
    summary="记录抽中申报的核验结果",
)
def decide_sampled_declaration(request, sample_id: int, item_id: int, payload: DecisionIn):
    item = services.decide(
        request.auth, sample_id=sample_id, item_id=item_id, outcome=payload.outcome, reason=payload.reason
    )
    sample = selectors.sample_for(request.auth, sample_id)
    return _item_out(selectors.sample_items(sample).get(pk=item.pk))
