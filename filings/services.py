"""Writing filings: training plans, platform filings, their opinions, acceptance (备案),
late-filing exceptions, platform credentials and attendance reports.

Each public function is one transaction and leaves an audit entry for every state change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record, snapshot
from core import crypto, jobs
from core.actors import Actor, Role
from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from filings import selectors, validators
from filings.models import (
    AttendanceUpload,
    FilingException,
    FilingState,
    ImportJob,
    PlanItem,
    PlatformCredential,
    PlatformFiling,
    TrainingPlan,
)
from filings.signals import plan_accepted, platform_filing_accepted
from organisations.models import Organisation
from organisations.services import upsert_organisation
from policy.models import Category, PolicyYear
from policy.selectors import SHANGHAI, is_past
from policy.years import policy_year

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "lp_"
PLAN_FILERS = (Role.UNIT, Role.BASE, Role.AUTHORITY)
PLATFORM_FILERS = (Role.BASE, Role.AUTHORITY)
MAX_ITEMS = 500

PLAN_FIELDS = ["year", "contact_name", "contact_phone", "filer_opinion"]
ITEM_FIELDS = [
    "project",
    "audience",
    "starts_on",
    "hours",
    "teachers",
    "mode",
    "venue",
    "funding",
    "remark",
    "category",
]
PLATFORM_FIELDS = [
    "year",
    "site_name",
    "host_org",
    "icp_number",
    "domain",
    "url",
    "offers_public",
    "offers_professional",
    "fee_payer",
    "fee_standard",
    "fee_approval",
    "manager_name",
    "manager_phone",
    "tech_org",
    "tech_mobile",
    "tech_office_phone",
    "base_opinion",
]
ITEM_LABELS = {
    "project": "培训项目",
    "audience": "培训对象及人数",
    "starts_on": "开班时间",
    "hours": "培训学时数",
    "teachers": "培训师资",
    "mode": "培训方式",
    "venue": "办班地点",
    "funding": "经费来源",
    "remark": "备注",
    "category": "科目类别",
}
ITEM_REQUIRED = ("project", "audience", "starts_on", "hours", "mode", "venue")
ITEM_MAX = {f.name: f.max_length for f in PlanItem._meta.fields if getattr(f, "max_length", None)}
PLATFORM_LABELS = {f.name: str(f.verbose_name) for f in PlatformFiling._meta.fields}
PLATFORM_LABELS.update(
    {
        "manager_name": "网站运行管理负责人",
        "manager_phone": "负责人联系电话",
        "tech_mobile": "技术支持客服手机",
        "tech_office_phone": "技术支持客服办公电话",
        "base_opinion": "申报单位（基地）意见",
        "offers": "培训内容",
    }
)
PLATFORM_REQUIRED = (
    "site_name",
    "host_org",
    "icp_number",
    "domain",
    "url",
    "fee_payer",
    "fee_standard",
    "manager_name",
    "manager_phone",
    "tech_org",
)


# ---------------------------------------------------------------------------------------------
# shared helpers


class RowErrors(Invalid):
    """A bulk import refused: every bad row, with its row number in the file."""

    def __init__(self, detail: str, rows: list[dict]):
        errors = [{"field": r["field"], "message": r["message"]} for r in rows]
        super().__init__(detail, errors)
        self.rows = rows


def _now(now: dt.datetime | None = None) -> dt.datetime:
    return now or timezone.now()


def _policy(year) -> PolicyYear:
    if not isinstance(year, int) or isinstance(year, bool):
        raise Invalid.field("year", _("年度：应为整数，如 2025。"))
    policy = policy_year(year)
    if policy is None:
        raise Invalid.field("year", _("年度：%(year)s 年度政策尚未设置，不能申报。") % {"year": year})
    return policy


def _text(data: dict, name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def _check_length(errors: list, name: str, value: str, max_length: int, label: str) -> None:
    if len(value) > max_length:
        errors.append(
            {
                "field": name,
                "message": _("%(label)s：不能超过 %(n)s 个字符。") % {"label": label, "n": max_length},
            }
        )


def _require_filer_role(actor: Actor, roles: tuple[str, ...], what: str) -> Organisation:
    if not actor.is_role(*roles) or actor.organisation is None:
        raise Forbidden(_("当前身份不能申报%(what)s。") % {"what": what})
    return actor.organisation


def _require_bureau(actor: Actor) -> None:
    if not actor.is_role(Role.BUREAU) or actor.organisation is None:
        raise Forbidden(_("只有人社局可以办理备案。"))


def _require_deciding_bureau(actor: Actor, filing) -> None:
    """Only the bureau the filing is filed with (or the province bureau over it) decides;
    a county bureau reads its region's filings but decides nothing."""
    if not selectors.may_decide(actor, filing):
        raise Forbidden(_("只有受理该备案的市人社局可以办理；县（市、区）人社局只能查看本辖区的备案。"))


