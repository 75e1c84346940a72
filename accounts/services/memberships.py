"""A person's link to the unit they work for: the unit confirms or rejects it, the person
names another unit."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from audit import actions
from audit.services import record
from core.actors import Actor, Role
from core.errors import Forbidden, Invalid, NotFound
from organisations.selectors import units


def _unit_membership(actor: Actor, person_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .filter(person_id=person_id, unit=actor.organisation, state=Membership.State.PENDING)
        .first()
    )
    if membership is None:
        raise NotFound(_("该单位没有这位待确认的人员。"))
    return membership


@transaction.atomic
def confirm_membership(actor: Actor, *, person_id: int) -> Membership:
    if not actor.is_role(Role.UNIT):
        raise Forbidden()
    membership = _unit_membership(actor, person_id)
    if membership.person.user_id == actor.user.pk:
        raise Forbidden(_("不能确认本人的单位关系。"))
    membership.state = Membership.State.CONFIRMED
    membership.decided_at = timezone.now()
    membership.decided_by = actor.user
    membership.save(update_fields=["state", "decided_at", "decided_by"])
    record(
        actor,
        actions.MEMBERSHIP_CONFIRMED,
        membership,
        before={"state": "pending"},
        after={"state": "confirmed"},
    )
    return membership


@transaction.atomic
def reject_membership(actor: Actor, *, person_id: int, reason: str) -> Membership:
    if not actor.is_role(Role.UNIT):
        raise Forbidden()
    reason = (reason or "").strip()
    if not reason:
        raise Invalid.field("reason", _("原因：不予确认时必须填写原因。"))
    membership = _unit_membership(actor, person_id)
    membership.state = Membership.State.REJECTED
    membership.decided_at = timezone.now()
    membership.decided_by = actor.user
    membership.reason = reason[:200]
    membership.save(update_fields=["state", "decided_at", "decided_by", "reason"])
    record(
        actor,
        actions.MEMBERSHIP_REJECTED,
        membership,
        before={"state": "pending"},
        after={"state": "rejected", "reason": membership.reason},
    )
    return membership


@transaction.atomic
def request_unit_change(actor: Actor, *, unit_id: int) -> Membership:
    """A person names a (new) employer: the old link ends, the new one waits for the unit."""
    person = actor.person
    if person is None:
        raise Forbidden()
    unit = units().filter(pk=unit_id).first()
    if unit is None:
        raise Invalid.field("unit_id", _("工作单位：所选单位不存在，请从单位列表中选择。"))
    active = Membership.objects.select_for_update().filter(person=person, state__in=Membership.ACTIVE_STATES)
    for old in active:
        if old.unit_id == unit.pk:
            raise Invalid.field("unit_id", _("工作单位：已是该单位或正在等待该单位确认。"))
        before = {"state": old.state}
        old.state = Membership.State.ENDED
        old.decided_at = timezone.now()
        old.save(update_fields=["state", "decided_at"])
        record(actor, actions.MEMBERSHIP_ENDED, old, before=before, after={"state": "ended"})
    membership = Membership.objects.create(person=person, unit=unit)
    record(
        actor, actions.MEMBERSHIP_REQUESTED, membership, after={"unit": unit.pk, "state": membership.state}
    )
    return membership
