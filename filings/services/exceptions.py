"""Late-filing exceptions (逾期备案特批): the bureau lets an organisation file after the year's
deadline (`rules.check_filing_deadline` then lets its submission through).

Each public function is one transaction and leaves an audit entry.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record
from core.actors import Actor
from core.errors import Conflict, Forbidden, Invalid
from filings import rules, selectors
from filings.models import FilingException
from filings.services import common


@transaction.atomic
def record_exception(
    actor: Actor, *, organisation_id: int, year: int, kind: str, reason: str
) -> FilingException:
    """逾期备案特批: the bureau an organisation files with (or the province bureau over it) lets
    it file after the year's deadline. County bureaus only read exceptions."""
    common.require_bureau(actor)
    if not selectors.may_grant_exceptions(actor):
        raise Forbidden(_("只有受理备案的市人社局可以登记逾期备案特批；县（市、区）人社局只能查看。"))
    policy = common.policy(year)
    if kind not in FilingException.Kind.values:
        raise Invalid.field("kind", _("备案类型：应为 plan（培训计划）或 platform（网络学习平台）。"))
    organisation = selectors.filers_of(actor).filter(pk=organisation_id).first()
    if organisation is None or not selectors.may_grant_exception(actor, organisation):
        raise Invalid.field("organisation_id", _("申报单位：不在本局管辖范围内或不存在。"))
    if not rules.may_file(organisation, kind):
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
