"""Writing credit hours: declarations and their two-level review, evidence, platform pushes,
base attendance reports, and the clock of reviews.

Every public function here is one transaction and leaves an audit entry for each state change.
HourRecords are created and moved only through `credits.ledger`, which keeps YearSummary in step.
The functions the web pages use:

    create_declaration(actor, data) · update_declaration(actor, id, data) · delete_declaration(actor, id)
    attach_evidence(actor, id, uploaded_file) · remove_evidence(actor, id, evidence_id)
    submit_declaration(actor, id) · review_declaration(actor, id, decision, comment)
    batch_approve(actor, ids, comment) · credit_attendance(actor, plan_item, rows, completed_on=None)
    receive_platform_completions(credential, items)  (credits.intake)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import selectors as account_selectors
from accounts.models import Membership, Person, RoleAssignment
from audit import actions
from audit.services import record, record_many
from catalogue import selectors as catalogue_selectors
from catalogue.models import ActivityType, HourRule
from core.actors import SYSTEM, Actor, Role
from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from core.hours import format_hours
from credits import ledger, plausibility, rules, selectors
from credits.intake import (  # noqa: F401  (the push lives in credits.intake; callers import it here)
    MAX_PLATFORM_BATCH,
    PushResult,
    receive_platform_completions,
)
from credits.integrity import check_credited, check_daily_limit, check_declaration, raise_flag
from credits.models import (
    COUNTING_STATES,
    Declaration,
    DeclarationState,
    Evidence,
    HourRecord,
    IntegrityFlag,
    PendingEvidence,
    RecordState,
    Review,
    Source,
)
from credits.signals import review_decided
from filings import selectors as filing_selectors
from filings.models import FilingState, PlanItem, TrainingPlan
from notifications.services import notify
from organisations.models import Region
from policy import selectors as policy_selectors
from policy.models import Category, Method
from policy.selectors import SHANGHAI

NOT_RECOGNISED_REASON = "培训未按规定备案，学时不予认可"
NO_EVIDENCE = gettext_noop("证明材料：请至少上传一份证明材料（PDF、JPG 或 PNG）。")
DUPLICATE_REASON = gettext_noop("该培训的学时已由其他记录计入（如基地报送的出勤），本申报不重复计入。")
EVIDENCE_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}
MAX_EVIDENCE_FILES = 10
PENDING_EVIDENCE_HOURS = 24
MAX_BATCH_APPROVE = 200
DECLARATION_FIELDS = ("category", "method", "title", "organizer", "hours", "started_on", "ended_on")
# The catalogue's part of a declaration (继续教育方式目录): the kind, and for hours counted per
# item the item's level and how many.
TYPE_FIELDS = ("activity_type", "item_level", "item_count")
MAX_ITEM_COUNT = 99
_AUDIT_FIELDS = [*DECLARATION_FIELDS, "plan_item_id", "activity_type_id", "item_level", "item_count", "state"]


# ---------------------------------------------------------------------------------------------
# helpers


def _now() -> dt.datetime:
    return timezone.now()


def _snapshot(declaration: Declaration) -> dict:
    return {f: getattr(declaration, f) for f in _AUDIT_FIELDS}


def _person_of(actor: Actor) -> Person:
    if not actor.is_role(Role.PERSON) or actor.person is None:
        raise Forbidden(_("只有专业技术人员本人可以申报学时。"))
    return actor.person


def _own_declaration(actor: Actor, declaration_id: int, lock: bool = True) -> Declaration:
    """The person's own declaration (locked for the transaction), else 404."""
    person = _person_of(actor)
    qs = Declaration.objects.filter(pk=declaration_id, person=person)
    if lock:
        qs = qs.select_for_update()
    declaration = qs.first()
    if declaration is None:
        raise NotFound()
    return declaration


