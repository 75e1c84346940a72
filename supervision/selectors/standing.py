"""The units' standing: per unit of the scope, its confirmed staff in a year and how many are
compliant or short (the homes' and the reports' figures)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from core.actors import Actor
from credits import selectors as credit_selectors
from organisations.models import Organisation
from supervision.selectors._shared import unit_profession_figures
from supervision.selectors.scoping import scope

_STANDING_COUNTS = ("confirmed", "compliant", "short_public", "short_professional", "short_total")


@dataclass(frozen=True)
class UnitStanding:
    """A unit's confirmed staff in a year: how many, how many compliant, how many short of
    each figure (the counts of `credits.selectors.staff_compliance`, from the summary rows)."""

    unit: Organisation
    members: int
    compliant: int
    short_public: int
    short_professional: int
    short_total: int

    @property
    def short(self) -> int:
        return self.members - self.compliant


def standing_by_unit(actor: Actor, year: int) -> list[UnitStanding]:
    """Every unit of the actor's scope, by name, with its staff's standing in `year` (the
    homes' figures). A year without a requirement → DomainError, as the compliance list."""
    credit_selectors.year_requirements(year)
    s = scope(actor)
    counts: dict[int, dict] = defaultdict(lambda: dict.fromkeys(_STANDING_COUNTS, 0))
    for (unit_id, _profession), row in unit_profession_figures(s, year).items():
        for name in _STANDING_COUNTS:
            counts[unit_id][name] += row[name]
    return [
        UnitStanding(
            unit=unit,
            members=counts[unit.pk]["confirmed"],
            compliant=counts[unit.pk]["compliant"],
            short_public=counts[unit.pk]["short_public"],
            short_professional=counts[unit.pk]["short_professional"],
            short_total=counts[unit.pk]["short_total"],
        )
        for unit in s.units.order_by("name")
    ]
