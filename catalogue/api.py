"""The activity catalogue in the public API: what each kind needs and how many hours it brings."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, Router

from catalogue import selectors
from catalogue.models import ActivityType, HourRule
from core.errors import NotFound
from core.openapi import enum_of
from core.schemas import Schema
from policy.models import Category, Method

router = Router(tags=["继续教育方式目录"])


class SlotOut(Schema):
    code: str = Field(..., description="上传证明材料时 slot 的取值")
    name: str
    required: bool
    help: str


class LevelOut(Schema):
    code: str = Field(..., description="申报时 item_level 的取值")
    name: str
    hours: float | None = Field(..., description="每项学时；空 = 由审核人员认定")


class ActivityTypeOut(Schema):
    code: str = Field(..., description="申报时 activity_type 的取值")
    number: int = Field(..., description="河南省平台申报的第几类")
    name: str
    description: str
    method: str = Field(..., json_schema_extra=enum_of(Method))
    category: str = Field(..., description="默认科目类别", json_schema_extra=enum_of(Category))
    needs_plan_item: bool = Field(..., description="须选择已备案培训计划中的项目（未备案不予认可）")
    base_reported: bool = Field(..., description="可由继续教育基地统一报送出勤（无需个人申报）")
    hour_rule: str = Field(
        ...,
        description="declared 按申报学时审核 | per_item 每项固定学时 | per_day 每天最多学时",
        json_schema_extra=enum_of(HourRule),
    )
    hours_per_day: float | None
    yearly_cap: float | None = Field(
        ..., description="每年最多计入（本人该方式已计入与审核中合计）；空 = 不设"
    )
    levels: list[LevelOut]
    slots: list[SlotOut]


def activity_type_out(kind: ActivityType) -> ActivityTypeOut:
    def num(v):
        return None if v is None else float(v)

    return ActivityTypeOut(
        code=kind.code,
        number=kind.number,
        name=kind.name,
        description=kind.description,
        method=kind.method,
        category=kind.category,
        needs_plan_item=kind.needs_plan_item,
        base_reported=kind.base_reported,
        hour_rule=kind.hour_rule,
        hours_per_day=num(kind.hours_per_day),
        yearly_cap=num(kind.yearly_cap),
        levels=[LevelOut(code=lv.code, name=lv.name, hours=num(lv.hours)) for lv in kind.levels.all()],
        slots=[SlotOut(code=s.code, name=s.name, required=s.required, help=s.help) for s in kind.slots.all()],
    )


@router.get("catalogue/{year}", response=list[ActivityTypeOut], summary="年度继续教育方式目录")
def catalogue_of_year(request, year: int):
    kinds = list(selectors.types_of_year(year))
    if not kinds:
        raise NotFound(_("%(year)s 年度继续教育方式目录尚未设置。") % {"year": year})
    return [activity_type_out(k) for k in kinds]
