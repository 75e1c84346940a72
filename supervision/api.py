"""The statistics in the public API: the same figures as the pages and their `.xlsx` (one
`Statistic` read through the actor's scope), one endpoint per statistic."""

from __future__ import annotations

from decimal import Decimal

from ninja import Field, Query, Router

from core.api import BearerAuth
from core.openapi import also_answers
from core.schemas import Schema
from policy import selectors as policy_selectors
from supervision import selectors

router = Router(tags=["统计分析"])
auth = BearerAuth()
KINDS = ["int", "hours", "percent", "days", "text"]


class ColumnOut(Schema):
    key: str
    label: str
    kind: str = Field(
        ...,
        json_schema_extra={"enum": KINDS},
        description="int 人数/件数 | hours 学时 | percent 百分比 | days 工作日 | text 文字",
    )


class RowOut(Schema):
    key: str = Field(..., description="行的编号（地区、机构、职称系列、月份等的 id 或代码）")
    label: str
    values: dict[str, float | int | str | None] = Field(..., description="按列 key 的数值")


class TableOut(Schema):
    key: str
    title: str
    label_name: str = Field(..., description="首列（行名）的含义")
    columns: list[ColumnOut]
    rows: list[RowOut]
    totals: dict[str, float | int | str | None] | None = Field(..., description="合计行（无合计时为 null）")


class StatisticOut(Schema):
    key: str
    title: str
    year: int
    scope: str = Field(..., description="统计范围（机构，及所选地区、主管部门或单位）")
    tables: list[TableOut]
    notes: list[str] = Field(..., description="统计口径说明")


class Narrow(Schema):
    year: int | None = Field(None, description="年度（默认今年）")
    region: int | None = Field(None, description="只看本范围内的某一地区（id）；范围外 → 404")
    authority: int | None = Field(None, description="只看某一行业主管部门所管单位（id）；范围外 → 404")
    unit: int | None = Field(None, description="只看某一单位（id）；范围外 → 404")


class CompletionNarrow(Narrow):
    by: str = Field("region", json_schema_extra={"enum": list(selectors.DIMENSIONS)}, description="分组")


def plain(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def statistic_out(stat: selectors.Statistic) -> StatisticOut:
    return StatisticOut(
        key=stat.key,
        title=stat.title,
        year=stat.year,
        scope=stat.scope,
        notes=stat.notes,
        tables=[
            TableOut(
                key=t.key,
                title=t.title,
                label_name=t.label_name,
                columns=[ColumnOut(key=c.key, label=c.label, kind=c.kind) for c in t.columns],
                rows=[
                    RowOut(key=r.key, label=r.label, values={k: plain(v) for k, v in r.values.items()})
                    for r in t.rows
                ],
                totals=None if t.totals is None else {k: plain(v) for k, v in t.totals.items()},
            )
            for t in stat.tables
        ],
    )


def _read(request, key: str, q: Narrow, **extra) -> StatisticOut:
    year = q.year or policy_selectors.today().year
    stat = selectors.statistic(
        request.auth, key, year, region=q.region, authority=q.authority, unit=q.unit, **extra
    )
    return statistic_out(stat)


_ANSWERS = also_answers(404)


@router.get(
    "statistics/completion",
    response=StatisticOut,
    auth=auth,
    openapi_extra=_ANSWERS,
    summary="学时达标统计（按地区、行业、单位或职称系列）",
)
def statistics_completion(request, q: Query[CompletionNarrow]):
    return _read(request, "completion", q, by=q.by)


@router.get(
    "statistics/hours",
    response=StatisticOut,
    auth=auth,
    openapi_extra=_ANSWERS,
    summary="学时来源、学习方式与各月学时",
)
def statistics_hours(request, q: Query[Narrow]):
    return _read(request, "hours", q)


@router.get(
    "statistics/reviews", response=StatisticOut, auth=auth, openapi_extra=_ANSWERS, summary="各级审核时效"
)
def statistics_reviews(request, q: Query[Narrow]):
    return _read(request, "reviews", q)


@router.get(
    "statistics/filings",
    response=StatisticOut,
    auth=auth,
    openapi_extra=_ANSWERS,
    summary="培训计划与平台备案：已申报、逾期、未申报",
)
def statistics_filings(request, q: Query[Narrow]):
    return _read(request, "filings", q)


@router.get(
    "statistics/plans",
    response=StatisticOut,
    auth=auth,
    openapi_extra=_ANSWERS,
    summary="培训计划执行：计划与实际",
)
def statistics_plans(request, q: Query[Narrow]):
    return _read(request, "plans", q)


@router.get(
    "statistics/sampling",
    response=StatisticOut,
    auth=auth,
    openapi_extra=_ANSWERS,
    summary="学时抽查结果与撤销率",
)
def statistics_sampling(request, q: Query[Narrow]):
    return _read(request, "sampling", q)