def _link(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def declaration_link(declaration_id: int) -> str:
    """The person's page of a declaration (`credits:declaration_detail`), for notifications."""
    return _link("credits:declaration_detail", declaration_id)


def _notify_person(declaration: Declaration, title: str, body: str = "") -> None:
    notify([declaration.person.user_id], title=title, body=body, link=declaration_link(declaration.pk))


def _reviewer_user_ids(organisation_id: int, role: str) -> list[int]:
    return list(
        RoleAssignment.objects.filter(organisation_id=organisation_id, role=role).values_list(
            "user_id", flat=True
        )
    )


def review_limit(year: int, region_id: int | None) -> int:
    """The review time limit (working days per level) of `year` in the person's region: the
    region of the unit they declare through (its city's own limit where the province allows)."""
    return policy_selectors.figures_for(region_id, year).review_sla_working_days


def due_date(
    year: int, region_id: int | None, arrived_at: dt.datetime, limit: int | None = None
) -> policy_selectors.WorkingDay:
    """The last day a level may take: the n-th working day after the day of arrival (Shanghai),
    n being the review time limit of the declaration's year in the person's region (`limit`
    when the caller already has it)."""
    days = limit if limit is not None else review_limit(year, region_id)
    return policy_selectors.add_working_days(rules.local_day(arrived_at), days)


def _open_review(declaration: Declaration, level: str, organisation_id: int, now: dt.datetime) -> Review:
    due = due_date(declaration.year, declaration.unit.region_id, now)
    return Review.objects.create(
        declaration=declaration,
        level=level,
        organisation_id=organisation_id,
        arrived_at=now,
        due_on=due.date,
        due_provisional=due.provisional,
    )


# ---------------------------------------------------------------------------------------------
# declarations: validation


def _clean(data: Mapping, base: Mapping | None = None, now: dt.datetime | None = None) -> dict:
    """Validate a whole declaration (base values overlaid with `data`); every bad field is named."""
    values = dict(base or {})
    values.update({k: v for k, v in data.items() if k in (*DECLARATION_FIELDS, *TYPE_FIELDS, "plan_item_id")})
    errors: list[dict] = []

    def bad(name: str, message: str) -> None:
        if not any(e["field"] == name for e in errors):
            errors.append({"field": name, "message": message})

    today = rules.local_day(now or _now())
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
    needs_plan = kind.needs_plan_item if kind is not None else method == Method.TRAINING
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


def _declaration_values(declaration: Declaration) -> dict:
    values = {f: getattr(declaration, f) for f in DECLARATION_FIELDS}
    values["plan_item_id"] = declaration.plan_item_id
    values["activity_type"] = declaration.activity_type.code if declaration.activity_type_id else None
    values["item_level"] = declaration.item_level
    values["item_count"] = declaration.item_count
    return values


# ---------------------------------------------------------------------------------------------
# declarations: the person's side


@transaction.atomic
def create_declaration(actor: Actor, data: Mapping) -> Declaration:
    """A draft declaration (学时申报草稿). `data` has category, method, title, organizer, hours,
    started_on, ended_on and optionally plan_item_id (training only). The year is the year of
    ended_on; it must still be open (until its declaration deadline, 23:59:59 Shanghai)."""
    person = _person_of(actor)
    cleaned = _clean(data)
    declaration = Declaration.objects.create(person=person, state=DeclarationState.DRAFT, **cleaned)
    record(actor, actions.DECLARATION_CREATED, declaration, after=_snapshot(declaration))
    return declaration


@transaction.atomic
def update_declaration(actor: Actor, declaration_id: int, data: Mapping) -> Declaration:
    """Change a draft, or a declaration returned for correction (only then). Fields not in
    `data` keep their values; `plan_item_id: None` clears the plan item."""
    declaration = _own_declaration(actor, declaration_id)
    if not declaration.editable:
        raise Conflict(
            _("当前状态（%(state)s）的申报不能修改。") % {"state": declaration.get_state_display()},
            [{"field": "state", "message": _("只有草稿或退回修改的申报可以修改。")}],
        )
    before = _snapshot(declaration)
    data = dict(data)
    if data.get("activity_type") and "method" not in data:
        data["method"] = None  # the new kind's method
    cleaned = _clean(data, base=_declaration_values(declaration))
    for name, value in cleaned.items():
        setattr(declaration, name, value)
    declaration.save()
    record(actor, actions.DECLARATION_UPDATED, declaration, before=before, after=_snapshot(declaration))
    return declaration


@transaction.atomic
def delete_declaration(actor: Actor, declaration_id: int) -> None:
    """A draft that was never submitted may be deleted with its evidence."""
    declaration = _own_declaration(actor, declaration_id)
    if declaration.state != DeclarationState.DRAFT or declaration.reviews.exists():
        raise Conflict(
            _("只有未提交过的草稿可以删除。"), [{"field": "state", "message": _("只能删除草稿。")}]
        )
    record(actor, actions.DECLARATION_DELETED, declaration, before=_snapshot(declaration))
    files = [e.file.name for e in declaration.evidence.all()]
    declaration.delete()
    transaction.on_commit(lambda: [Evidence.file.field.storage.delete(name) for name in files])


def _sniff(head: bytes) -> str | None:
    kind = filetype.guess(head)
    if kind is None or kind.mime not in EVIDENCE_TYPES:
        return None
    if kind.mime == "application/pdf" and not head.startswith(b"%PDF-"):
        return None
    return kind.mime


def _read_evidence(uploaded) -> tuple[bytes, str, str]:
    """The file's bytes, its type (by content) and a safe name; a field error otherwise."""
    limit = settings.EVIDENCE_MAX_BYTES
    if getattr(uploaded, "size", 0) and uploaded.size > limit:
        raise Invalid.field("file", _("文件：不能超过 %(mb)s MB。") % {"mb": _mb(limit)})
    data = uploaded.read(limit + 1)
    if not data:
        raise Invalid.field("file", _("文件：文件为空。"))
    if len(data) > limit:
        raise Invalid.field("file", _("文件：不能超过 %(mb)s MB。") % {"mb": _mb(limit)})
    mime = _sniff(data[:8192])
    if mime is None:
        raise Invalid.field("file", _("文件：只接受 PDF、JPG 或 PNG 格式（按文件内容识别）。"))
    name = os.path.basename((getattr(uploaded, "name", "") or "").replace("\\", "/")).strip()[:200]
    return data, mime, name or f"证明材料.{EVIDENCE_TYPES[mime].lower()}"


def _slots_of(declaration: Declaration) -> dict:
    """The evidence slots of the declaration's kind as the catalogue has them now (a draft
    follows the catalogue; a submitted declaration keeps its slots in `terms`)."""
    if declaration.activity_type_id is None:
        return {}
    return {s.code: s for s in declaration.activity_type.slots.all()}


def _check_slot(declaration: Declaration, slot: str) -> str:
    slot = (slot or "").strip()
    if not slot:
        return ""
    slots = _slots_of(declaration)
    if declaration.activity_type_id is None:
        raise Invalid.field(
            "slot", _("证明材料项目：按学习方式申报的申报不分材料项目，请不填 slot（或先选择继续教育方式）。")
        )
    if slot not in slots:
        raise Invalid.field(
            "slot",
            _("证明材料项目：“%(type)s”的材料项目为 %(slots)s，没有“%(slot)s”。")
            % {
                "type": declaration.activity_type.name,
                "slots": "、".join(f"{s.code}（{s.name}）" for s in slots.values()) or "—",
                "slot": slot,
            },
        )
    return slot


def _store_evidence(
    actor: Actor, declaration: Declaration, data: bytes, mime: str, name: str, slot: str = ""
) -> Evidence:
    if not declaration.editable:
        raise Conflict(
            _("已提交的申报不能再添加证明材料。"), [{"field": "file", "message": _("申报已提交。")}]
        )
    if declaration.evidence.count() >= MAX_EVIDENCE_FILES:
        raise Invalid.field(
            "file", _("文件：每份申报最多上传 %(n)s 个证明材料。") % {"n": MAX_EVIDENCE_FILES}
        )
    digest = hashlib.sha256(data).hexdigest()
    if declaration.evidence.filter(sha256=digest).exists():
        raise Invalid.field("file", _("文件：该文件已经上传过。"))
    evidence = Evidence(
        declaration=declaration,
        original_name=name,
        content_type=mime,
        size=len(data),
        sha256=digest,
        slot=slot,
    )
    evidence.file.save(digest[:16], ContentFile(data), save=False)
    evidence.save()
    record(
        actor,
        actions.EVIDENCE_ATTACHED,
        evidence,
        after={
            "declaration": declaration.pk,
            "name": evidence.original_name,
            "sha256": digest,
            "slot": slot,
        },
    )
    return evidence


@transaction.atomic
def attach_evidence(actor: Actor, declaration_id: int, uploaded, slot: str = "") -> Evidence:
    """Attach a PDF/JPG/PNG (checked by its content, not its name; at most EVIDENCE_MAX_BYTES).
    Stored by the default storage under PRIVATE_STORAGE_ROOT, outside the web root. `slot`:
    which evidence item of the declaration's kind it is (a slot code of the catalogue; empty =
    other material)."""
    declaration = _own_declaration(actor, declaration_id)
    if not declaration.editable:
        raise Conflict(
            _("已提交的申报不能再添加证明材料。"), [{"field": "file", "message": _("申报已提交。")}]
        )
    slot = _check_slot(declaration, slot)
    data, mime, name = _read_evidence(uploaded)
    return _store_evidence(actor, declaration, data, mime, name, slot)


def hold_evidence(actor: Actor, uploads, slot: str = "") -> tuple[list[PendingEvidence], list[str]]:
    """Keep the files of a refused declaration form for the person (the form lists them and
    sends them again, each in its evidence slot); a file that is itself unacceptable is not
    kept: its reason comes back."""
    person = _person_of(actor)
    held, problems = [], []
    for uploaded in uploads:
        try:
            data, mime, name = _read_evidence(uploaded)
        except DomainError as exc:
            problems.append(f"{getattr(uploaded, 'name', '')}：{exc.detail}")
            continue
        pending = PendingEvidence(
            person=person,
            original_name=name,
            content_type=mime,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            slot=slot,
        )
        pending.file.save(pending.sha256[:16], ContentFile(data), save=False)
        pending.save()
        held.append(pending)
    return held, problems


def pending_evidence(actor: Actor, ids) -> list[PendingEvidence]:
    """The person's own held files among `ids` (others' ids are ignored)."""
    return list(PendingEvidence.objects.filter(person=_person_of(actor), pk__in=list(ids)).order_by("pk"))


@transaction.atomic
def attach_pending_evidence(actor: Actor, declaration_id: int, ids) -> list[Evidence]:
    """Attach held files to the declaration, each in the slot it was chosen for (other
    material when the declaration's kind has no such slot); each is removed from the holding
    once attached."""
    declaration = _own_declaration(actor, declaration_id)
    slots = _slots_of(declaration)
    attached = []
    for pending in pending_evidence(actor, ids):
        with pending.file.open("rb") as f:
            data = f.read()
        slot = pending.slot if pending.slot in slots else ""
        attached.append(
            _store_evidence(actor, declaration, data, pending.content_type, pending.original_name, slot)
        )
        name = pending.file.name
        pending.delete()
        transaction.on_commit(lambda name=name: PendingEvidence.file.field.storage.delete(name))
    return attached


def purge_pending_evidence(now: dt.datetime | None = None) -> int:
    """Files held longer than PENDING_EVIDENCE_HOURS were given up: they go."""
    cutoff = (now or _now()) - dt.timedelta(hours=PENDING_EVIDENCE_HOURS)
    stale = list(PendingEvidence.objects.filter(created_at__lt=cutoff))
    for pending in stale:
        PendingEvidence.file.field.storage.delete(pending.file.name)
        pending.delete()
    return len(stale)


def _mb(limit: int) -> str:
    return f"{limit / 1024 / 1024:g}"


@transaction.atomic
def remove_evidence(actor: Actor, declaration_id: int, evidence_id: int) -> None:
    declaration = _own_declaration(actor, declaration_id)
    evidence = declaration.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise NotFound()
    if not declaration.editable:
        raise Conflict(_("已提交的申报不能删除证明材料。"), [{"field": "file", "message": _("申报已提交。")}])
    record(actor, actions.EVIDENCE_REMOVED, evidence, before={"name": evidence.original_name})
    name = evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: Evidence.file.field.storage.delete(name))