def _lock(model, actor: Actor, pk: int):
    """The filing, locked, if the actor may see it; NotFound otherwise."""
    if actor.organisation is None:
        raise NotFound()
    obj = model.objects.select_for_update().filter(selectors.filing_scope(actor), pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def _addressed_bureau(filer: Organisation) -> Organisation:
    """The bureau a filer files with (notice §三: 向市人社局申报备案)."""
    bureau = selectors.bureau_for(filer)
    if bureau is None:
        raise Invalid.field(
            "filer",
            _("申报单位：所在地区（%(region)s）没有受理备案的市人社局，请联系平台管理员。")
            % {"region": filer.region.name},
        )
    return bureau


def _editable(actor: Actor, filing) -> None:
    if actor.organisation is None or filing.filer_id != actor.organisation.pk:
        raise Forbidden(_("只有申报单位可以修改本备案。"))
    if not filing.is_editable:
        raise Invalid.field(
            "state",
            _("状态：“%(state)s”的备案不能修改，只有草稿或已退回的备案可以修改。")
            % {"state": filing.get_state_display()},
        )


def _state(filing) -> dict:
    return {"state": filing.state}


# ---------------------------------------------------------------------------------------------
# training plans


def clean_item(raw: dict, year: int | None = None, prefix: str = "") -> tuple[dict, list[dict]]:
    """One plan row → (cleaned values, errors [{field, message}]); labels name the column."""
    errors: list[dict] = []
    cleaned: dict = {}
    for name in ("project", "audience", "teachers", "mode", "venue", "funding", "remark"):
        value = _text(raw, name)
        label = ITEM_LABELS[name]
        if name in ITEM_REQUIRED and not value:
            errors.append({"field": prefix + name, "message": _("%(label)s：必须填写。") % {"label": label}})
        _check_length(errors, prefix + name, value, ITEM_MAX[name], label)
        cleaned[name] = value
    starts_on, error = validators.parse_date(raw.get("starts_on"))
    if error:
        errors.append({"field": prefix + "starts_on", "message": f"{ITEM_LABELS['starts_on']}：{error}"})
    elif year is not None and starts_on.year != year:
        errors.append(
            {
                "field": prefix + "starts_on",
                "message": _("开班时间：应在 %(year)s 年度内。") % {"year": year},
            }
        )
    cleaned["starts_on"] = starts_on
    hours, error = validators.parse_hours(raw.get("hours"))
    if error:
        errors.append({"field": prefix + "hours", "message": f"{ITEM_LABELS['hours']}：{error}"})
    cleaned["hours"] = hours
    category = _text(raw, "category") or Category.PROFESSIONAL
    by_label = {str(label): value for value, label in Category.choices}
    category = by_label.get(category, category)
    if category not in Category.values:
        errors.append({"field": prefix + "category", "message": _("科目类别：应为“公需科目”或“专业科目”。")})
    cleaned["category"] = category
    return cleaned, errors


def _clean_items(rows: list[dict], year: int) -> list[dict]:
    if len(rows) > MAX_ITEMS:
        raise Invalid.field("items", _("培训项目：最多 %(n)s 行。") % {"n": MAX_ITEMS})
    cleaned_rows, errors = [], []
    for index, raw in enumerate(rows, start=1):
        cleaned, row_errors = clean_item(raw, year, prefix=f"items.{index}.")
        errors += [{**e, "message": _("第%(n)s行 ") % {"n": index} + e["message"]} for e in row_errors]
        cleaned_rows.append(cleaned)
    if errors:
        raise Invalid(errors[0]["message"], errors)
    return cleaned_rows


def _clean_plan(data: dict) -> dict:
    errors: list[dict] = []
    cleaned = {
        "contact_name": _text(data, "contact_name"),
        "contact_phone": _text(data, "contact_phone"),
        "filer_opinion": _text(data, "filer_opinion"),
    }
    _check_length(errors, "contact_name", cleaned["contact_name"], 30, "联系人")
    _check_length(errors, "filer_opinion", cleaned["filer_opinion"], 300, "申报单位（基地）意见")
    if cleaned["contact_phone"]:
        error = validators.phone_error(cleaned["contact_phone"])
        if error:
            errors.append({"field": "contact_phone", "message": _("电话：") + error})
    if errors:
        raise Invalid(errors[0]["message"], errors)
    return cleaned


def _write_items(plan: TrainingPlan, rows: list[dict]) -> list[PlanItem]:
    """Make the plan's rows `rows` (序号 1…n), keeping item ids stable: the row of each 序号 is
    updated in place, new ones are added, and a row beyond the new last one is deleted unless
    something names it. Declarations name items (also drafts, also other organisations'
    people), hours are recorded against them: a row that a submitted declaration, an hour
    record or an attendance report names cannot be deleted (the change is refused, naming the
    rows); a row only draft declarations name is kept, so a draft never freezes the plan.
    Returns the rows kept that way."""
    from credits.models import Declaration, DeclarationState, HourRecord

    existing = {item.seq: item for item in plan.items.all()}
    for seq, row in enumerate(rows, start=1):
        item = existing.get(seq)
        if item is None:
            continue
        changed = [name for name, value in row.items() if getattr(item, name) != value]
        if changed:
            for name in changed:
                setattr(item, name, row[name])
            item.save(update_fields=changed)
    PlanItem.objects.bulk_create(
        [PlanItem(plan=plan, seq=seq, **row) for seq, row in enumerate(rows, start=1) if seq not in existing]
    )
    removed = {item.pk: item for seq, item in existing.items() if seq > len(rows)}
    if not removed:
        return []
    declared = Declaration.objects.filter(plan_item_id__in=removed)
    fixed = (
        set(declared.exclude(state=DeclarationState.DRAFT).values_list("plan_item_id", flat=True))
        | set(HourRecord.objects.filter(plan_item_id__in=removed).values_list("plan_item_id", flat=True))
        | set(
            AttendanceUpload.objects.filter(plan_item_id__in=removed).values_list("plan_item_id", flat=True)
        )
    )
    if fixed:
        seqs = "、".join(str(removed[pk].seq) for pk in sorted(fixed, key=lambda pk: removed[pk].seq))
        raise Invalid.field(
            "items",
            _(
                "培训项目：第%(seqs)s行已有提交的学时申报或学时记录引用，不能删除；"
                "可以修改这些行的内容，或保留这些行。"
            )
            % {"seqs": seqs},
        )
    kept_ids = set(declared.values_list("plan_item_id", flat=True))
    PlanItem.objects.filter(pk__in=[pk for pk in removed if pk not in kept_ids]).delete()
    return sorted((removed[pk] for pk in kept_ids), key=lambda item: item.seq)


def _items_snapshot(plan: TrainingPlan) -> list[dict]:
    return [snapshot(item, ["seq", *ITEM_FIELDS]) for item in plan.items.all()]


@transaction.atomic
def create_plan(actor: Actor, data: dict, items: list[dict] | None = None) -> TrainingPlan:
    """A draft plan of the actor's organisation for `data["year"]`."""
    filer = _require_filer_role(actor, PLAN_FILERS, _("培训计划"))
    policy = _policy(data.get("year"))
    cleaned = _clean_plan(data)
    rows = _clean_items(items or [], policy.year)
    plan = TrainingPlan.objects.create(
        filer=filer, bureau=_addressed_bureau(filer), year=policy.year, created_by=actor.user, **cleaned
    )
    _write_items(plan, rows)
    record(
        actor,
        actions.TRAINING_PLAN_CREATED,
        plan,
        after={**snapshot(plan, [*PLAN_FIELDS, "state"]), "items": _items_snapshot(plan)},
    )
    return plan


@transaction.atomic
def update_plan(actor: Actor, plan_id: int, data: dict, items: list[dict] | None = None) -> TrainingPlan:
    """Change a draft or returned plan; `items=None` keeps the rows, a list replaces them."""
    plan = _lock(TrainingPlan, actor, plan_id)
    _editable(actor, plan)
    before = {**snapshot(plan, PLAN_FIELDS), "items": _items_snapshot(plan)}
    year = data.get("year", plan.year)
    policy = _policy(year)
    cleaned = _clean_plan({**snapshot(plan, PLAN_FIELDS), **data})
    for key, value in cleaned.items():
        setattr(plan, key, value)
    plan.year = policy.year
    kept = _write_items(plan, _clean_items(items, policy.year)) if items is not None else []
    if plan.items.exclude(starts_on__year=policy.year).exists():
        raise Invalid.field("year", _("年度：已有培训项目的开班时间不在 %(y)s 年度内。") % {"y": policy.year})
    plan.save()
    record(
        actor,
        actions.TRAINING_PLAN_CHANGED,
        plan,
        before=before,
        after={**snapshot(plan, PLAN_FIELDS), "items": _items_snapshot(plan)},
        note=_kept_note(kept),
    )
    plan.kept_items = kept
    return plan


def _kept_note(kept: list[PlanItem]) -> str:
    if not kept:
        return ""
    return _("第%(seqs)s行有学时申报草稿引用，予以保留") % {"seqs": "、".join(str(i.seq) for i in kept)}


def _write_plan_import(actor: Actor, plan_id: int, rows: list[dict], file_name: str) -> dict:
    """The write of a plan import (inside the job's transaction): rows already read and clean."""
    plan = _lock(TrainingPlan, actor, plan_id)
    _editable(actor, plan)
    before = {"items": _items_snapshot(plan)}
    kept = _write_items(plan, rows)
    record(
        actor,
        actions.TRAINING_PLAN_ITEMS_IMPORTED,
        plan,
        before=before,
        after={"items": _items_snapshot(plan)},
        note=" ".join(filter(None, [file_name[:150], _kept_note(kept)]))[:200],
    )
    return {"items": plan.items.count(), "kept": [i.seq for i in kept]}


def _deadline_check(actor: Actor, filing, kind: str, now: dt.datetime) -> FilingException | None:
    """Refuse a submission after the year's filing deadline (end of day, Shanghai) unless the
    bureau recorded an exception, or the filing was first submitted in time and returned."""
    _policy(filing.year)
    deadline = selectors.plan_filing_deadline(filing.filer, filing.year)
    if not is_past(deadline, now):
        return None
    if filing.first_submitted_at and not is_past(deadline, filing.first_submitted_at):
        return None
    exception = FilingException.objects.filter(organisation=filing.filer, year=filing.year, kind=kind).first()
    if exception is None:
        raise Invalid.field(
            "year",
            _(
                "年度：%(year)s 年度的备案截止时间为 %(date)s 24:00（北京时间），已逾期，不能提交。"
                "如确需补报，请联系人社局登记逾期备案特批。"
            )
            % {"year": filing.year, "date": deadline.isoformat()},
        )
    return exception


def _route_to_opinion(actor: Actor, filing, now: dt.datetime, opinion_text: str) -> None:
    """After the filer's submission: its supervising authority gives an opinion, unless the
    filer is that authority (its opinion is its own) or has none. The filing goes to the bureau
    the filer files with now (set at creation; the filer may have moved since)."""
    filer = filing.filer
    filing.bureau = _addressed_bureau(filer)
    filing.return_reason = ""
    if filer.kind == Organisation.Kind.AUTHORITY:
        filing.authority_opinion = opinion_text
        filing.authority_opinion_at = now
        filing.authority_opinion_by = actor.user
        filing.opinion_authority = filer
        filing.state = FilingState.SUBMITTED
    elif filer.supervisor_id is None:
        filing.authority_opinion = ""
        filing.authority_opinion_at = None
        filing.authority_opinion_by = None
        filing.opinion_authority = None
        filing.state = FilingState.SUBMITTED
    else:
        filing.authority_opinion = ""
        filing.authority_opinion_at = None
        filing.authority_opinion_by = None
        filing.opinion_authority = filer.supervisor
        filing.state = FilingState.PENDING_OPINION


@transaction.atomic
def submit_plan(actor: Actor, plan_id: int, now: dt.datetime | None = None) -> TrainingPlan:
    now = _now(now)
    plan = _lock(TrainingPlan, actor, plan_id)
    _editable(actor, plan)
    errors = []
    if not plan.items.exists():
        errors.append({"field": "items", "message": _("培训项目：至少填写一行。")})
    if not plan.filer_opinion:
        errors.append({"field": "filer_opinion", "message": _("申报单位（基地）意见：必须填写。")})
    if not plan.contact_name:
        errors.append({"field": "contact_name", "message": _("联系人：必须填写。")})
    if not plan.contact_phone:
        errors.append({"field": "contact_phone", "message": _("电话：必须填写。")})
    if errors:
        raise Invalid(errors[0]["message"], errors)
    exception = _deadline_check(actor, plan, FilingException.Kind.PLAN, now)
    before = _state(plan)
    plan.late_exception = exception
    plan.submitted_at = now
    plan.first_submitted_at = plan.first_submitted_at or now
    plan.declared_on = timezone.localtime(now, SHANGHAI).date()
    _route_to_opinion(actor, plan, now, plan.filer_opinion)
    plan.save()
    record(
        actor,
        actions.TRAINING_PLAN_SUBMITTED,
        plan,
        before=before,
        after={**_state(plan), "late_exception": exception.pk if exception else None},
    )
    return plan


# ---------------------------------------------------------------------------------------------
# platform filings


def _clean_platform(data: dict) -> dict:
    errors: list[dict] = []
    cleaned: dict = {}
    for name in PLATFORM_FIELDS:
        if name in ("year", "offers_public", "offers_professional"):
            continue
        value = _text(data, name)
        if name == "domain":
            value = validators.normalise_domain(value)
        label = PLATFORM_LABELS[name]
        if name in PLATFORM_REQUIRED and not value:
            errors.append({"field": name, "message": _("%(label)s：必须填写。") % {"label": label}})
        max_length = PlatformFiling._meta.get_field(name).max_length
        _check_length(errors, name, value, max_length, label)
        cleaned[name] = value
    checks = [
        ("icp_number", validators.icp_error),
        ("domain", validators.domain_error),
        ("manager_phone", validators.phone_error),
        ("tech_mobile", validators.mobile_error),
        ("tech_office_phone", validators.office_phone_error),
    ]
    failed = {e["field"] for e in errors}
    for name, check in checks:
        if cleaned[name] and name not in failed:
            error = check(cleaned[name])
            if error:
                errors.append({"field": name, "message": f"{PLATFORM_LABELS[name]}：{error}"})
    if cleaned["url"] and "url" not in failed:
        domain_ok = "domain" not in {e["field"] for e in errors}
        error = validators.url_error(cleaned["url"], cleaned["domain"] if domain_ok else "")
        if error:
            errors.append({"field": "url", "message": f"{PLATFORM_LABELS['url']}：{error}"})
    if not cleaned["tech_mobile"] and not cleaned["tech_office_phone"]:
        errors.append(
            {"field": "tech_mobile", "message": _("技术支持客服电话：手机和办公电话至少填写一个。")}
        )
    cleaned["offers_public"] = bool(data.get("offers_public"))
    cleaned["offers_professional"] = bool(data.get("offers_professional"))
    if not (cleaned["offers_public"] or cleaned["offers_professional"]):
        errors.append({"field": "offers_public", "message": _("培训内容：公需科目、专业科目至少选择一项。")})
    if errors:
        raise Invalid(errors[0]["message"], errors)
    return cleaned


@transaction.atomic
def create_platform_filing(actor: Actor, data: dict) -> PlatformFiling:
    filer = _require_filer_role(actor, PLATFORM_FILERS, _("网络学习平台备案"))
    policy = _policy(data.get("year"))
    cleaned = _clean_platform(data)
    filing = PlatformFiling.objects.create(
        filer=filer, bureau=_addressed_bureau(filer), year=policy.year, created_by=actor.user, **cleaned
    )
    record(
        actor, actions.PLATFORM_FILING_CREATED, filing, after=snapshot(filing, [*PLATFORM_FIELDS, "state"])
    )
    return filing


@transaction.atomic
def update_platform_filing(actor: Actor, filing_id: int, data: dict) -> PlatformFiling:
    filing = _lock(PlatformFiling, actor, filing_id)
    _editable(actor, filing)
    before = snapshot(filing, PLATFORM_FIELDS)
    merged = {**before, **data}
    policy = _policy(merged.get("year"))
    cleaned = _clean_platform(merged)
    for key, value in cleaned.items():
        setattr(filing, key, value)
    filing.year = policy.year
    filing.save()
    record(
        actor, actions.PLATFORM_FILING_CHANGED, filing, before=before, after=snapshot(filing, PLATFORM_FIELDS)
    )
    return filing


@transaction.atomic
def submit_platform_filing(actor: Actor, filing_id: int, now: dt.datetime | None = None) -> PlatformFiling:
    now = _now(now)
    filing = _lock(PlatformFiling, actor, filing_id)
    _editable(actor, filing)
    _clean_platform(snapshot(filing, PLATFORM_FIELDS))  # rows saved before a rule changed
    if not filing.base_opinion:
        raise Invalid.field("base_opinion", _("申报单位（基地）意见：必须填写。"))
    _platform_of(filing)  # a site name another platform already bears is refused now
    exception = _deadline_check(actor, filing, FilingException.Kind.PLATFORM, now)
    before = _state(filing)
    filing.late_exception = exception
    filing.submitted_at = now
    filing.first_submitted_at = filing.first_submitted_at or now
    filing.base_opinion_at = now
    _route_to_opinion(actor, filing, now, filing.base_opinion)
    filing.save()
    record(
        actor,
        actions.PLATFORM_FILING_SUBMITTED,
        filing,
        before=before,
        after={**_state(filing), "late_exception": exception.pk if exception else None},
    )
    return filing


# ---------------------------------------------------------------------------------------------
# the authority's opinion and the bureau's decision (both filings)

MODELS = {"plan": TrainingPlan, "platform": PlatformFiling}


def _model(kind: str):
    if kind not in MODELS:
        raise Invalid.field("kind", _("备案类型：应为 plan（培训计划）或 platform（网络学习平台）。"))
    return MODELS[kind]


@transaction.atomic
def give_opinion(
    actor: Actor, kind: str, filing_id: int, opinion: str, agree: bool = True, now: dt.datetime | None = None
):
    """行业主管单位意见: the filer's supervising authority agrees (→ the bureau) or returns it."""
    now = _now(now)
    if not actor.is_role(Role.AUTHORITY):
        raise Forbidden(_("只有行业主管部门可以出具意见。"))
    filing = _lock(_model(kind), actor, filing_id)
    if filing.filer.supervisor_id != actor.organisation.pk:
        raise Forbidden(_("只有申报单位的行业主管部门可以出具意见。"))
    if filing.state != FilingState.PENDING_OPINION:
        raise Invalid.field("state", _("状态：该备案当前不需要主管部门意见。"))
    opinion = (opinion or "").strip()
    if not opinion:
        raise Invalid.field("opinion", _("行业主管单位意见：必须填写。"))
    if len(opinion) > 300:
        raise Invalid.field("opinion", _("行业主管单位意见：不能超过 300 个字符。"))
    before = _state(filing)
    filing.authority_opinion = opinion
    filing.authority_opinion_at = now
    filing.authority_opinion_by = actor.user
    filing.opinion_authority = actor.organisation
    if agree:
        filing.state = FilingState.SUBMITTED
    else:
        filing.state = FilingState.RETURNED
        filing.return_reason = opinion
    filing.save()
    record(
        actor,
        actions.FILING_OPINION[kind],
        filing,
        before=before,
        after={**_state(filing), "opinion": opinion, "agree": agree},
    )
    return filing


@transaction.atomic
def return_filing(actor: Actor, kind: str, filing_id: int, reason: str, now: dt.datetime | None = None):
    """The bureau returns a submitted filing with a reason; the filer may edit and resubmit."""
    _require_bureau(actor)
    filing = _lock(_model(kind), actor, filing_id)
    _require_deciding_bureau(actor, filing)
    reason = (reason or "").strip()
    if filing.state != FilingState.SUBMITTED:
        raise Invalid.field("state", _("状态：只有待备案的申报可以退回。"))
    if len(reason) < 2:
        raise Invalid.field("reason", _("退回原因：必须填写（至少2个字）。"))
    if len(reason) > 300:
        raise Invalid.field("reason", _("退回原因：不能超过 300 个字符。"))
    before = _state(filing)
    filing.state = FilingState.RETURNED
    filing.return_reason = reason
    filing.decided_at = _now(now)
    filing.decided_by = actor.user
    filing.save()
    record(
        actor,
        actions.FILING_RETURNED[kind],
        filing,
        before=before,
        after={**_state(filing), "reason": reason},
    )
    return filing


@transaction.atomic
def accept_plan(actor: Actor, plan_id: int, now: dt.datetime | None = None) -> TrainingPlan:
    """备案. Sends `plan_accepted`, on which training declared against its items is recognised."""
    _require_bureau(actor)
    plan = _lock(TrainingPlan, actor, plan_id)
    _require_deciding_bureau(actor, plan)
    if plan.state != FilingState.SUBMITTED:
        raise Invalid.field("state", _("状态：只有待备案的培训计划可以备案。"))
    before = _state(plan)
    plan.state = FilingState.ACCEPTED
    plan.decided_at = _now(now)
    plan.decided_by = actor.user
    plan.return_reason = ""
    plan.save()
    record(actor, actions.TRAINING_PLAN_ACCEPTED, plan, before=before, after=_state(plan))
    plan_accepted.send(sender=TrainingPlan, plan=plan, actor=actor)
    return plan


def decide(actor: Actor, kind: str, filing_id: int, decision: str, reason: str = ""):
    """accept → the filing (and, for a platform, the new token); return → the filing."""
    if decision == "accept":
        if kind == "platform":
            return accept_platform_filing_by_id(actor, filing_id)
        return accept_plan(actor, filing_id), None
    if decision == "return":
        return return_filing(actor, kind, filing_id, reason), None
    raise Invalid.field("decision", _("备案结果：应为 accept（备案）或 return（退回）。"))


def _platform_of(filing: PlatformFiling) -> Organisation | None:
    """The platform organisation a filing is of, by its filer and domain: the same filer filing
    the same domain again (next year, also renamed) is the same platform; anything else is a
    different platform (None: to be created). Within one year, a filing of another site name on
    that domain is another platform too. A site name that another platform already bears is
    refused (422 on `site_name`), so a filing never links to, nor rewrites, another's platform."""
    prior = PlatformFiling.objects.filter(
        filer_id=filing.filer_id, domain=filing.domain, state=FilingState.ACCEPTED, platform__isnull=False
    ).exclude(pk=filing.pk)
    same = prior.filter(site_name=filing.site_name).order_by("-year", "-id").first()
    if same is None:
        filed_this_year = prior.filter(year=filing.year).values("platform_id")
        same = prior.exclude(platform_id__in=filed_this_year).order_by("-year", "-id").first()
    platform = same.platform if same else None
    holders = Organisation.objects.filter(kind=Organisation.Kind.PLATFORM, name=filing.site_name)
    if platform is not None:
        holders = holders.exclude(pk=platform.pk)
    holder = holders.first()
    if holder is not None:
        holder_filing = (
            PlatformFiling.objects.filter(platform=holder)
            .select_related("filer")
            .order_by("-year", "-id")
            .first()
        )
        raise Invalid.field(
            "site_name",
            _("网站名称：“%(name)s”已是另一个已备案学习平台的名称%(whose)s，请核对网站名称和域名。")
            % {
                "name": filing.site_name,
                "whose": _("（%(filer)s，域名 %(domain)s）")
                % {"filer": holder_filing.filer.name, "domain": holder_filing.domain}
                if holder_filing
                else "",
            },
        )
    return platform


@transaction.atomic
def accept_platform_filing(actor: Actor, filing: PlatformFiling) -> tuple[PlatformFiling, str]:
    """备案: the platform enters the learning entrance and gets its API credential for the year.
    The platform is the filer's platform of that domain (see `_platform_of`): reused when filed
    again, created otherwise. Returns the filing and the credential's token, shown only once."""
    _require_bureau(actor)
    filing = _lock(PlatformFiling, actor, filing.pk)
    _require_deciding_bureau(actor, filing)
    if filing.state != FilingState.SUBMITTED:
        raise Invalid.field("state", _("状态：只有待备案的平台备案可以备案。"))
    before = _state(filing)
    filer = filing.filer
    platform = _platform_of(filing)
    fields = {
        "region": filer.region,
        "supervisor": filer.supervisor if filer.kind == Organisation.Kind.BASE else filer,
    }
    try:
        with transaction.atomic():
            platform, _created = upsert_organisation(
                actor,
                kind=Organisation.Kind.PLATFORM,
                name=platform.name if platform else filing.site_name,
                **fields,
            )
    except IntegrityError:  # another platform of that name was created meanwhile
        raise Invalid.field(
            "site_name",
            _("网站名称：“%(name)s”已是另一个已备案学习平台的名称，请核对网站名称和域名。")
            % {"name": filing.site_name},
        ) from None
    filing.platform = platform
    filing.state = FilingState.ACCEPTED
    filing.decided_at = timezone.now()
    filing.decided_by = actor.user
    filing.return_reason = ""
    filing.save(update_fields=["platform", "state", "decided_at", "decided_by", "return_reason"])
    record(
        actor,
        actions.PLATFORM_FILING_ACCEPTED,
        filing,
        before=before,
        after={**_state(filing), "platform": platform.pk},
    )
    _credential, token = issue_credential(actor, filing)
    transaction.on_commit(
        lambda: platform_filing_accepted.send(
            sender=PlatformFiling, platform=platform, year=filing.year, actor=actor
        )
    )
    return filing, token


def accept_platform_filing_by_id(actor: Actor, filing_id: int) -> tuple[PlatformFiling, str]:
    _require_bureau(actor)
    filing = selectors.get_platform_filing(actor, filing_id)
    return accept_platform_filing(actor, filing)


# ---------------------------------------------------------------------------------------------
# platform credentials


def _may_manage_credentials(actor: Actor, filing: PlatformFiling) -> None:
    """The bureau that accepts the filing (or the province bureau over it) and the filer manage
    a platform's credentials; a county bureau only reads."""
    filing = selectors.platform_filings_in_scope(actor).filter(pk=filing.pk).first()
    if filing is None:
        raise NotFound()
    if selectors.may_decide(actor, filing):
        return
    if actor.organisation is not None and filing.filer_id == actor.organisation.pk:
        return
    raise Forbidden(_("只有受理备案的市人社局或备案单位可以管理平台接口密钥。"))


@transaction.atomic
def issue_credential(actor: Actor, filing: PlatformFiling) -> tuple[PlatformCredential, str]:
    """A new API key of the platform for the filing's year; the token is returned only here."""
    _may_manage_credentials(actor, filing)
    filing = PlatformFiling.objects.select_for_update().get(pk=filing.pk)
    if filing.state != FilingState.ACCEPTED or filing.platform_id is None:
        raise Invalid.field("state", _("状态：平台备案尚未通过，不能签发接口密钥。"))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    credential = PlatformCredential.objects.create(
        filing=filing,
        platform_id=filing.platform_id,
        year=filing.year,
        key_prefix=token[:10],
        key_hash=crypto.token_hash(token),
        created_by=actor.user,
    )
    record(
        actor,
        actions.PLATFORM_CREDENTIAL_ISSUED,
        credential,
        after={"prefix": credential.key_prefix, "year": credential.year, "platform": filing.platform_id},
    )
    return credential, token


@transaction.atomic
def revoke_credential(actor: Actor, credential: PlatformCredential) -> PlatformCredential:
    """A revoked key no longer authenticates (the push answers 401). Idempotent."""
    credential = PlatformCredential.objects.select_for_update().select_related("filing").get(pk=credential.pk)
    _may_manage_credentials(actor, credential.filing)
    if credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        credential.save(update_fields=["revoked_at"])
        record(
            actor,
            actions.PLATFORM_CREDENTIAL_REVOKED,
            credential,
            before={"revoked_at": None},
            after={"revoked_at": credential.revoked_at},
        )
    return credential


@transaction.atomic
def rotate_credential(actor: Actor, filing_id: int) -> tuple[PlatformCredential, str]:
    """Issue a new key and revoke every live one of the filing, in one step."""
    filing = selectors.get_platform_filing(actor, filing_id)
    old = list(filing.credentials.filter(revoked_at__isnull=True))
    credential, token = issue_credential(actor, filing)
    for previous in old:
        revoke_credential(actor, previous)
    return credential, token


def revoke_credential_by_id(actor: Actor, credential_id: int) -> PlatformCredential:
    credential = selectors.get_credential(actor, credential_id)
    return revoke_credential(actor, credential)


# ---------------------------------------------------------------------------------------------
# late-filing exceptions


@transaction.atomic
def record_exception(
    actor: Actor, organisation_id: int, year: int, kind: str, reason: str
) -> FilingException:
    """逾期备案特批: the bureau an organisation files with (or the province bureau over it) lets
    it file after the year's deadline. County bureaus only read exceptions."""
    _require_bureau(actor)
    if not selectors.may_grant_exceptions(actor):
        raise Forbidden(_("只有受理备案的市人社局可以登记逾期备案特批；县（市、区）人社局只能查看。"))
    policy = _policy(year)
    if kind not in FilingException.Kind.values:
        raise Invalid.field("kind", _("备案类型：应为 plan（培训计划）或 platform（网络学习平台）。"))
    organisation = selectors.filers_of(actor).filter(pk=organisation_id).first()
    if organisation is None or not selectors.may_grant_exception(actor, organisation):
        raise Invalid.field("organisation_id", _("申报单位：不在本局管辖范围内或不存在。"))
    allowed = (
        (Organisation.Kind.UNIT, Organisation.Kind.BASE, Organisation.Kind.AUTHORITY)
        if kind == FilingException.Kind.PLAN
        else (Organisation.Kind.BASE, Organisation.Kind.AUTHORITY)
    )
    if organisation.kind not in allowed:
        raise Invalid.field(
            "organisation_id",
            _("申报单位：%(kind)s不能申报该类备案。") % {"kind": organisation.get_kind_display()},
        )
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise Invalid.field("reason", _("原因：必须填写特批原因（至少2个字）。"))
    if len(reason) > 300:
        raise Invalid.field("reason", _("原因：不能超过 300 个字符。"))
    try:
        with transaction.atomic():
            exception = FilingException.objects.create(
                organisation=organisation, year=policy.year, kind=kind, reason=reason, granted_by=actor.user
            )
    except IntegrityError:
        raise Conflict(
            _("该单位 %(year)s 年度的此类逾期特批已经登记。") % {"year": policy.year},
            [{"field": "organisation_id", "message": _("申报单位：该年度此类逾期特批已登记。")}],
        ) from None
    record(
        actor,
        actions.FILING_EXCEPTION_GRANTED,
        exception,
        after={"organisation": organisation.pk, "year": policy.year, "kind": kind, "reason": reason},
    )
    return exception


# ---------------------------------------------------------------------------------------------
# attendance (到课名单) of a class of an accepted plan


def _write_attendance(actor: Actor, plan_item_id: int, rows: list, file_name: str) -> dict:
    """The write of an attendance report (inside the job's transaction): people already found."""
    from credits import services as credit_services

    item = _attendance_item(actor, plan_item_id)
    result = credit_services.credit_attendance(actor, item, rows)
    credited, duplicates = len(result.credited), len(result.duplicates)
    upload = AttendanceUpload.objects.create(
        plan_item=item,
        uploaded_by=actor.user,
        file_name=file_name[:200],
        row_count=len(rows),
        credited=credited,
        duplicates=duplicates,
    )
    record(
        actor,
        actions.ATTENDANCE_UPLOADED,
        upload,
        after={"plan_item": item.pk, "rows": len(rows), "credited": credited, "duplicates": duplicates},
    )
    return {"upload_id": upload.pk, "rows": len(rows), "credited": credited, "duplicates": duplicates}


def _attendance_item(actor: Actor, plan_item_id: int) -> PlanItem:
    item = selectors.get_plan_item(actor, plan_item_id)
    if actor.organisation is None or item.plan.filer_id != actor.organisation.pk:
        raise Forbidden(_("只有培训计划的申报单位（基地）可以报送到课名单。"))
    if item.plan.state != FilingState.ACCEPTED:
        raise Invalid.field("plan_item_id", _("培训计划项目：所属培训计划尚未备案，不能报送到课名单。"))
    return item


# ---------------------------------------------------------------------------------------------
# import jobs: an uploaded sheet is read outside any transaction, then written in one


MAX_STORED_ROW_ERRORS = 2000  # bad rows kept on a job (the detail says how many rows were bad)


def start_import(actor: Actor, kind: str, target_id: int, upload) -> ImportJob:
    """Queue the import of an `.xlsx`: plan rows replacing a draft plan's items (`target_id`
    a plan) or a class's attendance (`target_id` a plan item). What needs no reading of the
    sheet is refused now — scope, state, name, size and the zip's declared sizes; the rest in
    the job. Eager (no REDIS_URL) the job has run when this returns."""
    from filings import imports

    if kind == ImportJob.Kind.PLAN_ITEMS:
        plan = selectors.get_plan(actor, target_id)
        _editable(actor, plan)
        item, limits = None, imports.PLAN_LIMITS
    elif kind == ImportJob.Kind.ATTENDANCE:
        item = _attendance_item(actor, target_id)
        plan, limits = item.plan, imports.ATTENDANCE_LIMITS
    else:
        raise Invalid.field("kind", _("导入内容：不支持。"))
    imports.check_upload(upload, limits)
    file_name = (getattr(upload, "name", "") or "upload.xlsx")[:200]
    with transaction.atomic():
        job = ImportJob(
            kind=kind,
            created_by=actor.user,
            actor_role=actor.role,
            organisation=actor.organisation,
            plan=plan,
            plan_item=item,
            file_name=file_name,
        )
        upload.seek(0)
        job.file.save("upload.xlsx", upload, save=False)
        job.save()
        record(actor, actions.IMPORT_QUEUED, job, after={"kind": kind, "plan": plan.pk, "file": file_name})
    _dispatch_import(job.pk)
    job.refresh_from_db()
    return job


def rerun_import(actor: Actor, job_id: int) -> ImportJob:
    """Queue again a job that failed while its file is kept (its worker died)."""
    job = selectors.import_job_for(actor, job_id)
    with transaction.atomic():
        again = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.FAILED).exclude(file="")
        if not again.update(
            state=ImportJob.State.QUEUED, stage="", error="", row_errors=[], finished_at=None
        ):
            raise Invalid.field("job", _("导入任务：只有中断（文件仍保留）的任务可以重新运行。"))
        record(actor, actions.IMPORT_REQUEUED, job, before={"state": "failed"}, after={"state": "queued"})
    _dispatch_import(job.pk)
    job.refresh_from_db()
    return job


