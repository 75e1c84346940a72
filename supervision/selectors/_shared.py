"""What the statistics share: the completion figures per unit and title series (read by the
completion statistic and the units' standing) and who files plans in a scope (read by the
filings and plans statistics)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from core.actors import Role
from core.replica import reporting_alias
from organisations.models import Organisation
from organisations.selectors import organisations_in_scope
from supervision import tally
from supervision.models import MemberTally, StandingTally
from supervision.selectors.scoping import Scope

ZERO = Decimal(0)
# What `unit_profession_figures` sums: the member counts and the standing rows' figures.
FIGURES = ("registered", "confirmed", *tally.STANDING_SUMS)


def unit_profession_figures(s: Scope, year: int) -> dict[tuple[int, int], dict]:
    """(unit, title series) → the completion figures, from the member and standing rows."""
    alias = reporting_alias()
    figures: dict[tuple[int, int], dict] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for unit_id, profession_id, registered, confirmed in (
        MemberTally.objects.using(alias)
        .filter(unit__in=s.units)
        .values_list("unit_id", "profession_id")
        .annotate(Sum("registered"), Sum("confirmed"))
        .order_by()
    ):
        row = figures[(unit_id, profession_id)]
        row["registered"] += registered
        row["confirmed"] += confirmed
    sums = [Sum(name) for name in tally.STANDING_SUMS]
    for unit_id, profession_id, *values in (
        StandingTally.objects.using(alias)
        .filter(year=year, unit__in=s.units)
        .values_list("unit_id", "profession_id")
        .annotate(*sums)
        .order_by()
    ):
        row = figures[(unit_id, profession_id)]
        for name, value in zip(tally.STANDING_SUMS, values, strict=True):
            row[name] += value or 0
    reqs = tally.requirements(year)
    for (_unit, profession_id), row in figures.items():
        req = reqs.get(profession_id)
        if req is None:
            continue
        nothing = tally.standing(ZERO, ZERO, req)
        for name, value in zip(tally.STANDING, nothing, strict=True):
            row[name] += row["confirmed"] * value
    return figures


def filers_in(s: Scope) -> QuerySet[Organisation]:
    """Who files in the scope: its units, and for a bureau or authority the bases of its scope."""
    alias = reporting_alias()
    filers = Q(pk__in=s.units.values("pk"))
    if not s.actor.is_role(Role.UNIT) and s.unit is None:
        bases = organisations_in_scope(s.actor).filter(kind=Organisation.Kind.BASE)
        if s.region is not None:
            bases = bases.filter(region_id__in=s.region.descendant_ids())
        if s.authority is not None:
            bases = bases.filter(supervisor_id=s.authority.pk)
        filers |= Q(pk__in=bases.values("pk"))
    return Organisation.objects.using(alias).filter(filers, is_active=True)
