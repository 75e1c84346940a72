"""The check before a title application (职称申报前的核验)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accounts.models import Person
from core.actors import Actor
from core.errors import Invalid
from credits.models import Declaration, DeclarationState
from credits.selectors.declarations import OPEN_STATES
from credits.selectors.progress import Progress, person_in_scope, progress_of
from policy import selectors as policy_selectors


@dataclass
class TitleReadiness:
    person: Person
    on_date: dt.date
    year: int
    unfinished: list[Declaration] = field(default_factory=list)
    drafts: list[Declaration] = field(default_factory=list)
    years: list[Progress] = field(default_factory=list)

    @property
    def reviews_finished(self) -> bool:
        return not self.unfinished

    @property
    def requirements_met(self) -> bool:
        return all(p.compliant for p in self.years)

    @property
    def ready(self) -> bool:
        return self.reviews_finished and self.requirements_met


def title_readiness(
    actor: Actor, person_id: int, on_date: dt.date | None = None, years: list[int] | None = None
) -> TitleReadiness:
    """The check before a title application: has every declaration of the year of `on_date`
    finished review (none waiting at a level or returned for correction), and was each year
    in `years` (default: that year) compliant? Drafts never submitted are listed, not blocking."""
    person = person_in_scope(actor, person_id)
    on_date = on_date or policy_selectors.today()
    years = sorted(set(years or [on_date.year]))
    if len(years) > 10:
        raise Invalid.field("years", _("年度：最多同时核验 10 个年度。"))
    own = Declaration.objects.filter(person=person, year=on_date.year).order_by("created_at", "id")
    return TitleReadiness(
        person=person,
        on_date=on_date,
        year=on_date.year,
        unfinished=list(own.filter(state__in=[*OPEN_STATES, DeclarationState.RETURNED])),
        drafts=list(own.filter(state=DeclarationState.DRAFT)),
        years=[progress_of(person, y) for y in years],
    )
