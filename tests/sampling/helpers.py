"""Approved declarations made through the real services (declare, unit and authority approve)."""

from __future__ import annotations

from core.actors import Role
from credits import services
from tests import factories
from tests.credits.helpers import declare


def approved(world, person=None, **overrides):
    person = person or factories.person(world.unit)
    declaration = declare(person, **overrides)
    unit = declaration.unit
    unit_user = {world.unit.pk: world.unit_user, world.sibling_unit.pk: world.sibling_unit_user}.get(
        unit.pk
    ) or {world.other_unit.pk: world.other_unit_user}[unit.pk]
    authority_user = {
        world.authority.pk: world.authority_user,
        world.other_authority.pk: world.other_authority_user,
    }[declaration.authority_id]
    services.review_declaration(
        factories.actor(unit_user, Role.UNIT), declaration_id=declaration.pk, decision="approve"
    )
    return services.review_declaration(
        factories.actor(authority_user, Role.AUTHORITY), declaration_id=declaration.pk, decision="approve"
    )


def authority(world):
    return factories.actor(world.authority_user, Role.AUTHORITY)