def _dispatch_import(job_id: int) -> None:
    from django.conf import settings

    from filings.tasks import run_import as task

    def send() -> None:
        try:
            task.delay(job_id)
        except Exception as exc:  # the broker is down: say so on the job instead of a 500
            logger.exception("import job %s could not be queued", job_id)
            _fail_import(
                job_id, _("无法提交后台任务，请稍后重试（%(kind)s）。") % {"kind": type(exc).__name__}
            )

    # A worker must find the job committed; eager, this process is the worker and runs it now.
    if settings.CELERY_TASK_ALWAYS_EAGER:
        send()
    else:
        transaction.on_commit(send)


def _fail_import(job_id: int, error: str, row_errors: list | None = None) -> None:
    job = ImportJob.objects.select_related("created_by", "organisation").get(pk=job_id)
    was = job.state
    with transaction.atomic():
        # A job the sweep already ended keeps that outcome, and its file for a re-run.
        unfinished = ImportJob.objects.filter(
            pk=job_id, state__in=(ImportJob.State.QUEUED, ImportJob.State.RUNNING)
        )
        if not unfinished.update(
            state=ImportJob.State.FAILED,
            stage="",
            error=error,
            row_errors=(row_errors or [])[:MAX_STORED_ROW_ERRORS],
            finished_at=timezone.now(),
        ):
            return
        record(
            _job_actor(job, check=False),
            actions.IMPORT_FAILED,
            job,
            before={"state": was},
            after={"state": "failed", "error": error[:300]},
        )
    _drop_file(job)


