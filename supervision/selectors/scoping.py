"""The units a statistic covers: the actor's scope, narrowed by a region, an authority or a
unit of it; and the years a statistic may be asked for."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.actors import Actor, Role
from core.errors import Forbidden, Invalid, NotFound
from core.replica import reporting_alias
from organisations.models import Organisation, Region
from organisations.selectors import organisations_in_scope, units_in_scope
from policy import selectors as policy_selectors
from policy.models import PolicyYear

STAFF_ROLES = (Role.UNIT, Role.AUTHORITY, Role.BUREAU)


@dataclass
class Scope:
    actor: Actor
    units: QuerySet[Organisation]
    label: str
    region: Region | None = None
    authority: Organisation | None = None
    unit: Organisation | None = None

    @property
    def params(self) -> dict:
        return {
            k: getattr(self, k).pk for k in ("region", "authority", "unit") if getattr(self, k) is not None
        }


def _require_staff(actor: Actor) -> None:
    if actor is None or not actor.is_role(*STAFF_ROLES) or actor.organisation is None:
        raise Forbidden(_("只有用人单位、行业主管部门和人社局可以查看统计。"))


def scope(
    actor: Actor, region: int | None = None, authority: int | None = None, unit: int | None = None
) -> Scope:
    """The units the statistics of `actor` cover, narrowed by a region, an authority or a unit
    of its scope (another scope's id → NotFound)."""
    _require_staff(actor)
    alias = reporting_alias()
    units = units_in_scope(actor).using(alias)
    result = Scope(actor=actor, units=units, label=actor.organisation.name)
    if region:
        found = Region.objects.using(alias).filter(pk=region).first()
        if found is None:
            raise NotFound()
        if actor.is_role(Role.BUREAU):
            if found.pk not in actor.organisation.region.descendant_ids():
                raise NotFound()
        elif not units.filter(region_id=found.pk).exists():
            raise NotFound()
        units = units.filter(region_id__in=found.descendant_ids())
        result.region = found
    if authority:
        found = (
            organisations_in_scope(actor)
            .using(alias)
            .filter(pk=authority, kind=Organisation.Kind.AUTHORITY)
            .first()
        )
        if found is None and not actor.is_role(Role.BUREAU):
            found = (
                Organisation.objects.using(alias)
                .filter(pk=authority, kind=Organisation.Kind.AUTHORITY, supervised__in=units)
                .first()
            )
        if found is None:
            raise NotFound()
        units = units.filter(supervisor_id=found.pk)
        result.authority = found
    if unit:
        found = units.filter(pk=unit).first()
        if found is None:
            raise NotFound()
        units = units.filter(pk=found.pk)
        result.unit = found
    result.units = units
    narrowed = [x.name for x in (result.region, result.authority, result.unit) if x is not None]
    if narrowed:
        result.label = f"{actor.organisation.name} · {' · '.join(narrowed)}"
    return result


def years() -> list[int]:
    today = policy_selectors.today().year
    return sorted(
        (y for y in PolicyYear.objects.values_list("year", flat=True) if y <= today), reverse=True
    ) or [today]


def check_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Invalid.field("year", _("年度：应在 2000 至 2100 之间。"))
    return year
