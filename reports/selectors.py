"""Statistics for the bureau's overview, always through the actor's scope (credits selectors)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from core.actors import Actor
from credits import selectors as credit_selectors
from credits.models import DeclarationState
from organisations.models import Region


@dataclass
class RegionFigures:
    name: str
    members: int = 0
    compliant: int = 0

    @property
    def rate(self) -> int:
        return round(self.compliant * 100 / self.members) if self.members else 0


@dataclass
class Overview:
    year: int
    members: int = 0
    compliant: int = 0
    regions: list[RegionFigures] = field(default_factory=list)
    states: list[tuple[str, str, int]] = field(default_factory=list)
    overdue_reviews: int = 0
    decided: int = 0
    on_time: int = 0

    @property
    def rate(self) -> int:
        return round(self.compliant * 100 / self.members) if self.members else 0

    @property
    def on_time_rate(self) -> int | None:
        return round(self.on_time * 100 / self.decided) if self.decided else None

    @property
    def max_state_count(self) -> int:
        return max((n for _s, _l, n in self.states), default=1) or 1


def overview(actor: Actor, year: int) -> Overview:
    """Compliance by region, declarations by state, review timeliness — for a bureau or authority."""
    result = Overview(year=year)
    regions: dict[int, RegionFigures] = {}
    rows = credit_selectors.compliance_by_unit(actor, year)
    names = Region.objects.in_bulk({row.unit.region_id for row in rows})
    for row in rows:
        figures = regions.setdefault(row.unit.region_id, RegionFigures(name=names[row.unit.region_id].name))
        figures.members += row.members
        figures.compliant += row.compliant
    result.regions = sorted(regions.values(), key=lambda r: (-r.members, r.name))
    result.members = sum(r.members for r in result.regions)
    result.compliant = sum(r.compliant for r in result.regions)
    counts = dict(
        credit_selectors.declarations(actor, year=year)
        .order_by()
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    result.states = [
        (value, label, counts.get(value, 0)) for value, label in DeclarationState.choices if value != "draft"
    ]
    result.overdue_reviews = credit_selectors.overdue_reviews(actor).count()
    timeliness = credit_selectors.review_timeliness(actor, year)
    result.decided = sum(t.decided for t in timeliness)
    result.on_time = sum(t.on_time for t in timeliness)
    return result
