"""What the filings services share: the clock, the year's policy, who may act, the locked
filing in scope, and the way a submission reaches its authority and bureau. Internal to
`filings.services`."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor, Role
from core.errors import Forbidden, Invalid, NotFound
from filings import rules, selectors
from filings.models import FilingState
from organisations.models import Organisation
from policy.models import PolicyYear
from policy.years import policy_year


def now(when: dt.datetime | None = None) -> dt.datetime:
    """The moment a service acts at: `when` if the caller names one, else the clock."""
    return when or timezone.now()


def policy(year) -> PolicyYear:
    if not isinstance(year, int) or isinstance(year, bool):
        raise Invalid.field("year", _("年度：应为整数，如 2025。"))
    found = policy_year(year)
    if found is None:
        raise Invalid.field("year", _("年度：%(year)s 年度政策尚未设置，不能申报。") % {"year": year})
    return found


def require_filer_role(actor: Actor, roles: tuple[str, ...], what: str) -> Organisation:
    if not actor.is_role(*roles) or actor.organisation is None:
        raise Forbidden(_("当前身份不能申报%(what)s。") % {"what": what})
    return actor.organisation


def require_bureau(actor: Actor) -> None:
    if not actor.is_role(Role.BUREAU) or actor.organisation is None:
        raise Forbidden(_("只有人社局可以办理备案。"))


def require_deciding_bureau(actor: Actor, filing) -> None:
    """Only the bureau the filing is filed with (or the province bureau over it) decides;
    a county bureau reads its region's filings but decides nothing."""
    if not selectors.may_decide(actor, filing):
        raise Forbidden(_("只有受理该备案的市人社局可以办理；县（市、区）人社局只能查看本辖区的备案。"))


def lock(model, actor: Actor, pk: int):
    """The filing, locked, if the actor may see it; NotFound otherwise."""
    if actor.organisation is None:
        raise NotFound()
    obj = model.objects.select_for_update().filter(selectors.filing_scope(actor), pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def addressed_bureau(filer: Organisation) -> Organisation:
    """The bureau a filer files with (rules.bureau_for), or a refusal naming its region."""
    bureau = rules.bureau_for(filer)
    if bureau is None:
        raise Invalid.field(
            "filer",
            _("申报单位：所在地区（%(region)s）没有受理备案的市人社局，请联系平台管理员。")
            % {"region": filer.region.name},
        )
    return bureau


def require_editable(actor: Actor, filing) -> None:
    if actor.organisation is None or filing.filer_id != actor.organisation.pk:
        raise Forbidden(_("只有申报单位可以修改本备案。"))
    if not filing.is_editable:
        raise Invalid.field(
            "state",
            _("状态：“%(state)s”的备案不能修改，只有草稿或已退回的备案可以修改。")
            % {"state": filing.get_state_display()},
        )


def state_of(filing) -> dict:
    return {"state": filing.state}


def route_to_opinion(actor: Actor, filing, when: dt.datetime, opinion_text: str) -> None:
    """After the filer's submission: the authority of `rules.opinion_authority` gives an
    opinion; a filer that is that authority gives its own, one with none goes straight on. The
    filing goes to the bureau the filer files with now (set at creation; the filer may have
    moved since)."""
    filer = filing.filer
    filing.bureau = addressed_bureau(filer)
    filing.return_reason = ""
    authority = rules.opinion_authority(filer)
    if filer.kind == Organisation.Kind.AUTHORITY:
        filing.authority_opinion = opinion_text
        filing.authority_opinion_at = when
        filing.authority_opinion_by = actor.user
        filing.opinion_authority = filer
        filing.state = FilingState.SUBMITTED
    else:
        filing.authority_opinion = ""
        filing.authority_opinion_at = None
        filing.authority_opinion_by = None
        filing.opinion_authority = authority
        filing.state = FilingState.SUBMITTED if authority is None else FilingState.PENDING_OPINION
