"""Whether a person met the year's requirement, and what they are still short of.

The notice: a person is compliant when public ≥ required public AND professional ≥ required
professional AND total ≥ required total. Surplus public hours never stand in for professional
ones, so the hours still needed are the larger of the total's gap and the two categories' gaps
added up.

The rule in Python (`shortfall`, `is_compliant`) and in SQL (`compliant_q`, `short_q`, over the
rows `credits.selectors.staff_compliance` annotates) sit side by side so that they cannot drift
apart: the progress card, the compliance list, its export, the reminders, the forecast and the
statistics' summary rows all ask this module.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from django.db.models import F, Q
from django.utils.translation import gettext_lazy

from core.hours import format_hours

ZERO = Decimal(0)

PUBLIC, PROFESSIONAL, TOTAL = "public", "professional", "total"
_MISSING_WORDS = {
    PUBLIC: gettext_lazy("公需科目 %(h)s 学时"),
    PROFESSIONAL: gettext_lazy("专业科目 %(h)s 学时"),
    TOTAL: gettext_lazy("总学时 %(h)s 学时"),
}
_GAP_WORDS = {
    PUBLIC: gettext_lazy("公需差 %(h)s"),
    PROFESSIONAL: gettext_lazy("专业差 %(h)s"),
    TOTAL: gettext_lazy("总学时差 %(h)s"),
}


def _decimal(value) -> Decimal:
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


class Shortfall(NamedTuple):
    """The hours missing of each figure of the requirement (0 where it is met). A named tuple:
    the statistics build two for each person of a platform push while the people's summary
    rows are locked, and a frozen dataclass takes three times as long to make."""

    public: Decimal
    professional: Decimal
    total: Decimal

    @property
    def compliant(self) -> bool:
        return not (self.public or self.professional or self.total)

    @property
    def still_needed(self) -> Decimal:
        return max(self.total, self.public + self.professional)

    def missing(self) -> list[tuple[str, Decimal]]:
        """What to name when telling a person what they miss: each category short of its
        figure, or the total alone when both categories are met."""
        parts = [
            (name, hours)
            for name, hours in ((PUBLIC, self.public), (PROFESSIONAL, self.professional))
            if hours
        ]
        return parts or ([(TOTAL, self.total)] if self.total else [])

    def in_words(self) -> str:
        """'公需科目 6 学时、专业科目 20 学时', as the reminders and the printed record say it."""
        return "、".join(
            str(_MISSING_WORDS[name]) % {"h": format_hours(hours)} for name, hours in self.missing()
        )

    def in_short(self) -> str:
        """'公需差 6，专业差 20', as the compliance list says it beside a name."""
        return "，".join(str(_GAP_WORDS[name]) % {"h": format_hours(hours)} for name, hours in self.missing())


def shortfall(public, professional, required_public, required_professional, required_total) -> Shortfall:
    """max(0, required − earned) per figure; the total earned is public + professional."""
    public, professional = _decimal(public), _decimal(professional)
    return Shortfall(
        public=max(ZERO, _decimal(required_public) - public),
        professional=max(ZERO, _decimal(required_professional) - professional),
        total=max(ZERO, _decimal(required_total) - public - professional),
    )


def shortfall_of_row(row) -> Shortfall:
    """The shortfall of a `staff_compliance` row (public, professional, req_*)."""
    return shortfall(row.public, row.professional, row.req_public, row.req_professional, row.req_total)


def is_compliant(public, professional, required_public, required_professional, required_total) -> bool:
    return shortfall(public, professional, required_public, required_professional, required_total).compliant


def compliant_q() -> Q:
    """The rule over rows annotated with public, professional, total and req_public,
    req_professional, req_total."""
    return (
        Q(public__gte=F("req_public"))
        & Q(professional__gte=F("req_professional"))
        & Q(total__gte=F("req_total"))
    )


def short_q() -> Q:
    """The rows that miss any of the three figures (the negation of `compliant_q`)."""
    return (
        Q(public__lt=F("req_public"))
        | Q(professional__lt=F("req_professional"))
        | Q(total__lt=F("req_total"))
    )
