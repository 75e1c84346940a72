"""Compliance in the credits API: who is short of what, each unit's counts, the forecast of who
will not make it in time, and the check before a title application."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query
from ninja.pagination import paginate

from core.actors import Role
from core.api import require_role
from core.errors import Invalid
from core.openapi import enum_of
from core.pagination import LimitOffsetPagination
from core.replica import reporting_alias
from core.schemas import Schema
from credits import forecast, selectors
from credits.api.routers import auth, router
from credits.api.schemas import Mapped, figures, hours_out, person_label, shortfall_figures
from credits.models import DeclarationState
from credits.rules.compliance import shortfall_of_row
from policy import selectors as policy_selectors
from policy.api import Requirements


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
        public_hours=hours_out(m.public),
        professional_hours=hours_out(m.professional),
        total_hours=hours_out(m.total),
        pending_hours=hours_out(m.pending),
        required=figures(m.req_total, m.req_public, m.req_professional),
        short=shortfall_figures(shortfall_of_row(m)),
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
    filters = selectors.ComplianceFilter(year=year, unit_id=unit_id, only_short=short, q=q.strip())
    rows = selectors.filtered_staff_compliance(request.auth, filters, using=reporting_alias())
    return Mapped(rows, _compliance_row)


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
        person=person_label(t.person),
        on_date=t.on_date,
        year=t.year,
        reviews_finished=t.reviews_finished,
        unfinished=[brief(d) for d in t.unfinished],
        drafts=[brief(d) for d in t.drafts],
        years=[
            ReadinessYear(
                year=p.year,
                public_hours=hours_out(p.public_hours),
                professional_hours=hours_out(p.professional_hours),
                total_hours=hours_out(p.total_hours),
                required=figures(p.required.total, p.required.public, p.required.professional),
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
