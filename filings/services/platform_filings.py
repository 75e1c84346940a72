"""Platform filings (网络学习平台备案登记表): drafts, submission, and which platform a filing
is of.

Each public function is one transaction and leaves an audit entry for every state change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record, snapshot
from core.actors import Actor
from core.errors import Invalid
from filings import rules
from filings.models import FilingException, FilingState, PlatformFiling
from filings.services import common
from organisations.models import Organisation


@dataclass(frozen=True)
class PlatformInput:
    """The platform filing form (rules.PLATFORM_FIELDS); `rules.clean_platform_filing` checks it."""

    year: int
    site_name: str = ""
    host_org: str = ""
    icp_number: str = ""
    domain: str = ""
    url: str = ""
    offers_public: bool = False
    offers_professional: bool = False
    fee_payer: str = ""
    fee_standard: str = ""
    fee_approval: str = ""
    manager_name: str = ""
    manager_phone: str = ""
    tech_org: str = ""
    tech_mobile: str = ""
    tech_office_phone: str = ""
    base_opinion: str = ""


@dataclass(frozen=True)
class PlatformChange:
    """A change of a draft or returned platform filing: None keeps a value."""

    year: int | None = None
    site_name: str | None = None
    host_org: str | None = None
    icp_number: str | None = None
    domain: str | None = None
    url: str | None = None
    offers_public: bool | None = None
    offers_professional: bool | None = None
    fee_payer: str | None = None
    fee_standard: str | None = None
    fee_approval: str | None = None
    manager_name: str | None = None
    manager_phone: str | None = None
    tech_org: str | None = None
    tech_mobile: str | None = None
    tech_office_phone: str | None = None
    base_opinion: str | None = None


@transaction.atomic
def create_platform_filing(actor: Actor, *, filing: PlatformInput) -> PlatformFiling:
    filer = common.require_filer_role(actor, rules.PLATFORM_FILERS, _("网络学习平台备案"))
    policy = common.policy(filing.year)
    cleaned = rules.clean_platform_filing(asdict(filing))
    created = PlatformFiling.objects.create(
        filer=filer, bureau=common.addressed_bureau(filer), year=policy.year, created_by=actor.user, **cleaned
    )
    record(
        actor,
        actions.PLATFORM_FILING_CREATED,
        created,
        after=snapshot(created, [*rules.PLATFORM_FIELDS, "state"]),
    )
    return created


@transaction.atomic
def update_platform_filing(actor: Actor, *, filing_id: int, change: PlatformChange) -> PlatformFiling:
    filing = common.lock(PlatformFiling, actor, filing_id)
    common.require_editable(actor, filing)
    before = snapshot(filing, rules.PLATFORM_FIELDS)
    merged = {**before, **{k: v for k, v in asdict(change).items() if v is not None}}
    policy = common.policy(merged.get("year"))
    cleaned = rules.clean_platform_filing(merged)
    for key, value in cleaned.items():
        setattr(filing, key, value)
    filing.year = policy.year
    filing.save()
    record(
        actor,
        actions.PLATFORM_FILING_CHANGED,
        filing,
        before=before,
        after=snapshot(filing, rules.PLATFORM_FIELDS),
    )
    return filing


@transaction.atomic
def submit_platform_filing(actor: Actor, *, filing_id: int, now: dt.datetime | None = None) -> PlatformFiling:
    now = common.now(now)
    filing = common.lock(PlatformFiling, actor, filing_id)
    common.require_editable(actor, filing)
    rules.clean_platform_filing(snapshot(filing, rules.PLATFORM_FIELDS))  # rows saved before a rule changed
    if not filing.base_opinion:
        raise Invalid.field("base_opinion", _("申报单位（基地）意见：必须填写。"))
    platform_of(filing)  # a site name another platform already bears is refused now
    common.policy(filing.year)
    exception = rules.check_filing_deadline(filing, FilingException.Kind.PLATFORM, now)
    before = common.state_of(filing)
    filing.late_exception = exception
    filing.submitted_at = now
    filing.first_submitted_at = filing.first_submitted_at or now
    filing.base_opinion_at = now
    common.route_to_opinion(actor, filing, now, filing.base_opinion)
    filing.save()
    record(
        actor,
        actions.PLATFORM_FILING_SUBMITTED,
        filing,
        before=before,
        after={**common.state_of(filing), "late_exception": exception.pk if exception else None},
    )
    return filing


def platform_of(filing: PlatformFiling) -> Organisation | None:
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
