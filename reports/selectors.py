"""Reads of reports, always through the actor's scope (credits selectors): the bureau's
overview, the rows of the compliance export, the actor's export jobs, and the one public read,
the verification of an issued record by its code (masked figures only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from core.actors import Actor
from core.errors import NotFound
from core.replica import reporting_alias
from credits import selectors as credit_selectors
from credits.models import DeclarationState
from organisations.models import Region
from reports.models import ExportJob, IssuedRecord
from supervision import selectors as supervision_selectors


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
    """Compliance by region (from the statistics' summary rows), declarations by state, review
    timeliness — for a bureau or authority (the counts on the reporting database, core.replica)."""
    alias = reporting_alias()
    result = Overview(year=year)
    regions: dict[int, RegionFigures] = {}
    rows = supervision_selectors.standing_by_unit(actor, year)
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
        .using(alias)
        .order_by()
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    result.states = [
        (value, label, counts.get(value, 0)) for value, label in DeclarationState.choices if value != "draft"
    ]
    result.overdue_reviews = credit_selectors.overdue_reviews(actor).using(alias).count()
    timeliness = credit_selectors.review_timeliness(actor, year)
    result.decided = sum(t.decided for t in timeliness)
    result.on_time = sum(t.on_time for t in timeliness)
    return result


@dataclass(frozen=True)
class CategoryCompletion:
    """Of the confirmed staff in scope, how many met each figure of the year's requirement."""

    year: int
    members: int
    public: int
    professional: int
    total: int
    compliant: int


def completion_by_category(actor: Actor, year: int) -> CategoryCompletion:
    """From the statistics' summary rows (supervision.selectors.standing_by_unit): of the
    confirmed staff counted by `credits.selectors.staff_compliance`, how many met public,
    professional, the total, all three."""
    rows = supervision_selectors.standing_by_unit(actor, year)
    members = sum(r.members for r in rows)
    return CategoryCompletion(
        year=year,
        members=members,
        public=members - sum(r.short_public for r in rows),
        professional=members - sum(r.short_professional for r in rows),
        total=members - sum(r.short_total for r in rows),
        compliant=sum(r.compliant for r in rows),
    )


# ---------------------------------------------------------------------------------------------
# compliance export


def compliance_rows(actor: Actor, params: dict, using: str | None = None) -> QuerySet:
    """The staff compliance rows of the export, filtered as on the page: year, unit, only those
    short, a name (or exact account name) search, read on the `using` alias. Outside the
    scope → NotFound."""
    filters = credit_selectors.ComplianceFilter(
        year=params["year"],
        unit_id=params.get("unit_id") or None,
        only_short=bool(params.get("only_short")),
        q=(params.get("q") or "").strip(),
    )
    return credit_selectors.filtered_staff_compliance(actor, filters, using=using)


def export_jobs(actor: Actor) -> QuerySet[ExportJob]:
    """The actor's own jobs, asked in the role and organisation they act in now: nobody else
    sees them (not a colleague of the same unit, not the same user in another role)."""
    if actor is None or actor.user is None:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(
        created_by_id=actor.user.pk,
        actor_role=actor.role,
        organisation_id=actor.organisation.pk if actor.organisation else None,
    ).select_related("organisation")


def export_job_for(actor: Actor, job_id: int) -> ExportJob:
    job = export_jobs(actor).filter(pk=job_id).first()
    if job is None:
        raise NotFound()
    return job


# ---------------------------------------------------------------------------------------------
# verification of an issued record (public)


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def issued_record(code: str) -> IssuedRecord:
    """Public: the issued record with this code (dashes, spaces and case ignored), or NotFound.
    Its `figures` hold the masked name and the hours printed; nothing identifies the person further."""
    code = normalise_code(code)
    found = IssuedRecord.objects.filter(code=code).first() if len(code) == 12 else None
    if found is None:
        raise NotFound("核验码不存在。")
    return found
