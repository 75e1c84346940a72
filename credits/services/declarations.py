"""The person's declarations (学时申报): the validation of a whole declaration, and creating,
changing and deleting a draft."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record
from catalogue import selectors as catalogue_selectors
from catalogue.models import ActivityType, HourRule
from core.actors import Actor
from core.errors import Conflict, DomainError, Invalid
from core.hours import format_hours
from credits import rules
from credits.models import Declaration, DeclarationState, Evidence
from credits.rules import recognition
from credits.services import common
from filings.models import FilingState, PlanItem
from policy.models import Category, Method

MAX_ITEM_COUNT = 99

Hours = Decimal | float | int | str | None
Day = dt.date | str | None


@dataclass(frozen=True)
class DeclarationInput:
    """A declaration as the person typed it (the web form or the API); `clean` checks every
    field and names each bad one. A kind of the catalogue (`activity_type`, its code) brings
    its method and category; `plan_item_id` names the class of a filed plan (training)."""

    category: str | None = None
    method: str | None = None
    title: str | None = None
    organizer: str | None = None
    hours: Hours = None
    started_on: Day = None
    ended_on: Day = None
    plan_item_id: int | None = None
    activity_type: str | None = None
    item_level: str | None = None
    item_count: int | str | None = None


class _Keep(enum.Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP


@dataclass(frozen=True)
class DeclarationChange:
    """A change of a draft or returned declaration: a field left at KEEP keeps its value;
    `plan_item_id=None` clears the class."""

    category: str | _Keep | None = KEEP
    method: str | _Keep | None = KEEP
    title: str | _Keep | None = KEEP
    organizer: str | _Keep | None = KEEP
    hours: Hours | _Keep = KEEP
    started_on: Day | _Keep = KEEP
    ended_on: Day | _Keep = KEEP
    plan_item_id: int | _Keep | None = KEEP
    activity_type: str | _Keep | None = KEEP
    item_level: str | _Keep | None = KEEP
    item_count: int | str | _Keep | None = KEEP

    def given(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not KEEP}


def clean(data: Mapping, base: Mapping | None = None, now: dt.datetime | None = None) -> dict:
    """Validate a whole declaration (base values overlaid with `data`); every bad field is named."""
    values = dict(base or {})
    values.update(
        {
            k: v
            for k, v in data.items()
            if k in (*common.DECLARATION_FIELDS, *common.TYPE_FIELDS, "plan_item_id")
        }
    )
    errors: list[dict] = []

    def bad(name: str, message: str) -> None:
        if not any(e["field"] == name for e in errors):
            errors.append({"field": name, "message": message})

    today = rules.local_day(now or common.now())
    ended = rules.parse_date(values.get("ended_on"))
    kind = _activity_type(values.get("activity_type"), ended.year if ended else today.year, bad)
    category = values.get("category")
    if kind is not None and not category:
        category = kind.category
    if category not in Category.values:
        bad("category", _("科目类别：应为 public（公需科目）或 professional（专业科目）。"))
    method = values.get("method")
    if kind is not None and not method:
        method = kind.method
    if kind is not None and method != kind.method:
        bad(
            "method",
            _(
                "学习方式：“%(type)s”属于“%(label)s”（%(method)s），与填写的“%(given)s”不一致；"
                "选择继续教育方式后可不填学习方式。"
            )
            % {"type": kind.name, "label": kind.get_method_display(), "method": kind.method, "given": method},
        )
    elif method not in Method.values:
        bad("method", _("学习方式：应为 training、practice、grassroots、online 或 self_study 之一。"))
    for name, label, limit in (("title", _("学习内容"), 200), ("organizer", _("举办单位"), 120)):
        text = values.get(name)
        text = text.strip() if isinstance(text, str) else ""
        values[name] = text
        if not text:
            bad(name, _("%(label)s：必须填写。") % {"label": label})
        elif len(text) > limit:
            bad(name, _("%(label)s：不能超过 %(n)s 个字符。") % {"label": label, "n": limit})
    started_on = rules.parse_date(values.get("started_on"))
    ended_on = rules.parse_date(values.get("ended_on"))
    if started_on is None:
        bad("started_on", _("开始日期：格式应为 YYYY-MM-DD。"))
    if ended_on is None:
        bad("ended_on", _("结束日期：格式应为 YYYY-MM-DD。"))
    policy = None
    if started_on and ended_on:
        if started_on > ended_on:
            bad("started_on", _("开始日期：不能晚于结束日期。"))
        elif problem := rules.other_year_problem(started_on, ended_on):
            bad("started_on", problem)
        if ended_on > today:
            bad("ended_on", _("结束日期：不能晚于今天，学时在学习完成后申报。"))
        else:
            try:
                policy = rules.require_open_year(ended_on.year, "ended_on", now)
            except DomainError as exc:
                errors.extend(exc.errors)
    plan_item = None
    plan_item_id = values.get("plan_item_id")
    if plan_item_id in ("", 0):
        plan_item_id = None
    needs_plan = recognition.needs_filed_plan(kind, method)
    if plan_item_id is not None and not needs_plan and "plan_item_id" not in data:
        plan_item_id = None  # kept from before a change of method or kind: it no longer applies
    if plan_item_id is not None:
        if not needs_plan and kind is not None:
            bad(
                "plan_item_id",
                _("培训计划项目：“%(type)s”不需要选择培训计划项目（只有须备案培训计划的方式需要）。")
                % {"type": kind.name},
            )
        elif not needs_plan:
            bad("plan_item_id", _("培训计划项目：只有“研修培训”需要选择培训计划项目。"))
        else:
            plan_item = PlanItem.objects.select_related("plan").filter(pk=plan_item_id).first()
            if plan_item is None:
                bad("plan_item_id", _("培训计划项目：所选项目不存在。"))
            else:
                for name, message in _plan_item_problems(plan_item, category, started_on, ended_on):
                    bad(name, message)
    days = (ended_on - started_on).days + 1 if started_on and ended_on and started_on <= ended_on else 1
    level, count = "", None
    if kind is not None:
        level, count = _hour_standard(kind, values, days, bad)
    problem = rules.hours_problem(
        values.get("hours"), days, policy, ceiling=plan_item.hours if plan_item else None
    )
    if problem:
        bad("hours", problem)
    if errors:
        raise Invalid(errors[0]["message"], errors)
    return {
        "category": category,
        "method": method,
        "title": values["title"],
        "organizer": values["organizer"],
        "hours": rules.parse_hours(values.get("hours")),
        "started_on": started_on,
        "ended_on": ended_on,
        "year": ended_on.year,
        "plan_item": plan_item,
        "activity_type": kind,
        "item_level": level,
        "item_count": count,
    }


def _activity_type(code, year: int, bad) -> ActivityType | None:
    """The kind `code` of the catalogue of `year` (the declaration's year), or None: none
    given (a declaration by the notice's method), or unknown (then `bad` names the field)."""
    if isinstance(code, ActivityType):
        code = code.code
    if code in (None, ""):
        return None
    kind = catalogue_selectors.activity_type(year, str(code)) if isinstance(code, str) else None
    if kind is None:
        bad(
            "activity_type",
            _("继续教育方式：%(year)s 年度继续教育方式目录中没有“%(code)s”。可选：%(codes)s。")
            % {
                "year": year,
                "code": code,
                "codes": "、".join(catalogue_selectors.codes_of_year(year)) or "—",
            },
        )
    return kind


def _hour_standard(kind: ActivityType, values: dict, days: int, bad) -> tuple[str, int | None]:
    """The catalogue's hour standard of `kind` applied to the declared hours (in `values`,
    filled in when the standard fixes them). Returns the item level and count kept with it."""
    if kind.hour_rule == HourRule.PER_DAY:
        hours = rules.parse_hours(values.get("hours"))
        if kind.hours_per_day is not None and hours is not None and hours > kind.hours_per_day * days:
            bad(
                "hours",
                _(
                    "学时：“%(type)s”每天最多计 %(daily)s 学时（%(year)s 年度继续教育方式目录），"
                    "%(days)s 天最多 %(limit)s 学时。"
                )
                % {
                    "type": kind.name,
                    "daily": format_hours(kind.hours_per_day),
                    "year": kind.policy_year_id,
                    "days": days,
                    "limit": format_hours(kind.hours_per_day * days),
                },
            )
        return "", None
    if kind.hour_rule != HourRule.PER_ITEM:
        return "", None
    levels = list(kind.levels.all())
    code = values.get("item_level") or ""
    level = kind.level(code) if isinstance(code, str) and code else None
    if level is None:
        bad(
            "item_level",
            _("项目级别：“%(type)s”按项计算学时，请选择级别：%(levels)s。")
            % {"type": kind.name, "levels": "、".join(f"{lv.name}（{lv.code}）" for lv in levels)},
        )
    count = values.get("item_count")
    try:
        count = int(count) if count not in (None, "") and not isinstance(count, bool) else None
    except (TypeError, ValueError):
        count = None
    if count is None or not 1 <= count <= MAX_ITEM_COUNT:
        bad(
            "item_count",
            _("项目数量：“%(type)s”按项计算学时，请填写数量（1–%(max)s 的整数）。")
            % {"type": kind.name, "max": MAX_ITEM_COUNT},
        )
        return (level.code if level else ""), None
    if level is not None and level.hours is not None:
        expected = level.hours * count
        if values.get("hours") in (None, ""):
            values["hours"] = expected
        elif rules.parse_hours(values.get("hours")) != expected:
            bad(
                "hours",
                _(
                    "学时：“%(type)s·%(level)s”每项计 %(each)s 学时（%(year)s 年度继续教育方式目录），"
                    "%(n)s 项应为 %(hours)s 学时。"
                )
                % {
                    "type": kind.name,
                    "level": level.name,
                    "each": format_hours(level.hours),
                    "year": kind.policy_year_id,
                    "n": count,
                    "hours": format_hours(expected),
                },
            )
    return (level.code if level else ""), count


def _plan_item_problems(
    item: PlanItem, category: str | None, started_on: dt.date | None, ended_on: dt.date | None
) -> list[tuple[str, str]]:
    """Why a training declaration may not name this class: its plan has not been submitted
    for filing, it belongs to another year's plan, the learning began before the class, or
    the subject category differs. (Hours above the class's are checked with the hours.)"""
    problems = []
    if item.plan.state in (FilingState.DRAFT, FilingState.RETURNED):
        problems.append(
            (
                "plan_item_id",
                _(
                    "培训计划项目：所选项目所属的培训计划尚未提交备案，不能选择。请选择已提交备案的培训计划中的项目。"
                ),
            )
        )
    if ended_on is not None and item.plan.year != ended_on.year:
        problems.append(
            (
                "plan_item_id",
                _(
                    "培训计划项目：所选项目属于 %(plan)s 年度培训计划，而本次学习属于 %(year)s 年度；"
                    "学时属于学习发生的年度，不得结转或顺延，请选择 %(year)s 年度培训计划中的项目。"
                )
                % {"plan": item.plan.year, "year": ended_on.year},
            )
        )
    if started_on is not None and started_on < item.starts_on:
        problems.append(
            (
                "started_on",
                _("开始日期：不能早于所选培训班的开班时间（%(day)s）。")
                % {"day": item.starts_on.isoformat()},
            )
        )
    if category in Category.values and item.category != category:
        problems.append(
            (
                "category",
                _("科目类别：与所选培训计划项目的类别（%(label)s）不一致。")
                % {"label": item.get_category_display()},
            )
        )
    return problems


def declaration_values(declaration: Declaration) -> dict:
    values = {f: getattr(declaration, f) for f in common.DECLARATION_FIELDS}
    values["plan_item_id"] = declaration.plan_item_id
    values["activity_type"] = declaration.activity_type.code if declaration.activity_type_id else None
    values["item_level"] = declaration.item_level
    values["item_count"] = declaration.item_count
    return values


# ---------------------------------------------------------------------------------------------
# declarations: the person's side


@transaction.atomic
def create_declaration(actor: Actor, *, declaration: DeclarationInput) -> Declaration:
    """A draft declaration (学时申报草稿). The year is the year of ended_on; it must still be
    open (until its declaration deadline, 23:59:59 Shanghai)."""
    person = common.person_of(actor)
    cleaned = clean(asdict(declaration))
    declaration = Declaration.objects.create(person=person, state=DeclarationState.DRAFT, **cleaned)
    record(actor, actions.DECLARATION_CREATED, declaration, after=common.snapshot(declaration))
    return declaration


@transaction.atomic
def update_declaration(actor: Actor, *, declaration_id: int, change: DeclarationChange) -> Declaration:
    """Change a draft, or a declaration returned for correction (only then)."""
    declaration = common.own_declaration(actor, declaration_id)
    if not declaration.editable:
        raise Conflict(
            _("当前状态（%(state)s）的申报不能修改。") % {"state": declaration.get_state_display()},
            [{"field": "state", "message": _("只有草稿或退回修改的申报可以修改。")}],
        )
    before = common.snapshot(declaration)
    data = change.given()
    if data.get("activity_type") and "method" not in data:
        data["method"] = None  # the new kind's method
    cleaned = clean(data, base=declaration_values(declaration))
    for name, value in cleaned.items():
        setattr(declaration, name, value)
    declaration.save()
    record(actor, actions.DECLARATION_UPDATED, declaration, before=before, after=common.snapshot(declaration))
    return declaration


@transaction.atomic
def delete_declaration(actor: Actor, *, declaration_id: int) -> None:
    """A draft that was never submitted may be deleted with its evidence."""
    declaration = common.own_declaration(actor, declaration_id)
    if declaration.state != DeclarationState.DRAFT or declaration.reviews.exists():
        raise Conflict(
            _("只有未提交过的草稿可以删除。"), [{"field": "state", "message": _("只能删除草稿。")}]
        )
    record(actor, actions.DECLARATION_DELETED, declaration, before=common.snapshot(declaration))
    files = [e.file.name for e in declaration.evidence.all()]
    declaration.delete()
    transaction.on_commit(lambda: [Evidence.file.field.storage.delete(name) for name in files])
