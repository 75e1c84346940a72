"""The filing rules of the notice (三人社专技〔2025〕1号 §三), in one place.

Who may file what, with which bureau, by which day (the year's plan-filing deadline, 15
September unless the city set its own), which columns of the official forms must be filled,
and who gives the opinion before the bureau decides. The services, selectors, pages, API and
sheet imports all apply these; none restates them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.utils.translation import gettext as _

from core.actors import Role
from core.errors import Invalid
from filings import validators
from filings.models import FilingException, PlanItem, PlatformFiling
from organisations.models import Organisation, Region
from policy.models import Category
from policy.selectors import figures_for, is_past

# ---------------------------------------------------------------------------------------------
# who may file (units, bases and authorities file plans; bases and authorities platforms)

PLAN_FILERS = (Role.UNIT, Role.BASE, Role.AUTHORITY)
PLATFORM_FILERS = (Role.BASE, Role.AUTHORITY)
FILER_KINDS = {
    FilingException.Kind.PLAN: (Organisation.Kind.UNIT, Organisation.Kind.BASE, Organisation.Kind.AUTHORITY),
    FilingException.Kind.PLATFORM: (Organisation.Kind.BASE, Organisation.Kind.AUTHORITY),
}


def may_file(organisation: Organisation, kind: str) -> bool:
    """Whether an organisation of its kind files filings of `kind` (plan or platform)."""
    return organisation.kind in FILER_KINDS[kind]


# ---------------------------------------------------------------------------------------------
# the bureau a filing is filed with (向市人社局申报备案)


def home_bureau() -> Organisation | None:
    """The bureau of the city this installation serves (`settings.CE_HOME_REGION`)."""
    return _bureau_of_region(Region.objects.filter(code=settings.CE_HOME_REGION).first())


def _bureau_of_region(region: Region | None) -> Organisation | None:
    if region is None:
        return None
    return (
        Organisation.objects.filter(kind=Organisation.Kind.BUREAU, region=region, is_active=True)
        .order_by("pk")
        .first()
    )


def bureau_for(organisation: Organisation) -> Organisation | None:
    """The bureau `organisation` files its plans and platforms with: the city-level bureau whose
    region contains the organisation's region; for an organisation above city level (the 48
    provincial bases, region 410000) the home city bureau of this installation. None when that
    city has no bureau here."""
    region = organisation.region
    while region is not None and region.level != Region.Level.CITY:
        if region.level == Region.Level.PROVINCE:
            return home_bureau()
        region = region.parent
    return _bureau_of_region(region)


def deadline_region(filer: Organisation | None) -> Region | None:
    """The region whose plan-filing deadline binds `filer`: its own (where its city set its own
    deadline, that one, down to the counties); for a filer above city level (the provincial
    bases) the region of the bureau it files with (`home_bureau`: the home city of a city
    install). None (the province's deadline) for no organisation."""
    if filer is None:
        return None
    if filer.region.level == Region.Level.PROVINCE:
        bureau = home_bureau()
        return bureau.region if bureau else filer.region
    return filer.region


# ---------------------------------------------------------------------------------------------
# the filing deadline (plans and platforms alike)


def plan_filing_deadline(filer: Organisation | None, year: int) -> dt.date:
    """The plan and platform filing deadline of `year` for `filer`, from the year's policy and
    the regional figures (NotFound: no policy)."""
    return figures_for(deadline_region(filer), year).plan_filing_deadline


def check_filing_deadline(filing, kind: str, now: dt.datetime) -> FilingException | None:
    """Refuse a submission of `filing` (a plan or platform filing of `kind`) after its year's
    deadline (end of day, Shanghai) unless the bureau recorded an exception for it (returned),
    or the filing was first submitted in time and has been returned since (None)."""
    deadline = plan_filing_deadline(filing.filer, filing.year)
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


# ---------------------------------------------------------------------------------------------
# who gives the opinion (行业主管单位意见)


def opinion_authority(filer: Organisation) -> Organisation | None:
    """The authority whose opinion a filing of `filer` waits for before the bureau: the filer's
    supervising authority; none when the filer is an authority (its opinion is its own) or has
    no supervisor."""
    if filer.kind == Organisation.Kind.AUTHORITY:
        return None
    return filer.supervisor


# ---------------------------------------------------------------------------------------------
# the training plan form (培训计划申报表): its columns and what a submitted plan holds

MAX_ITEMS = 500
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


def _text(data: Mapping, name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def check_length(errors: list, name: str, value: str, max_length: int, label: str) -> None:
    if len(value) > max_length:
        errors.append(
            {
                "field": name,
                "message": _("%(label)s：不能超过 %(n)s 个字符。") % {"label": label, "n": max_length},
            }
        )


def clean_plan_item(raw: Mapping, year: int | None = None, prefix: str = "") -> tuple[dict, list[dict]]:
    """One row of the plan form, as typed (a page's row, a sheet's row, a service input) →
    (cleaned values, errors [{field, message}]); the messages name the column."""
    errors: list[dict] = []
    cleaned: dict = {}
    for name in ("project", "audience", "teachers", "mode", "venue", "funding", "remark"):
        value = _text(raw, name)
        label = ITEM_LABELS[name]
        if name in ITEM_REQUIRED and not value:
            errors.append({"field": prefix + name, "message": _("%(label)s：必须填写。") % {"label": label}})
        check_length(errors, prefix + name, value, ITEM_MAX[name], label)
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


def plan_header_errors(contact_name: str, contact_phone: str, filer_opinion: str) -> list[dict]:
    """The plan's header as it may be saved (a draft may leave it empty)."""
    errors: list[dict] = []
    check_length(errors, "contact_name", contact_name, 30, "联系人")
    check_length(errors, "filer_opinion", filer_opinion, 300, "申报单位（基地）意见")
    if contact_phone:
        error = validators.phone_error(contact_phone)
        if error:
            errors.append({"field": "contact_phone", "message": _("电话：") + error})
    return errors


def plan_submission_errors(plan) -> list[dict]:
    """What a plan must hold to be submitted: at least one row, the filer's opinion, a contact."""
    errors = []
    if not plan.items.exists():
        errors.append({"field": "items", "message": _("培训项目：至少填写一行。")})
    if not plan.filer_opinion:
        errors.append({"field": "filer_opinion", "message": _("申报单位（基地）意见：必须填写。")})
    if not plan.contact_name:
        errors.append({"field": "contact_name", "message": _("联系人：必须填写。")})
    if not plan.contact_phone:
        errors.append({"field": "contact_phone", "message": _("电话：必须填写。")})
    return errors


# ---------------------------------------------------------------------------------------------
# the platform filing form (网络学习平台备案登记表)

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


def clean_platform_filing(data: Mapping) -> dict:
    """The platform form's values (every field of PLATFORM_FIELDS but the year) → cleaned, or
    DomainError with every bad field: the required columns, the formats (ICP number, domain,
    URL on that domain, phones), at least one support phone and at least one kind of training."""
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
        check_length(errors, name, value, max_length, label)
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
