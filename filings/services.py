"""Writing filings: training plans, platform filings, their opinions, acceptance (备案),
late-filing exceptions, platform credentials and attendance reports.

Each public function is one transaction and leaves an audit entry for every state change.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record, snapshot
from core import crypto
from core.actors import Actor, Role
from core.errors import Conflict, DomainError, Forbidden, NotFound
from filings import selectors, validators
from filings.models import (
    AttendanceUpload,
    Category,
    FilingException,
    FilingState,
    PlanItem,
    PlatformCredential,
    PlatformFiling,
    TrainingPlan,
)
from filings.signals import plan_accepted
from organisations.models import Organisation
from organisations.selectors import organisations_in_scope
from organisations.services import upsert_organisation
from policy.models import PolicyYear
from policy.selectors import SHANGHAI, end_of_day, is_past

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


class RowErrors(DomainError):
    """A bulk import refused: every bad row, with its row number in the file."""

    def __init__(self, detail: str, rows: list[dict]):
        errors = [{"field": r["field"], "message": r["message"]} for r in rows]
        super().__init__(detail, errors)
        self.rows = rows


def _now(now: dt.datetime | None = None) -> dt.datetime:
    return now or timezone.now()


def _policy(year) -> PolicyYear:
    if not isinstance(year, int) or isinstance(year, bool):
        raise DomainError.field("year", _("年度：应为整数，如 2025。"))
    policy = PolicyYear.objects.filter(year=year).first()
    if policy is None:
        raise DomainError.field("year", _("年度：%(year)s 年度政策尚未设置，不能申报。") % {"year": year})
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


def _lock(model, actor: Actor, pk: int):
    """The filing, locked, if the actor may see it; NotFound otherwise."""
    scope = organisations_in_scope(actor) if actor.organisation is not None else Organisation.objects.none()
    obj = model.objects.select_for_update().filter(pk=pk, filer__in=scope).first()
    if obj is None:
        raise NotFound()
    return obj


def _editable(actor: Actor, filing) -> None:
    if actor.organisation is None or filing.filer_id != actor.organisation.pk:
        raise Forbidden(_("只有申报单位可以修改本备案。"))
    if not filing.is_editable:
        raise DomainError.field(
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
        raise DomainError.field("items", _("培训项目：最多 %(n)s 行。") % {"n": MAX_ITEMS})
    cleaned_rows, errors = [], []
    for index, raw in enumerate(rows, start=1):
        cleaned, row_errors = clean_item(raw, year, prefix=f"items.{index}.")
        errors += [{**e, "message": _("第%(n)s行 ") % {"n": index} + e["message"]} for e in row_errors]
        cleaned_rows.append(cleaned)
    if errors:
        raise DomainError(errors[0]["message"], errors)
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
        raise DomainError(errors[0]["message"], errors)
    return cleaned


def _write_items(plan: TrainingPlan, rows: list[dict]) -> None:
    if (
        plan.items.filter(declarations__isnull=False).exists()
        or plan.items.filter(hour_records__isnull=False).exists()
    ):
        raise DomainError.field("items", _("培训项目：已有学时记录引用本计划的项目，不能再替换。"))
    plan.items.all().delete()
    PlanItem.objects.bulk_create([PlanItem(plan=plan, seq=i, **row) for i, row in enumerate(rows, start=1)])


def _items_snapshot(plan: TrainingPlan) -> list[dict]:
    return [snapshot(item, ["seq", *ITEM_FIELDS]) for item in plan.items.all()]


@transaction.atomic
def create_plan(actor: Actor, data: dict, items: list[dict] | None = None) -> TrainingPlan:
    """A draft plan of the actor's organisation for `data["year"]`."""
    filer = _require_filer_role(actor, PLAN_FILERS, _("培训计划"))
    policy = _policy(data.get("year"))
    cleaned = _clean_plan(data)
    rows = _clean_items(items or [], policy.year)
    plan = TrainingPlan.objects.create(filer=filer, year=policy.year, created_by=actor.user, **cleaned)
    _write_items(plan, rows)
    record(
        actor,
        "training_plan.created",
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
    if items is not None:
        rows = _clean_items(items, policy.year)
        _write_items(plan, rows)
    elif plan.items.exclude(starts_on__year=policy.year).exists():
        raise DomainError.field(
            "year", _("年度：已有培训项目的开班时间不在 %(y)s 年度内。") % {"y": policy.year}
        )
    plan.save()
    record(
        actor,
        "training_plan.changed",
        plan,
        before=before,
        after={**snapshot(plan, PLAN_FIELDS), "items": _items_snapshot(plan)},
    )
    return plan


@transaction.atomic
def import_plan_items(actor: Actor, plan_id: int, upload) -> TrainingPlan:
    """Replace the rows of a draft/returned plan with those of an `.xlsx` in the form's layout.
    Every bad row is reported with its row number; nothing is written unless all rows are good."""
    from filings import imports

    plan = _lock(TrainingPlan, actor, plan_id)
    _editable(actor, plan)
    rows = imports.read_plan_rows(upload, plan.year)
    before = {"items": _items_snapshot(plan)}
    _write_items(plan, rows)
    record(
        actor,
        "training_plan.items_imported",
        plan,
        before=before,
        after={"items": _items_snapshot(plan)},
        note=getattr(upload, "name", "")[:200],
    )
    return plan


def _deadline_check(actor: Actor, filing, kind: str, now: dt.datetime) -> FilingException | None:
    """Refuse a submission after the year's filing deadline (end of day, Shanghai) unless the
    bureau recorded an exception, or the filing was first submitted in time and returned."""
    policy = _policy(filing.year)
    deadline = policy.plan_filing_deadline
    if not is_past(deadline, now):
        return None
    if filing.first_submitted_at and not is_past(deadline, filing.first_submitted_at):
        return None
    exception = FilingException.objects.filter(organisation=filing.filer, year=filing.year, kind=kind).first()
    if exception is None:
        raise DomainError.field(
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
    filer is that authority (its opinion is its own) or has none."""
    filer = filing.filer
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
        raise DomainError(errors[0]["message"], errors)
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
        "training_plan.submitted",
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
        raise DomainError(errors[0]["message"], errors)
    return cleaned


@transaction.atomic
def create_platform_filing(actor: Actor, data: dict) -> PlatformFiling:
    filer = _require_filer_role(actor, PLATFORM_FILERS, _("网络学习平台备案"))
    policy = _policy(data.get("year"))
    cleaned = _clean_platform(data)
    filing = PlatformFiling.objects.create(filer=filer, year=policy.year, created_by=actor.user, **cleaned)
    record(actor, "platform_filing.created", filing, after=snapshot(filing, [*PLATFORM_FIELDS, "state"]))
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
    record(actor, "platform_filing.changed", filing, before=before, after=snapshot(filing, PLATFORM_FIELDS))
    return filing


@transaction.atomic
def submit_platform_filing(actor: Actor, filing_id: int, now: dt.datetime | None = None) -> PlatformFiling:
    now = _now(now)
    filing = _lock(PlatformFiling, actor, filing_id)
    _editable(actor, filing)
    _clean_platform(snapshot(filing, PLATFORM_FIELDS))  # rows saved before a rule changed
    if not filing.base_opinion:
        raise DomainError.field("base_opinion", _("申报单位（基地）意见：必须填写。"))
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
        "platform_filing.submitted",
        filing,
        before=before,
        after={**_state(filing), "late_exception": exception.pk if exception else None},
    )
    return filing


# ---------------------------------------------------------------------------------------------
# the authority's opinion and the bureau's decision (both filings)

MODELS = {"plan": TrainingPlan, "platform": PlatformFiling}
LABELS = {"plan": "training_plan", "platform": "platform_filing"}


def _model(kind: str):
    if kind not in MODELS:
        raise DomainError.field("kind", _("备案类型：应为 plan（培训计划）或 platform（网络学习平台）。"))
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
        raise DomainError.field("state", _("状态：该备案当前不需要主管部门意见。"))
    opinion = (opinion or "").strip()
    if not opinion:
        raise DomainError.field("opinion", _("行业主管单位意见：必须填写。"))
    if len(opinion) > 300:
        raise DomainError.field("opinion", _("行业主管单位意见：不能超过 300 个字符。"))
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
        f"{LABELS[kind]}.opinion",
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
    reason = (reason or "").strip()
    if filing.state != FilingState.SUBMITTED:
        raise DomainError.field("state", _("状态：只有待备案的申报可以退回。"))
    if len(reason) < 2:
        raise DomainError.field("reason", _("退回原因：必须填写（至少2个字）。"))
    if len(reason) > 300:
        raise DomainError.field("reason", _("退回原因：不能超过 300 个字符。"))
    before = _state(filing)
    filing.state = FilingState.RETURNED
    filing.return_reason = reason
    filing.decided_at = _now(now)
    filing.decided_by = actor.user
    filing.save()
    record(
        actor, f"{LABELS[kind]}.returned", filing, before=before, after={**_state(filing), "reason": reason}
    )
    return filing


@transaction.atomic
def accept_plan(actor: Actor, plan_id: int, now: dt.datetime | None = None) -> TrainingPlan:
    """备案. Sends `plan_accepted`, on which training declared against its items is recognised."""
    _require_bureau(actor)
    plan = _lock(TrainingPlan, actor, plan_id)
    if plan.state != FilingState.SUBMITTED:
        raise DomainError.field("state", _("状态：只有待备案的培训计划可以备案。"))
    before = _state(plan)
    plan.state = FilingState.ACCEPTED
    plan.decided_at = _now(now)
    plan.decided_by = actor.user
    plan.return_reason = ""
    plan.save()
    record(actor, "training_plan.accepted", plan, before=before, after=_state(plan))
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
    raise DomainError.field("decision", _("备案结果：应为 accept（备案）或 return（退回）。"))


@transaction.atomic
def accept_platform_filing(actor: Actor, filing: PlatformFiling) -> tuple[PlatformFiling, str]:
    """备案: the platform enters the learning entrance and gets its API credential for the year.
    Returns the filing and the credential's token, which is shown only this once."""
    _require_bureau(actor)
    filing = _lock(PlatformFiling, actor, filing.pk)
    if filing.state != FilingState.SUBMITTED:
        raise DomainError.field("state", _("状态：只有待备案的平台备案可以备案。"))
    before = _state(filing)
    filer = filing.filer
    platform, _created = upsert_organisation(
        actor,
        kind=Organisation.Kind.PLATFORM,
        name=filing.site_name,
        region=filer.region,
        supervisor=filer.supervisor if filer.kind == Organisation.Kind.BASE else filer,
    )
    filing.platform = platform
    filing.state = FilingState.ACCEPTED
    filing.decided_at = timezone.now()
    filing.decided_by = actor.user
    filing.return_reason = ""
    filing.save(update_fields=["platform", "state", "decided_at", "decided_by", "return_reason"])
    record(
        actor,
        "platform_filing.accepted",
        filing,
        before=before,
        after={**_state(filing), "platform": platform.pk},
    )
    _credential, token = issue_credential(actor, filing)
    return filing, token


def accept_platform_filing_by_id(actor: Actor, filing_id: int) -> tuple[PlatformFiling, str]:
    _require_bureau(actor)
    filing = selectors.get_platform_filing(actor, filing_id)
    return accept_platform_filing(actor, filing)


# ---------------------------------------------------------------------------------------------
# platform credentials


def _may_manage_credentials(actor: Actor, filing: PlatformFiling) -> None:
    """The bureau (in scope) and the filer manage a platform's credentials."""
    if selectors.platform_filings_in_scope(actor).filter(pk=filing.pk).first() is None:
        raise NotFound()
    if actor.is_role(Role.BUREAU):
        return
    if actor.organisation is not None and filing.filer_id == actor.organisation.pk:
        return
    raise Forbidden(_("只有人社局或备案单位可以管理平台接口密钥。"))


@transaction.atomic
def issue_credential(actor: Actor, filing: PlatformFiling) -> tuple[PlatformCredential, str]:
    """A new API key of the platform for the filing's year; the token is returned only here."""
    _may_manage_credentials(actor, filing)
    filing = PlatformFiling.objects.select_for_update().get(pk=filing.pk)
    if filing.state != FilingState.ACCEPTED or filing.platform_id is None:
        raise DomainError.field("state", _("状态：平台备案尚未通过，不能签发接口密钥。"))
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
        "platform_credential.issued",
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
            "platform_credential.revoked",
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
    """逾期备案特批: the bureau lets one organisation file after the year's deadline."""
    _require_bureau(actor)
    policy = _policy(year)
    if kind not in FilingException.Kind.values:
        raise DomainError.field("kind", _("备案类型：应为 plan（培训计划）或 platform（网络学习平台）。"))
    organisation = organisations_in_scope(actor).filter(pk=organisation_id).first()
    if organisation is None:
        raise DomainError.field("organisation_id", _("申报单位：不在本局管辖范围内或不存在。"))
    allowed = (
        (Organisation.Kind.UNIT, Organisation.Kind.BASE, Organisation.Kind.AUTHORITY)
        if kind == FilingException.Kind.PLAN
        else (Organisation.Kind.BASE, Organisation.Kind.AUTHORITY)
    )
    if organisation.kind not in allowed:
        raise DomainError.field(
            "organisation_id",
            _("申报单位：%(kind)s不能申报该类备案。") % {"kind": organisation.get_kind_display()},
        )
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError.field("reason", _("原因：必须填写特批原因（至少2个字）。"))
    if len(reason) > 300:
        raise DomainError.field("reason", _("原因：不能超过 300 个字符。"))
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
        "filing_exception.granted",
        exception,
        after={"organisation": organisation.pk, "year": policy.year, "kind": kind, "reason": reason},
    )
    return exception


# ---------------------------------------------------------------------------------------------
# attendance (到课名单) of a class of an accepted plan


@dataclass
class AttendanceResult:
    upload: AttendanceUpload
    credited: int
    duplicates: int
    rows: int
    people: list = field(default_factory=list)


def _count(value) -> int:
    if isinstance(value, int):
        return value
    try:
        return len(value)
    except TypeError:
        return 0


@transaction.atomic
def upload_attendance(actor: Actor, plan_item_id: int, upload) -> AttendanceResult:
    """Credit the people of an attendance sheet (身份证号码, 姓名, 学时) without declarations.

    All or nothing: if any row is bad, every bad row is reported and nothing is credited."""
    from credits import services as credit_services
    from filings import imports

    item = selectors.get_plan_item(actor, plan_item_id)
    plan = item.plan
    if actor.organisation is None or plan.filer_id != actor.organisation.pk:
        raise Forbidden(_("只有培训计划的申报单位（基地）可以报送到课名单。"))
    if plan.state != FilingState.ACCEPTED:
        raise DomainError.field("plan_item_id", _("培训计划项目：所属培训计划尚未备案，不能报送到课名单。"))
    rows = imports.read_attendance_rows(upload, item)
    result = credit_services.credit_attendance(actor, item, rows)
    credited = _count(_get(result, "credited"))
    duplicates = _count(_get(result, "duplicates"))
    record_upload = AttendanceUpload.objects.create(
        plan_item=item,
        uploaded_by=actor.user,
        file_name=(getattr(upload, "name", "") or "attendance.xlsx")[:200],
        row_count=len(rows),
        credited=credited,
        duplicates=duplicates,
    )
    record(
        actor,
        "attendance.uploaded",
        record_upload,
        after={"plan_item": item.pk, "rows": len(rows), "credited": credited, "duplicates": duplicates},
    )
    return AttendanceResult(upload=record_upload, credited=credited, duplicates=duplicates, rows=len(rows))


def _get(result, name: str):
    if isinstance(result, dict):
        return result.get(name, 0)
    return getattr(result, name, 0)


def deadline_instant(year: int) -> dt.datetime:
    return end_of_day(_policy(year).plan_filing_deadline)