def why_cannot_submit(actor: Actor) -> str:
    """Why the person could not submit a declaration today ("" if they can): told before they
    fill the form, which they may still save as a draft."""
    try:
        _submission_unit(_person_of(actor))
    except DomainError as exc:
        return exc.detail
    return ""


def _submission_unit(person: Person):
    """The confirmed employer and its supervising authority, or a 422 naming `unit`."""
    membership = account_selectors.current_membership(person)
    if membership is None:
        raise Invalid.field(
            "unit", _("工作单位：您尚未关联工作单位，请先在个人信息中选择单位，经单位确认后再提交。")
        )
    if membership.state != Membership.State.CONFIRMED:
        raise Invalid.field(
            "unit",
            _("工作单位：您与“%(unit)s”的单位关系尚待单位确认，确认后才能提交申报。")
            % {"unit": membership.unit.name},
        )
    unit = membership.unit
    if unit.supervisor_id is None:
        raise Invalid.field(
            "unit",
            _(
                "工作单位：“%(unit)s”尚未设置行业主管部门，申报无法进入主管部门审核。"
                "请单位联系人社局在机构信息中设置其行业主管部门后再提交。"
            )
            % {"unit": unit.name},
        )
    return unit


def _already_credited(person_id: int, plan_item_id: int | None, exclude_declaration: int | None) -> bool:
    if plan_item_id is None:
        return False
    qs = HourRecord.objects.filter(person_id=person_id, plan_item_id=plan_item_id, state=RecordState.CREDITED)
    if exclude_declaration:
        qs = qs.exclude(declaration_id=exclude_declaration)
    return qs.exists()


