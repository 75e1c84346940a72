"""The authority's opinion and the bureau's decision (备案 or 退回), for both kinds of filing.

Each public function is one transaction and leaves an audit entry for every state change.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record
from core.actors import Actor, Role
from core.errors import Forbidden, Invalid
from filings.models import FilingState, PlatformFiling, TrainingPlan
from filings.services import common, credentials
from filings.services.platform_filings import platform_of
from filings.signals import plan_accepted, platform_filing_accepted
from organisations.models import Organisation
from organisations.services import OrganisationInput, upsert_organisation

MODELS = {"plan": TrainingPlan, "platform": PlatformFiling}


def _model(kind: str):
    if kind not in MODELS:
        raise Invalid.field("kind", _("备案类型：应为 plan（培训计划）或 platform（网络学习平台）。"))
    return MODELS[kind]


@transaction.atomic
def give_opinion(
    actor: Actor,
    *,
    kind: str,
    filing_id: int,
    opinion: str,
    agree: bool = True,
    now: dt.datetime | None = None,
):
    """行业主管单位意见: the filer's supervising authority agrees (→ the bureau) or returns it."""
    now = common.now(now)
    if not actor.is_role(Role.AUTHORITY):
        raise Forbidden(_("只有行业主管部门可以出具意见。"))
    filing = common.lock(_model(kind), actor, filing_id)
    if filing.filer.supervisor_id != actor.organisation.pk:
        raise Forbidden(_("只有申报单位的行业主管部门可以出具意见。"))
    if filing.state != FilingState.PENDING_OPINION:
        raise Invalid.field("state", _("状态：该备案当前不需要主管部门意见。"))
    opinion = (opinion or "").strip()
    if not opinion:
        raise Invalid.field("opinion", _("行业主管单位意见：必须填写。"))
    if len(opinion) > 300:
        raise Invalid.field("opinion", _("行业主管单位意见：不能超过 300 个字符。"))
    before = common.state_of(filing)
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
        after={**common.state_of(filing), "opinion": opinion, "agree": agree},
    )
    return filing


@transaction.atomic
def return_filing(actor: Actor, *, kind: str, filing_id: int, reason: str, now: dt.datetime | None = None):
    """The bureau returns a submitted filing with a reason; the filer may edit and resubmit."""
    common.require_bureau(actor)
    filing = common.lock(_model(kind), actor, filing_id)
    common.require_deciding_bureau(actor, filing)
    reason = (reason or "").strip()
    if filing.state != FilingState.SUBMITTED:
        raise Invalid.field("state", _("状态：只有待备案的申报可以退回。"))
    if len(reason) < 2:
        raise Invalid.field("reason", _("退回原因：必须填写（至少2个字）。"))
    if len(reason) > 300:
        raise Invalid.field("reason", _("退回原因：不能超过 300 个字符。"))
    before = common.state_of(filing)
    filing.state = FilingState.RETURNED
    filing.return_reason = reason
    filing.decided_at = common.now(now)
    filing.decided_by = actor.user
    filing.save()
    record(
        actor,
        actions.FILING_RETURNED[kind],
        filing,
        before=before,
        after={**common.state_of(filing), "reason": reason},
    )
    return filing


@transaction.atomic
def accept_plan(actor: Actor, *, plan_id: int, now: dt.datetime | None = None) -> TrainingPlan:
    """备案. Sends `plan_accepted`, on which training declared against its items is recognised."""
    common.require_bureau(actor)
    plan = common.lock(TrainingPlan, actor, plan_id)
    common.require_deciding_bureau(actor, plan)
    if plan.state != FilingState.SUBMITTED:
        raise Invalid.field("state", _("状态：只有待备案的培训计划可以备案。"))
    before = common.state_of(plan)
    plan.state = FilingState.ACCEPTED
    plan.decided_at = common.now(now)
    plan.decided_by = actor.user
    plan.return_reason = ""
    plan.save()
    record(actor, actions.TRAINING_PLAN_ACCEPTED, plan, before=before, after=common.state_of(plan))
    plan_accepted.send(sender=TrainingPlan, plan=plan, actor=actor)
    return plan


@transaction.atomic
def accept_platform_filing(actor: Actor, *, filing_id: int) -> tuple[PlatformFiling, str]:
    """备案: the platform enters the learning entrance and gets its API credential for the year.
    The platform is the filer's platform of that domain (see `platform_of`): reused when filed
    again, created otherwise. Returns the filing and the credential's token, shown only once."""
    common.require_bureau(actor)
    filing = common.lock(PlatformFiling, actor, filing_id)
    common.require_deciding_bureau(actor, filing)
    if filing.state != FilingState.SUBMITTED:
        raise Invalid.field("state", _("状态：只有待备案的平台备案可以备案。"))
    before = common.state_of(filing)
    filer = filing.filer
    platform = platform_of(filing)
    wanted = OrganisationInput(
        kind=Organisation.Kind.PLATFORM,
        name=platform.name if platform else filing.site_name,
        region_id=filer.region_id,
        supervisor_id=filer.supervisor_id if filer.kind == Organisation.Kind.BASE else filer.pk,
    )
    try:
        with transaction.atomic():
            platform, _created = upsert_organisation(actor, organisation=wanted)
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
        after={**common.state_of(filing), "platform": platform.pk},
    )
    _credential, token = credentials.issue_credential(actor, filing_id=filing.pk)
    transaction.on_commit(
        lambda: platform_filing_accepted.send(
            sender=PlatformFiling, platform=platform, year=filing.year, actor=actor
        )
    )
    return filing, token


def decide(actor: Actor, *, kind: str, filing_id: int, decision: str, reason: str = ""):
    """accept → the filing (and, for a platform, the new token); return → the filing."""
    if decision == "accept":
        if kind == "platform":
            return accept_platform_filing(actor, filing_id=filing_id)
        return accept_plan(actor, plan_id=filing_id), None
    if decision == "return":
        return return_filing(actor, kind=kind, filing_id=filing_id, reason=reason), None
    raise Invalid.field("decision", _("备案结果：应为 accept（备案）或 return（退回）。"))
