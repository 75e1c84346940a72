"""Reading people and accounts, always through the actor's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Membership, Person, RoleAssignment, User
from core.actors import Actor, Role
from core.errors import NotFound
from organisations.selectors import units_in_scope


def roles_of(user: User) -> list[RoleAssignment]:
    return list(RoleAssignment.objects.filter(user=user).select_related("organisation").order_by("id"))


def persons_in_scope(actor: Actor) -> QuerySet[Person]:
    """A person sees themself; a unit, an authority and a bureau the confirmed members of the
    units they oversee. A pending registration is only seen through `unit_members`, to be
    confirmed or refused: someone who picked the wrong unit is not that unit's to manage."""
    qs = Person.objects.select_related("user", "profession")
    if actor.is_role(Role.PERSON):
        return qs.filter(user=actor.user)
    if actor.is_role(Role.UNIT):
        return qs.filter(memberships__unit=actor.organisation, memberships__state=Membership.State.CONFIRMED)
    if actor.is_role(Role.AUTHORITY, Role.BUREAU):
        return qs.filter(
            memberships__unit__in=units_in_scope(actor), memberships__state=Membership.State.CONFIRMED
        )
    return qs.none()


def person_for_actor(actor: Actor, person_id: int) -> Person:
    person = persons_in_scope(actor).filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    return person


def current_membership(person: Person) -> Membership | None:
    return (
        Membership.objects.select_related("unit", "unit__supervisor")
        .filter(person=person, state__in=Membership.ACTIVE_STATES)
        .first()
    )


def confirmed_units(person_ids) -> dict[int, tuple[int, int]]:
    """person id → (unit id, title series id) of those with a confirmed unit (the statistics
    count them under it)."""
    rows = Membership.objects.filter(person_id__any_of=list(person_ids), state=Membership.State.CONFIRMED)
    return {p: (u, prof) for p, u, prof in rows.values_list("person_id", "unit_id", "person__profession_id")}


def unit_members(actor: Actor, state: str | None = None) -> QuerySet[Membership]:
    if not actor.is_role(Role.UNIT):
        return Membership.objects.none()
    qs = Membership.objects.select_related("person", "person__profession").filter(unit=actor.organisation)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-requested_at", "-id")


def pending_membership(actor: Actor, person_id: int) -> Membership:
    """A unit's pending membership of one person, or 404 (another unit's person, or decided)."""
    membership = (
        Membership.objects.select_related("person", "person__profession")
        .filter(person_id=person_id, unit=actor.organisation, state=Membership.State.PENDING)
        .first()
    )
    if membership is None or not actor.is_role(Role.UNIT):
        raise NotFound()
    return membership