@transaction.atomic
def submit_declaration(actor: Actor, declaration_id: int) -> Declaration:
    """Send a draft (or a corrected, returned declaration) to the person's confirmed unit.

    Training without a plan item of an accepted plan becomes `not_recognised` (kept, counts
    for nothing) and enters review when its plan is accepted. Otherwise → `pending_unit` with a
    fresh clock (due on the n-th working day after today)."""
    declaration = _own_declaration(actor, declaration_id)
    if not declaration.editable:
        raise Conflict(
            _("当前状态（%(state)s）的申报不能提交。") % {"state": declaration.get_state_display()},
            [{"field": "state", "message": _("只有草稿或退回修改的申报可以提交。")}],
        )
    now = _now()
    cleaned = _clean({}, base=_declaration_values(declaration), now=now)
    kind = cleaned["activity_type"]
    if kind is not None:
        _require_slots(declaration, kind)
    elif not declaration.evidence.exists():
        raise Invalid.field("evidence", _(NO_EVIDENCE))
    unit = _submission_unit(declaration.person)
    if _already_credited(declaration.person_id, declaration.plan_item_id, declaration.pk):
        raise Invalid.field("plan_item_id", _("培训计划项目：该培训的学时已计入您的学时档案，无需重复申报。"))
    _require_plausible(declaration)
    if kind is not None and kind.yearly_cap is not None:
        _require_within_cap(declaration, kind)
    before = _snapshot(declaration)
    declaration.unit = unit
    declaration.authority_id = unit.supervisor_id
    declaration.submitted_at = now
    # The figures it is submitted under: a later change of the catalogue does not touch it.
    declaration.terms = (
        {**kind.terms(cleaned["item_level"], cleaned["item_count"]), "taken_at": now.isoformat()}
        if kind is not None
        else {}
    )
    recognised = True
    needs_plan = kind.needs_plan_item if kind is not None else declaration.method == Method.TRAINING
    if needs_plan:
        recognised = filing_selectors.recognised_plan_item(declaration.plan_item_id) is not None
    declaration.state = DeclarationState.PENDING_UNIT if recognised else DeclarationState.NOT_RECOGNISED
    declaration.save()
    record_state = RecordState.PENDING if recognised else RecordState.NOT_RECOGNISED
    reason = "" if recognised else NOT_RECOGNISED_REASON
    fields = {
        "year": cleaned["year"],
        "category": declaration.category,
        "method": declaration.method,
        "hours": declaration.hours,
        "title": declaration.title,
        "organizer": declaration.organizer,
        "started_on": declaration.started_on,
        "completed_on": declaration.ended_on,
        "plan_item_id": declaration.plan_item_id,
    }
    existing = HourRecord.objects.select_for_update().filter(declaration=declaration).first()
    if existing is None:
        ledger.add_records(
            [
                HourRecord(
                    person_id=declaration.person_id,
                    source=Source.DECLARATION,
                    state=record_state,
                    reason=reason,
                    declaration=declaration,
                    **fields,
                )
            ]
        )
    else:
        ledger.move_records([existing], record_state, reason, **fields)
    if recognised:
        _open_review(declaration, Review.Level.UNIT, unit.pk, now)
    else:
        _notify_person(
            declaration,
            _("学时申报不予认可：%(title)s") % {"title": declaration.title},
            _(
                "培训未按规定备案（所选培训计划未备案或未选择培训计划项目），学时不予认可。培训计划备案后将自动进入审核。"
            ),
        )
    record(actor, actions.DECLARATION_SUBMITTED, declaration, before=before, after=_snapshot(declaration))
    check_declaration(declaration)
    return declaration


def _require_slots(declaration: Declaration, kind: ActivityType) -> None:
    """Every required evidence item of the kind has a file in its slot; otherwise a 422 naming
    each missing slot (`evidence.<slot>`)."""
    present = set(declaration.evidence.values_list("slot", flat=True))
    errors = [
        {
            "field": f"evidence.{slot.code}",
            "message": _("证明材料“%(slot)s”：“%(type)s”（第 %(n)s 类）须上传此项。")
            % {"slot": slot.name, "type": kind.name, "n": kind.number},
        }
        for slot in kind.slots.all()
        if slot.required and slot.code not in present
    ]
    if errors:
        raise Invalid(errors[0]["message"], errors)


def type_hours_used(person_id: int, year: int, kind: ActivityType, exclude_declaration: int | None = None):
    """The person's credited and pending hours of the kind in the year (what its yearly cap
    counts): their declarations of it, and for a kind bases report, the bases' attendance."""
    of_kind = Q(declaration__activity_type__code=kind.code)
    if kind.base_reported:
        of_kind |= Q(source=Source.ATTENDANCE, plan_item__plan__filer__kind="base")
    qs = HourRecord.objects.filter(person_id=person_id, year=year, state__in=COUNTING_STATES).filter(of_kind)
    if exclude_declaration is not None:
        qs = qs.exclude(declaration_id=exclude_declaration)
    return qs.aggregate(total=Sum("hours"))["total"] or Decimal(0)


