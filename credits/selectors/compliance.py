"""Compliance of staff: who is short of what, per person and per unit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import Membership
from core.actors import Actor, Role
from core.errors import Forbidden, Invalid, NotFound
from credits.models import YearSummary
from credits.rules.compliance import compliant_q, short_q
from credits.selectors._shared import QueryReader, current_year
from organisations.models import Organisation
from organisations.selectors import units_in_scope
from policy.models import Requirement
from policy.years import policy_year

ZERO = Decimal(0)


def year_requirements(year: int) -> tuple[list[Requirement], Requirement]:
    """The year's requirements and the default one; DomainError when the year has none (the
    current year exists from 1 January: its first use carries it forward)."""
    policy_year(year)
    rows = list(Requirement.objects.filter(policy_year_id=year).select_related("profile"))
    default = next((r for r in rows if r.profile.is_default), None)
    if default is None:
        raise Invalid.field("year", _("年度：%(year)s 年度学时要求尚未设置。") % {"year": year})
    return rows, default


def _requirement_case(year: int, attr: str) -> Case:
    rows, default = year_requirements(year)
    out = DecimalField(max_digits=7, decimal_places=1)
    return Case(
        *[When(person__profession__profile_id=r.profile_id, then=Value(getattr(r, attr))) for r in rows],
        default=Value(getattr(default, attr)),
        output_field=out,
    )


def staff_compliance(
    actor: Actor,
    year: int | None = None,
    unit_id: int | None = None,
    only_short: bool = False,
    using: str | None = None,
) -> QuerySet[Membership]:
    """Confirmed members of the units in the actor's scope (a unit: its own; an authority: its
    units; a bureau: its region), one row (a Membership, `.person`, `.unit`) each, annotated
    with public, professional, total, pending, req_public, req_professional, req_total and
    compliant. `only_short` keeps those who miss any of the three figures. `using`: the
    database alias the rows are read from (listings and exports pass
    `core.replica.reporting_alias()`); the scope checks read the primary."""
    if not actor.is_role(Role.UNIT, Role.AUTHORITY, Role.BUREAU):
        raise Forbidden(_("当前身份无权查看单位人员学时情况。"))
    year = year or current_year()
    units = units_in_scope(actor)
    if unit_id:
        units = units.filter(pk=unit_id)
        if not units.exists():
            raise NotFound()
    out = DecimalField(max_digits=7, decimal_places=1)
    summary = YearSummary.objects.filter(person_id=OuterRef("person_id"), year=year)

    def summed(name: str):
        return Coalesce(Subquery(summary.values(name)[:1]), Value(ZERO), output_field=out)

    qs = (
        Membership.objects.using(using)
        .filter(state=Membership.State.CONFIRMED, unit__in=units)
        .select_related("person", "person__profession", "unit")
        .annotate(
            public=summed("public_hours"),
            professional=summed("professional_hours"),
            pending=summed("pending_hours"),
            req_public=_requirement_case(year, "public_hours"),
            req_professional=_requirement_case(year, "professional_hours"),
            req_total=_requirement_case(year, "total_hours"),
        )
        .annotate(total=ExpressionWrapper(F("public") + F("professional"), output_field=out))
        .annotate(compliant=ExpressionWrapper(compliant_q(), output_field=BooleanField()))
    )
    if only_short:
        qs = qs.filter(short_q())
    return qs.order_by("unit__name", "person__name_sort", "person_id")


@dataclass(frozen=True)
class ComplianceFilter:
    """What narrows the staff-compliance list: the page's filter bar, its export, the API."""

    year: int | None = None
    unit_id: int | None = None
    only_short: bool = False
    q: str = ""  # a name (part of it) or an exact account name

    @classmethod
    def from_query(cls, params: Mapping) -> ComplianceFilter:
        """The page's filter bar: `year`, `unit`, `short` and `q`. A value the bar does not offer
        gives the default, and the year is always one the page can show (this year when none or
        one outside 2000–2100 is asked)."""
        read = QueryReader(params)
        year = read.integer("year")
        return cls(
            year=year if year and 2000 <= year <= 2100 else current_year(),
            unit_id=read.integer("unit") or None,
            only_short=read.flag("short"),
            q=read.text("q"),
        )


def filtered_staff_compliance(
    actor: Actor, filters: ComplianceFilter, using: str | None = None
) -> QuerySet[Membership]:
    """`staff_compliance` narrowed by `filters`, its name search included."""
    qs = staff_compliance(
        actor, filters.year, unit_id=filters.unit_id, only_short=filters.only_short, using=using
    )
    if filters.q:
        qs = qs.filter(Q(person__name__icontains=filters.q) | Q(person__user__username=filters.q))
    return qs


@dataclass
class UnitCompliance:
    unit: Organisation
    members: int
    compliant: int

    @property
    def short(self) -> int:
        return self.members - self.compliant


def compliance_by_unit(
    actor: Actor, year: int | None = None, using: str | None = None
) -> list[UnitCompliance]:
    """Per unit in scope: confirmed members and how many met the year's requirement (counted
    on the `using` alias, as `staff_compliance`)."""
    rows = (
        staff_compliance(actor, year, using=using)
        .order_by()
        .values("unit_id")
        .annotate(members=Count("id"), met=Count("id", filter=Q(compliant=True)))
    )
    counts = {r["unit_id"]: r for r in rows}
    units = units_in_scope(actor).order_by("name")
    return [
        UnitCompliance(
            unit=u,
            members=counts.get(u.pk, {}).get("members", 0),
            compliant=counts.get(u.pk, {}).get("met", 0),
        )
        for u in units
    ]
