"""What the bureau does to accounts: staff accounts for reviewers and operators, and the
correction of a person's registered name."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Person, RoleAssignment, User
from accounts.selectors import person_for_actor
from accounts.signals import person_identified
from audit import actions
from audit.services import record
from core.actors import SYSTEM, Actor, Role
from core.errors import Forbidden, Invalid
from organisations.models import Organisation


@transaction.atomic
def create_staff_account(
    actor: Actor, *, username: str, password: str, role: str, organisation_id: int, name: str = ""
) -> User:
    """Bureau admins create reviewer and operator accounts (also used by the demo loader)."""
    if actor is not SYSTEM and not actor.is_role(Role.BUREAU):
        raise Forbidden()
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Invalid.field("organisation", _("所属机构：所选机构不存在。"))
    expected_kind = {
        Role.UNIT: Organisation.Kind.UNIT,
        Role.AUTHORITY: Organisation.Kind.AUTHORITY,
        Role.BASE: Organisation.Kind.BASE,
        Role.BUREAU: Organisation.Kind.BUREAU,
    }.get(role)
    if expected_kind is None or organisation.kind != expected_kind:
        raise Invalid.field("organisation", _("所属机构：机构类型与身份不符。"))
    user = User.objects.filter(username=username).first()
    if user is None:
        # Bureau staff work in the admin; reviewers and operators never enter it.
        user = User(username=username, first_name=name, is_staff=role == Role.BUREAU)
        user.set_password(password)
        user.save()
        record(actor, actions.USER_CREATED, user, after={"username": username})
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, organisation=organisation
    )
    if created:
        record(actor, actions.ROLE_GRANTED, assignment, after={"role": role, "organisation": organisation.pk})
    return user


@transaction.atomic
def correct_person_name(actor: Actor, *, person_id: int, name: str, reason: str) -> Person:
    """A bureau corrects the registered name of a person of its region (checked against the ID
    card), with the reason; audited. Items held because a platform sent the right name under
    this ID number are then credited (`person_identified`)."""
    if not actor.is_role(Role.BUREAU):
        raise Forbidden(_("只有人社局可以更正人员姓名。"))
    person = person_for_actor(actor, person_id)
    person = Person.objects.select_for_update().get(pk=person.pk)
    name, reason = (name or "").strip(), (reason or "").strip()
    errors = []
    if not name:
        errors.append({"field": "name", "message": _("姓名：请填写身份证上的姓名。")})
    elif len(name) > 30:
        errors.append({"field": "name", "message": _("姓名：不能超过30个字符。")})
    elif name == person.name:
        errors.append({"field": "name", "message": _("姓名：与现登记姓名相同，无需更正。")})
    if not reason:
        errors.append({"field": "reason", "message": _("更正原因：必须填写（如：核对身份证原件）。")})
    elif len(reason) > 200:
        errors.append({"field": "reason", "message": _("更正原因：不能超过200个字符。")})
    if errors:
        raise Invalid(errors[0]["message"], errors)
    before = {"name": person.name}
    person.name = name
    person.save(update_fields=["name"])
    person.user.first_name = name
    person.user.save(update_fields=["first_name"])
    record(actor, actions.PERSON_NAME_CORRECTED, person, before=before, after={"name": name}, note=reason)
    transaction.on_commit(lambda: person_identified.send(sender=Person, person=person))
    return person