def _require_within_cap(declaration: Declaration, kind: ActivityType) -> None:
    """The kind's yearly cap holds with this declaration's hours added to the person's credited
    and pending hours of the kind; otherwise a 422 on `hours` saying how much is left. The
    person's row is locked (not against the key-share locks of concurrent inserts) so that two
    submits at once cannot both pass."""
    Person.objects.select_for_update(no_key=connection.vendor == "postgresql").filter(
        pk=declaration.person_id
    ).first()
    used = type_hours_used(declaration.person_id, declaration.year, kind, declaration.pk)
    if used + declaration.hours > kind.yearly_cap:
        raise Invalid.field(
            "hours",
            _(
                "学时：“%(type)s”每年最多计入 %(cap)s 学时（%(year)s 年度继续教育方式目录）；本年度该方式"
                "已计入及审核中 %(used)s 学时，本次最多还可申报 %(left)s 学时。"
            )
            % {
                "type": kind.name,
                "cap": format_hours(kind.yearly_cap),
                "year": kind.policy_year_id,
                "used": format_hours(used),
                "left": format_hours(max(kind.yearly_cap - used, Decimal(0))),
            },
        )


def _require_plausible(declaration: Declaration) -> None:
    """The declared days must hold the hours beside the person's other records of the year
    (credits.plausibility: the daily limit per person and day across sources); otherwise a 422
    on `hours` saying which days are over the limit, so the person can correct the dates."""
    policy = rules.policy_for(declaration.year)
    others = [
        plausibility.record_span(r.source, r.hours, r.started_on, r.completed_on, r.pk)
        for r in HourRecord.objects.filter(
            person_id=declaration.person_id, year=declaration.year, state__in=COUNTING_STATES
        ).exclude(declaration=declaration)
    ]
    verdict = plausibility.judge(
        plausibility.span(declaration.hours, declaration.started_on, declaration.ended_on),
        others,
        policy.max_daily_hours,
    )
    if not verdict.possible:
        raise Invalid.field("hours", verdict.message)


# ---------------------------------------------------------------------------------------------
# review


_LEVEL_OF_ROLE = {Role.UNIT: Review.Level.UNIT, Role.AUTHORITY: Review.Level.AUTHORITY}


def _reviewable(actor: Actor, declaration_id: int) -> tuple[Declaration, Review]:
    """The declaration (locked) and its open review at the actor's level; 404 outside scope
    (including one's own declaration), 409 when it is not waiting for the actor."""
    if actor.role not in _LEVEL_OF_ROLE:
        raise Forbidden(_("只有用人单位和行业主管部门的审核人员可以审核。"))
    if not selectors.declarations_in_scope(actor).filter(pk=declaration_id).exists():
        raise NotFound()
    # Lock the declaration only (FOR UPDATE OF): locking the person row too would queue behind
    # platform pushes, whose inserts hold key-share locks on it.
    declaration = (
        Declaration.objects.select_for_update(of=("self",)).select_related("person").get(pk=declaration_id)
    )
    if declaration.person.user_id == actor.user.pk:
        raise NotFound()
    review = declaration.reviews.filter(decided_at__isnull=True).first()
    if (
        review is None
        or review.level != _LEVEL_OF_ROLE[actor.role]
        or review.organisation_id != (actor.organisation.pk if actor.organisation else None)
    ):
        raise Conflict(
            _("该申报当前不在您的审核环节（状态：%(state)s）。") % {"state": declaration.get_state_display()},
            [{"field": "state", "message": _("该申报当前不由您审核。")}],
        )
    return declaration, review


def _credit_approved(declaration: Declaration, hour_record: HourRecord) -> bool:
    """Credit the record of an approved declaration; when its class already counts for the
    person (a base's attendance report, another approved declaration) it ends as `duplicate`.

    The check cannot see a report that commits while this approval runs: then the unique index
    (one credited record per person and class) refuses the credit inside a savepoint, and the
    record ends as a duplicate as well instead of the request failing. True when credited."""
    if not _already_credited(declaration.person_id, declaration.plan_item_id, declaration.pk):
        try:
            with transaction.atomic():
                ledger.move_records([hour_record], RecordState.CREDITED, "")
            return True
        except IntegrityError:
            # The savepoint undid the write; the object in memory did not: read it again.
            hour_record = HourRecord.objects.select_for_update().get(pk=hour_record.pk)
    ledger.move_records([hour_record], RecordState.DUPLICATE, _(DUPLICATE_REASON))
    return False


