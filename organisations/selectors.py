"""Reading organisations and regions; the organisation half of every actor's scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.actors import Actor, Role
from organisations.models import Organisation


def bases() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.BASE, is_active=True).order_by(
        "-base_level", "registry_no", "name"
    )


def search_bases(q: str = "", level: str = "") -> QuerySet[Organisation]:
    qs = bases()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(contact_name__icontains=q))
    if level:
        qs = qs.filter(base_level=level)
    return qs


def units(q: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.filter(kind=Organisation.Kind.UNIT, is_active=True).select_related("region")
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return qs.order_by("name")


def organisations_in_scope(actor: Actor) -> QuerySet[Organisation]:
    """Organisations an actor oversees: itself; an authority's supervised units and bases;
    a bureau's region (its own and every level below)."""
    if actor.organisation is None:
        return Organisation.objects.none()
    if actor.is_role(Role.BUREAU):
        return Organisation.objects.filter(region_id__in=actor.organisation.region.descendant_ids())
    if actor.is_role(Role.AUTHORITY):
        return Organisation.objects.filter(Q(pk=actor.organisation.pk) | Q(supervisor=actor.organisation))
    return Organisation.objects.filter(pk=actor.organisation.pk)


def units_in_scope(actor: Actor) -> QuerySet[Organisation]:
    return organisations_in_scope(actor).filter(kind=Organisation.Kind.UNIT)
