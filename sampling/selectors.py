"""Reading audit samples through the actor's scope.

    candidates(actor, year) · candidate_rows(qs) · samples(actor, year=None) · sample_for(actor, id)
    sample_items(sample, outcome=None) · rates_of(sample or rows)

An authority sees the samples it drew; a bureau those drawn by itself and by the authorities
and bureaus of its region (a county bureau's are visible to the city bureau). Anything else is
NotFound, whatever its id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from core.actors import Actor, Role
from core.errors import Forbidden, NotFound
from credits.models import DeclarationState, IntegrityFlag, RecordState
from credits.selectors import declarations_in_scope
from organisations.models import Organisation
from organisations.selectors import organisations_in_scope
from sampling.models import AuditSample, SampledDeclaration

DRAWERS = (Role.AUTHORITY, Role.BUREAU)
Outcome = SampledDeclaration.Outcome


def _require_drawer(actor: Actor) -> None:
    if not actor.is_role(*DRAWERS) or actor.organisation is None:
        raise Forbidden(_("只有行业主管部门和人社局可以开展学时抽查。"))


@dataclass(frozen=True)
class Candidate:
    declaration_id: int
    person_id: int
    unit_id: int | None
    method: str
    hours: Decimal
    flagged: bool


def candidates(actor: Actor, year: int) -> QuerySet:
    """Approved declarations of `year` in the actor's scope whose hours count now, in id order
    (the order the seed is applied in), as rows of Candidate's fields: whether the person has
    an open or upheld integrity flag of that year comes with each. One waiting in another
    sample is left out: its person is already bringing the originals. `candidate_rows` reads
    them in chunks."""
    _require_drawer(actor)
    flagged = IntegrityFlag.objects.filter(
        person_id=OuterRef("person_id"),
        year=year,
        state__in=[IntegrityFlag.State.OPEN, IntegrityFlag.State.UPHELD],
    )
    waiting = SampledDeclaration.objects.filter(declaration_id=OuterRef("pk"), outcome=Outcome.PENDING)
    return (
        declarations_in_scope(actor)
        .filter(year=year, state=DeclarationState.APPROVED, hour_record__state=RecordState.CREDITED)
        .exclude(Exists(waiting))
        .annotate(flagged=Exists(flagged))
        .order_by("pk")
        .values_list("pk", "person_id", "unit_id", "method", "hours", "flagged")
    )


def candidate_rows(qs: QuerySet) -> Iterator[Candidate]:
    """A region's year can hold millions of declarations: stream them, never hold them."""
    return (Candidate(*row) for row in qs.iterator(chunk_size=5000))


def _drawer_ids(actor: Actor) -> QuerySet[Organisation]:
    if actor.is_role(Role.BUREAU):
        return organisations_in_scope(actor).filter(
            kind__in=[Organisation.Kind.AUTHORITY, Organisation.Kind.BUREAU]
        )
    return Organisation.objects.filter(pk=actor.organisation.pk)


def _counted(qs: QuerySet[AuditSample]) -> QuerySet[AuditSample]:
    return qs.annotate(
        sampled=Count("items"),
        confirmed=Count("items", filter=Q(items__outcome=Outcome.CONFIRMED)),
        revoked=Count("items", filter=Q(items__outcome=Outcome.REVOKED)),
        pending=Count("items", filter=Q(items__outcome=Outcome.PENDING)),
    )


def samples(actor: Actor, year: int | None = None) -> QuerySet[AuditSample]:
    """The samples the actor may see, newest first, annotated with sampled, confirmed, revoked
    and pending."""
    _require_drawer(actor)
    qs = AuditSample.objects.filter(organisation__in=_drawer_ids(actor)).select_related(
        "organisation", "drawn_by"
    )
    if year:
        qs = qs.filter(year=year)
    return _counted(qs).order_by("-drawn_at", "-id")


def sample_for(actor: Actor, sample_id: int) -> AuditSample:
    sample = samples(actor).filter(pk=sample_id).first()
    if sample is None:
        raise NotFound()
    return sample


def may_decide(actor: Actor, sample: AuditSample) -> bool:
    """Only the organisation that drew a sample records its outcomes."""
    return actor.organisation is not None and sample.organisation_id == actor.organisation.pk


def sample_items(sample: AuditSample, outcome: str | None = None) -> QuerySet[SampledDeclaration]:
    qs = SampledDeclaration.objects.filter(sample=sample).select_related(
        "declaration", "declaration__person", "declaration__unit", "decided_by"
    )
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs.order_by("rank")


@dataclass(frozen=True)
class Rates:
    sampled: int
    confirmed: int
    revoked: int
    pending: int

    @property
    def decided(self) -> int:
        return self.confirmed + self.revoked

    @property
    def revocation_rate(self) -> float | None:
        """Revoked among those decided (None until one is decided): pending ones are not yet
        known to be either."""
        return round(self.revoked / self.decided, 4) if self.decided else None


def rates_of(rows) -> Rates:
    """The figures of one counted sample, or the sum over several."""
    rows = [rows] if isinstance(rows, AuditSample) else list(rows)
    return Rates(
        sampled=sum(r.sampled for r in rows),
        confirmed=sum(r.confirmed for r in rows),
        revoked=sum(r.revoked for r in rows),
        pending=sum(r.pending for r in rows),
    )