def _decide(actor: Actor, declaration_id: int, decision: str, comment: str) -> Declaration:
    comment = (comment or "").strip()
    if decision not in Review.Decision.values:
        raise Invalid.field(
            "decision", _("审核结果：应为 approve（通过）、reject（不通过）或 return（退回修改）。")
        )
    # The person can only fix what they are told: a return needs its comment like a rejection.
    if decision == Review.Decision.REJECT and not comment:
        raise Invalid.field("comment", _("审核意见：不通过时必须填写原因。"))
    if decision == Review.Decision.RETURN and not comment:
        raise Invalid.field("comment", _("审核意见：退回修改时必须写明需要修改什么。"))
    if len(comment) > 300:
        raise Invalid.field("comment", _("审核意见：不能超过 300 个字符。"))
    declaration, review = _reviewable(actor, declaration_id)
    now = _now()
    before = _snapshot(declaration)
    review.decided_at = now
    review.decided_by = actor.user
    review.decision = decision
    review.comment = comment
    review.save(update_fields=["decided_at", "decided_by", "decision", "comment"])
    review_decided.send(sender=Review, review=review, year=declaration.year)
    hour_record = HourRecord.objects.select_for_update().get(declaration=declaration)
    level_name = review.get_level_display()
    if decision == Review.Decision.APPROVE and review.level == Review.Level.UNIT:
        declaration.state = DeclarationState.PENDING_AUTHORITY
        declaration.save(update_fields=["state", "updated_at"])
        _open_review(declaration, Review.Level.AUTHORITY, declaration.authority_id, now)
    elif decision == Review.Decision.APPROVE:
        declaration.state = DeclarationState.APPROVED
        declaration.save(update_fields=["state", "updated_at"])
        if _credit_approved(declaration, hour_record):
            body = _("%(hours)s 学时已计入 %(year)s 年度。") % {
                "hours": format_hours(declaration.hours),
                "year": declaration.year,
            }
        else:
            body = _(DUPLICATE_REASON)
        _notify_person(declaration, _("学时申报已通过：%(title)s") % {"title": declaration.title}, body)
    elif decision == Review.Decision.REJECT:
        declaration.state = DeclarationState.REJECTED
        declaration.save(update_fields=["state", "updated_at"])
        ledger.move_records(
            [hour_record],
            RecordState.REJECTED,
            _("%(level)s审核不通过：%(c)s") % {"level": level_name, "c": comment},
        )
        _notify_person(
            declaration,
            _("学时申报未通过：%(title)s") % {"title": declaration.title},
            _("%(level)s审核意见：%(c)s") % {"level": level_name, "c": comment},
        )
    else:
        declaration.state = DeclarationState.RETURNED
        declaration.save(update_fields=["state", "updated_at"])
        reason = _("%(level)s退回修改：%(c)s") % {"level": level_name, "c": comment}
        ledger.move_records([hour_record], RecordState.RETURNED, reason)
        _notify_person(
            declaration,
            _("学时申报被退回修改：%(title)s") % {"title": declaration.title},
            reason + _("。请修改后重新提交。"),
        )
    record(
        actor,
        actions.DECLARATION_REVIEWED[decision],
        declaration,
        before=before,
        after={**_snapshot(declaration), "level": review.level, "comment": comment},
    )
    return declaration


@transaction.atomic
def review_declaration(actor: Actor, declaration_id: int, decision: str, comment: str = "") -> Declaration:
    """A unit or authority reviewer decides: approve (unit → pending_authority with a new clock;
    authority → approved, hours credited), reject or return (comment required for both; on a
    return the person corrects and resubmits)."""
    return _decide(actor, declaration_id, decision, comment)


@dataclass
class BatchResult:
    approved: list[int] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)


@transaction.atomic
def batch_approve(actor: Actor, declaration_ids: Iterable[int], comment: str = "") -> BatchResult:
    """Approve a selection from the queue; each one succeeds or fails on its own (reason given)."""
    ids = list(dict.fromkeys(int(i) for i in declaration_ids))
    if not ids:
        raise Invalid.field("ids", _("申报编号：请至少选择一条申报。"))
    if len(ids) > MAX_BATCH_APPROVE:
        raise Invalid.field("ids", _("申报编号：每次最多批量通过 %(n)s 条。") % {"n": MAX_BATCH_APPROVE})
    result = BatchResult()
    for declaration_id in ids:
        try:
            with transaction.atomic():
                _decide(actor, declaration_id, Review.Decision.APPROVE, comment)
            result.approved.append(declaration_id)
        except DomainError as exc:
            if isinstance(exc, Forbidden):
                raise
            result.failed.append({"id": declaration_id, "reason": exc.detail})
    return result


# ---------------------------------------------------------------------------------------------
# reacting to filings and to the calendar


@transaction.atomic
def recognise_plan(plan: TrainingPlan, actor: Actor = SYSTEM) -> list[Declaration]:
    """The plan was accepted (备案): its not-recognised training declarations enter review at
    their unit with a fresh clock. Called by the receiver of `filings.signals.plan_accepted`."""
    now = _now()
    moved = []
    declarations = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(state=DeclarationState.NOT_RECOGNISED, plan_item__plan_id=plan.pk)
        .order_by("person_id", "pk")  # the ledger's lock order: no deadlock with concurrent writers
    )
    for declaration in declarations:
        if declaration.unit_id is None:
            continue
        before = _snapshot(declaration)
        declaration.state = DeclarationState.PENDING_UNIT
        declaration.save(update_fields=["state", "updated_at"])
        ledger.move_records(
            HourRecord.objects.select_for_update().filter(declaration=declaration), RecordState.PENDING, ""
        )
        _open_review(declaration, Review.Level.UNIT, declaration.unit_id, now)
        record(
            actor, actions.DECLARATION_RECOGNISED, declaration, before=before, after=_snapshot(declaration)
        )
        check_daily_limit(declaration)
        _notify_person(
            declaration,
            _("培训计划已备案，申报进入审核：%(title)s") % {"title": declaration.title},
        )
        moved.append(declaration)
    return moved


def open_reviews_touching(year: int):
    """Open reviews whose window — from the arrival day (Shanghai) to the due date — has a day
    in `year`: the ones whose due date a change of that year's calendar can move."""
    return Review.objects.filter(
        decided_at__isnull=True,
        due_on__gte=dt.date(year, 1, 1),
        arrived_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=SHANGHAI),
    )


def open_reviews_of_year(year: int):
    """Open reviews of declarations of `year`: the ones its review time limit decides."""
    return Review.objects.filter(decided_at__isnull=True, declaration__year=year)


@transaction.atomic
def recompute_due_dates(year: int, actor: Actor = SYSTEM) -> int:
    """The calendar of `year` was entered or corrected: every open review whose window touches
    that year gets the due date the calendar now gives (provisional or official before), with
    an audit entry for each one that changed. Returns how many changed."""
    return _recompute_due_dates(open_reviews_touching(year), actor)