def _drop_file(job: ImportJob) -> None:
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def _job_actor(job: ImportJob, check: bool = True) -> Actor:
    """The scope the job was asked in, as long as its creator still holds that role."""
    from accounts.models import RoleAssignment

    actor = Actor(user=job.created_by, role=job.actor_role, organisation=job.organisation)
    if check:
        held = RoleAssignment.objects.filter(
            user_id=job.created_by_id, role=job.actor_role, organisation_id=job.organisation_id
        ).exists()
        if not held or not job.created_by.is_active:
            raise Forbidden(_("上传人已不再拥有上传时的身份，导入已停止。"))
    return actor


class _Superseded(Exception):
    """The job was ended (or restarted) by someone else while this run was reading."""


def run_import(job_id: int) -> str:
    """Run a queued import: read the sheet outside any transaction (heartbeat and progress
    every few thousand rows), then write everything in one transaction that also marks the
    job done — rows and outcome commit together or not at all. A bad file or bad rows end
    the job `failed` with every bad row; an error is never raised to the caller."""
    from filings import imports

    if not jobs.claim(ImportJob, job_id):
        return ImportJob.objects.filter(pk=job_id).values_list("state", flat=True).first() or "missing"
    job = ImportJob.objects.select_related("created_by", "organisation", "plan", "plan_item").get(pk=job_id)
    # Eager inside a transaction (tests, a caller's atomic block): a savepoint keeps a database
    # error from poisoning the outer transaction, so the failure can still be written.
    guard = transaction.atomic() if transaction.get_connection().in_atomic_block else contextlib.nullcontext()
    try:
        with guard:
            actor = _job_actor(job)
            jobs.beat(ImportJob, job.pk, stage=ImportJob.Stage.READING)

            def progress(done: int, declared: int | None) -> None:
                jobs.beat(ImportJob, job.pk, done=done, total=declared)

            with job.file.open("rb") as source:
                if job.kind == ImportJob.Kind.PLAN_ITEMS:
                    rows = imports.read_plan_rows(source, job.plan.year, progress)
                else:
                    rows = imports.read_attendance_rows(source, job.plan_item, progress)
            jobs.beat(ImportJob, job.pk, stage=ImportJob.Stage.WRITING)
            with transaction.atomic():
                mine = ImportJob.objects.select_for_update().filter(
                    pk=job.pk, state=ImportJob.State.RUNNING, started_at=job.started_at
                )
                if not mine.exists():
                    raise _Superseded
                if job.kind == ImportJob.Kind.PLAN_ITEMS:
                    result = _write_plan_import(actor, job.plan_id, rows, job.file_name)
                else:
                    result = _write_attendance(actor, job.plan_item_id, rows, job.file_name)
                mine.update(state=ImportJob.State.DONE, stage="", result=result, finished_at=timezone.now())
                record(
                    actor,
                    actions.IMPORT_DONE,
                    job,
                    before={"state": "running"},
                    after={"state": "done", **result},
                )
    except _Superseded:
        return ImportJob.objects.filter(pk=job_id).values_list("state", flat=True).first()
    except DomainError as exc:
        rows = getattr(exc, "rows", None) or exc.errors
        _fail_import(job.pk, exc.detail, rows)
        return ImportJob.State.FAILED
    except Exception as exc:  # every other failure ends the job too, with its kind
        logger.exception("import job %s failed", job_id)
        text = _("导入时发生错误（%(kind)s），未导入任何行。") % {"kind": type(exc).__name__}
        _fail_import(job.pk, text)
        return ImportJob.State.FAILED
    _drop_file(job)
    return ImportJob.State.DONE


def import_error(job: ImportJob) -> DomainError:
    """A failed job's outcome as the error the API and pages show (422, every bad row)."""
    if any("row" in e for e in job.row_errors):
        return RowErrors(job.error, job.row_errors)
    return Invalid(job.error, job.row_errors)


def end_stale_imports(now: dt.datetime | None = None) -> int:
    """End as failed the imports whose worker died (silent for jobs.STALE_AFTER): nothing was
    written (the write is one transaction); the file is kept so the job can run again."""

    def audit(job: ImportJob) -> None:
        record(
            _job_actor(job, check=False),
            actions.IMPORT_FAILED,
            job,
            before={"state": "running"},
            after={"state": "failed", "error": job.error},
        )

    return jobs.end_stale(
        ImportJob, _("导入中断（后台处理进程已停止），未导入任何行。可以重新运行。"), audit, now
    )