@transaction.atomic
def recompute_policy_due_dates(year: int, actor: Actor = SYSTEM) -> int:
    """The review time limit of `year` was changed: its open reviews are due on the n-th
    working day after their arrival under the new n (audited for each one that moved)."""
    return _recompute_due_dates(open_reviews_of_year(year), actor)


def open_reviews_in_region(year: int, region_id: int):
    """Open reviews of declarations of `year` by people of the region (their unit's) or below."""
    region = Region.objects.get(pk=region_id)
    return open_reviews_of_year(year).filter(declaration__unit__region_id__in=region.descendant_ids())


@transaction.atomic
def recompute_regional_due_dates(year: int, region_id: int, actor: Actor = SYSTEM) -> int:
    """A city set or cleared its own review time limit of `year`: the open reviews of its
    people are due under the limit that now applies to them (audited for each one that moved)."""
    return _recompute_due_dates(open_reviews_in_region(year, region_id), actor)


def _recompute_due_dates(reviews, actor: Actor) -> int:
    changed = 0
    limits: dict[tuple[int, int], int] = {}
    reviews = reviews.select_for_update(of=("self",)).select_related("declaration__unit")
    for review in reviews.order_by("pk"):
        key = (review.declaration.year, review.declaration.unit.region_id)
        if key not in limits:
            limits[key] = review_limit(*key)
        due = due_date(*key, review.arrived_at, limit=limits[key])
        if (due.date, due.provisional) == (review.due_on, review.due_provisional):
            continue
        before = {"due_on": review.due_on, "due_provisional": review.due_provisional}
        review.due_on, review.due_provisional = due.date, due.provisional
        review.save(update_fields=["due_on", "due_provisional"])
        record(
            actor,
            actions.REVIEW_DUE_RECOMPUTED,
            review,
            before=before,
            after={"due_on": due.date, "due_provisional": due.provisional},
        )
        changed += 1
    return changed


@transaction.atomic
def notify_overdue_reviews(actor: Actor = SYSTEM) -> int:
    """The hourly sweep: reviews past their due date are flagged once to the reviewers of the
    organisation and, for a unit, to its supervising authority. Returns how many were flagged."""
    today = policy_selectors.today()
    overdue = list(
        Review.objects.select_for_update(skip_locked=connection.vendor == "postgresql", of=("self",))
        .select_related("organisation", "declaration__unit")
        .filter(decided_at__isnull=True, due_on__lt=today, overdue_notified_at__isnull=True)
        .order_by("organisation_id", "due_on")
    )
    if not overdue:
        return 0
    by_org: dict[int, list[Review]] = {}
    for review in overdue:
        by_org.setdefault(review.organisation_id, []).append(review)
    for organisation_id, reviews in by_org.items():
        level = reviews[0].level
        role = Role.UNIT if level == Review.Level.UNIT else Role.AUTHORITY
        title = _("有 %(n)s 条学时申报审核已超期") % {"n": len(reviews)}
        first = reviews[0].declaration
        body = _("最早一条的审核期限为 %(due)s，请尽快审核（每级审核不超过 %(n)s 个工作日）。") % {
            "due": reviews[0].due_on.isoformat(),
            "n": review_limit(first.year, first.unit.region_id),
        }
        notify(
            _reviewer_user_ids(organisation_id, role),
            title=title,
            body=body,
            link=_link("credits:review_queue"),
        )
        if level == Review.Level.UNIT and reviews[0].organisation.supervisor_id:
            notify(
                _reviewer_user_ids(reviews[0].organisation.supervisor_id, Role.AUTHORITY),
                title=_("下级单位“%(unit)s”有 %(n)s 条学时审核超期")
                % {"unit": reviews[0].organisation.name, "n": len(reviews)},
                body=body,
                link=_link("credits:timeliness"),
            )
    now = _now()
    Review.objects.filter(pk__in=[r.pk for r in overdue]).update(overdue_notified_at=now)
    record_many(actor, actions.REVIEW_OVERDUE_FLAGGED, overdue, after={"flagged_at": now})
    return len(overdue)


# ---------------------------------------------------------------------------------------------
# base attendance (基地报送出勤)


@dataclass
class AttendanceResult:
    """`credited`: people whose hours were credited now; `duplicates`: people this class was
    already credited to (reported before, or declared and approved) — not counted again."""

    credited: list[Person] = field(default_factory=list)
    duplicates: list[Person] = field(default_factory=list)
    records: list[HourRecord] = field(default_factory=list)


def _require_attendance_reporter(actor: Actor, plan: TrainingPlan) -> None:
    """The plan's filer reports its classes. A bureau may for a plan addressed to a bureau in
    its region — the one that decides on the plan (`filings.selectors.may_decide`); a plan it
    cannot see is a 404, one it only reads (a county bureau) a 403."""
    if actor.organisation is not None and actor.organisation.pk == plan.filer_id:
        return
    if actor.is_role(Role.BUREAU) and actor.organisation is not None:
        if not filing_selectors.plans_in_scope(actor).filter(pk=plan.pk).exists():
            raise NotFound()
        if filing_selectors.may_decide(actor, plan):
            return
        raise Forbidden(_("只有受理该培训计划备案的人社局可以代为报送出勤。"))
    raise Forbidden(_("只有培训计划的申报单位（基地）可以报送该班次的出勤。"))


@transaction.atomic
def credit_attendance(
    actor: Actor,
    plan_item: PlanItem,
    rows: Iterable[tuple[Person | int, Decimal]],
    completed_on: dt.date | None = None,
) -> AttendanceResult:
    """Credit the attendance of one class (a plan item of an accepted plan).

    `rows` are (person, hours) pairs. Each person is credited once per plan item, ever: a
    person reported again (in this call or an earlier one, or whose declaration of this class
    was already approved) is a duplicate and counts nothing; a unique index backs this.
    Records are `credited`, source `attendance`, method `training`, category of the plan item,
    dated `completed_on` (default: the class's start date `plan_item.starts_on`); their year is
    the year of that date. The date may not be in the future and its year must be open.
    Hours must be positive, with at most one decimal, and not above the plan item's hours.
    The date must lie in the plan's year, not before the class starts (hours are never carried
    into another year). The actor must be the plan's filer, or a bureau whose region holds the
    filer (another region's plan: NotFound). Nothing is written when any row is bad: the
    DomainError names each bad row as `rows.<index>.hours`."""
    plan_item = PlanItem.objects.select_related("plan", "plan__filer").get(pk=plan_item.pk)
    plan = plan_item.plan
    _require_attendance_reporter(actor, plan)
    if filing_selectors.recognised_plan_item(plan_item.pk) is None:
        raise Invalid.field("plan_item", _("培训计划项目：所属培训计划尚未备案，不能报送出勤学时。"))
    day = completed_on or plan_item.starts_on
    if day > policy_selectors.today():
        raise Invalid.field("completed_on", _("完成日期：不能晚于今天。"))
    if day.year != plan.year:
        raise Invalid.field(
            "completed_on",
            _(
                "完成日期：应在培训计划的年度（%(plan)s 年）内。学时属于学习发生的年度，"
                "不得结转或顺延至其他年度。"
            )
            % {"plan": plan.year},
        )
    if day < plan_item.starts_on:
        raise Invalid.field(
            "completed_on",
            _("完成日期：不能早于培训班的开班时间（%(day)s）。") % {"day": plan_item.starts_on.isoformat()},
        )
    policy = rules.require_reporting_open(day.year, "completed_on")
    errors = []
    prepared: list[tuple[int, Decimal]] = []
    for index, (who, hours) in enumerate(rows):
        person_id = who.pk if isinstance(who, Person) else int(who)
        problem = rules.hours_problem(hours, 1, None, ceiling=plan_item.hours)
        if problem:
            errors.append(
                {"field": f"rows.{index}.hours", "message": _("第 %(n)s 行 ") % {"n": index + 1} + problem}
            )
            continue
        prepared.append((person_id, rules.parse_hours(hours)))
    if errors:
        raise Invalid(errors[0]["message"], errors)
    # Only the keys: a 100,000-row sheet should not hold 100,000 whole people (names, ciphertexts).
    people = {p.pk: p for p in Person.objects.only("pk").filter(pk__any_of=[p for p, _h in prepared])}
    missing = [p for p, _h in prepared if p not in people]
    if missing:
        raise Invalid.field("rows", _("人员不存在：%(ids)s") % {"ids": ", ".join(map(str, missing))})
    result = AttendanceResult()
    seen: set[int] = set()
    candidates = []
    for person_id, hours in prepared:
        if person_id in seen:
            result.duplicates.append(people[person_id])
            continue
        seen.add(person_id)
        candidates.append(
            HourRecord(
                person_id=person_id,
                year=day.year,
                category=plan_item.category,
                method=Method.TRAINING,
                hours=hours,
                source=Source.ATTENDANCE,
                state=RecordState.CREDITED,
                title=plan_item.project[:200],
                organizer=plan.filer.name[:120],
                started_on=plan_item.starts_on,
                completed_on=day,
                plan_item=plan_item,
            )
        )
    # Fast path: people this class already counts for are known before inserting.
    done = set(
        HourRecord.objects.filter(plan_item=plan_item, person_id__any_of=list(seen))
        .filter(Q(source=Source.ATTENDANCE) | Q(state=RecordState.CREDITED))
        .values_list("person_id", flat=True)
    )
    fresh = [r for r in sorted(candidates, key=lambda r: r.person_id) if r.person_id not in done]
    result.duplicates += [people[r.person_id] for r in candidates if r.person_id in done]
    created, refused = ledger.add_records_once(fresh)  # a concurrent report loses here, not twice
    result.records = created
    result.credited = [people[r.person_id] for r in created]
    result.duplicates += [people[r.person_id] for r in refused]
    if created:
        record_many(
            actor, actions.HOUR_RECORD_CREDITED_ATTENDANCE, created, after={"plan_item": plan_item.pk}
        )
        _flag_over_daily_limit(plan_item, created, policy.max_daily_hours)
        check_credited(created)
    return result


def _flag_over_daily_limit(plan_item: PlanItem, records: list[HourRecord], daily: Decimal) -> None:
    """A base's attendance is credited (the class happened); where it puts a person over the
    daily limit beside their other records, the bureau's integrity list gets the case."""
    others: dict[int, list] = {}
    # The class's attendance records are the ones just written (one per person, ever); left
    # out by what they are, not by a list of 100,000 ids every row would be compared with.
    rows = HourRecord.objects.filter(
        person_id__any_of=[r.person_id for r in records], year=records[0].year, state__in=COUNTING_STATES
    ).exclude(plan_item=plan_item, source=Source.ATTENDANCE)
    for r in rows:
        span = plausibility.record_span(r.source, r.hours, r.started_on, r.completed_on, r.pk)
        others.setdefault(r.person_id, []).append(span)
    for hour_record in records:
        own = plausibility.record_span(
            hour_record.source, hour_record.hours, hour_record.started_on, hour_record.completed_on
        )
        verdict = plausibility.judge(own, others.get(hour_record.person_id, []), daily)
        if not verdict.possible:
            raise_flag(hour_record, IntegrityFlag.Kind.OVER_DAILY_LIMIT, verdict)
