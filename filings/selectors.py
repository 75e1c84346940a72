"""Reading filings: what is accepted, and what an actor may see (always scoped)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from core import crypto
from core.actors import Actor, Role
from core.errors import NotFound
from filings.models import (
    AttendanceUpload,
    FilingException,
    FilingState,
    PlanItem,
    PlatformCredential,
    PlatformFiling,
    TrainingPlan,
)
from organisations.models import Organisation
from organisations.selectors import organisations_in_scope
from policy.models import PolicyYear

STAFF_ROLES = (Role.UNIT, Role.BASE, Role.AUTHORITY, Role.BUREAU)
FILED_STATES = (FilingState.PENDING_OPINION, FilingState.SUBMITTED, FilingState.ACCEPTED)


# ---------------------------------------------------------------------------------------------
# public reads used by other apps (credits, web): not scoped, they answer about accepted filings


def accepted_platform_filings(year: int) -> QuerySet[PlatformFiling]:
    """The learning entrance (学习入口): platforms whose filing for `year` is accepted."""
    return PlatformFiling.objects.filter(year=year, state=FilingState.ACCEPTED).order_by("site_name")


def credential_for_token(token: str) -> PlatformCredential | None:
    """The live credential a platform pushes with (revoked ones no longer authenticate)."""
    return (
        PlatformCredential.objects.select_related("platform", "filing")
        .filter(key_hash=crypto.token_hash(token), revoked_at__isnull=True)
        .first()
    )


def recognised_plan_item(plan_item_id: int | None) -> PlanItem | None:
    """The plan item if its plan is accepted (备案); training outside one is not recognised."""
    if not plan_item_id:
        return None
    return (
        PlanItem.objects.select_related("plan", "plan__filer")
        .filter(pk=plan_item_id, plan__state=FilingState.ACCEPTED)
        .first()
    )


def platform_offers(platform_id: int, year: int, category: str) -> bool:
    """Whether the platform has an accepted filing for `year` that covers `category`."""
    field = "offers_public" if category == "public" else "offers_professional"
    return PlatformFiling.objects.filter(
        platform_id=platform_id, year=year, state=FilingState.ACCEPTED, **{field: True}
    ).exists()


def accepted_plan_items(year: int | None = None, q: str = "") -> QuerySet[PlanItem]:
    """Classes of accepted plans, for a person to name when declaring training."""
    qs = PlanItem.objects.filter(plan__state=FilingState.ACCEPTED).select_related("plan__filer")
    if year:
        qs = qs.filter(plan__year=year)
    if q:
        qs = qs.filter(Q(project__icontains=q) | Q(plan__filer__name__icontains=q))
    return qs.order_by("-plan__year", "plan__filer__name", "seq")


# ---------------------------------------------------------------------------------------------
# scoped reads


def _scope(actor: Actor) -> QuerySet[Organisation]:
    if not actor.is_role(*STAFF_ROLES) or actor.organisation is None:
        return Organisation.objects.none()
    return organisations_in_scope(actor)


def plans_in_scope(actor: Actor) -> QuerySet[TrainingPlan]:
    """A filer its own plans; an authority those of the organisations it supervises and its
    own; a bureau those of its region."""
    return TrainingPlan.objects.filter(filer__in=_scope(actor)).select_related("filer")


def platform_filings_in_scope(actor: Actor) -> QuerySet[PlatformFiling]:
    return PlatformFiling.objects.filter(filer__in=_scope(actor)).select_related("filer", "platform")


def get_plan(actor: Actor, plan_id: int) -> TrainingPlan:
    plan = (
        plans_in_scope(actor).select_related("opinion_authority", "late_exception").filter(pk=plan_id).first()
    )
    if plan is None:
        raise NotFound()
    return plan


def get_platform_filing(actor: Actor, filing_id: int) -> PlatformFiling:
    filing = (
        platform_filings_in_scope(actor)
        .select_related("opinion_authority", "late_exception")
        .filter(pk=filing_id)
        .first()
    )
    if filing is None:
        raise NotFound()
    return filing


def get_filing(actor: Actor, kind: str, filing_id: int):
    if kind == "plan":
        return get_plan(actor, filing_id)
    if kind == "platform":
        return get_platform_filing(actor, filing_id)
    raise NotFound()


def get_plan_item(actor: Actor, item_id: int) -> PlanItem:
    item = (
        PlanItem.objects.select_related("plan", "plan__filer")
        .filter(pk=item_id, plan__filer__in=_scope(actor))
        .first()
    )
    if item is None:
        raise NotFound()
    return item


def credentials_of(actor: Actor, filing_id: int) -> QuerySet[PlatformCredential]:
    filing = get_platform_filing(actor, filing_id)
    return filing.credentials.order_by("-created_at", "-id")


def get_credential(actor: Actor, credential_id: int) -> PlatformCredential:
    credential = (
        PlatformCredential.objects.select_related("filing")
        .filter(pk=credential_id, filing__filer__in=_scope(actor))
        .first()
    )
    if credential is None:
        raise NotFound()
    return credential


def attendance_uploads(actor: Actor, item_id: int) -> QuerySet[AttendanceUpload]:
    item = get_plan_item(actor, item_id)
    return item.attendance_uploads.select_related("uploaded_by")


def _filter(qs, state: str = "", year: int | None = None, q: str = ""):
    if state:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(filer__name__icontains=q)
    return qs


@dataclass(frozen=True)
class InboxRow:
    kind: str  # "plan" | "platform"
    filing: TrainingPlan | PlatformFiling

    @property
    def title(self) -> str:
        if self.kind == "plan":
            return f"{self.filing.year}年度培训计划"
        return self.filing.site_name


def inbox(
    actor: Actor, kind: str = "", state: str = "", year: int | None = None, q: str = ""
) -> list[InboxRow]:
    """The filings waiting for (or decided by) the actor: the bureau's region, an authority's
    supervised organisations. Default state: what waits for this actor."""
    if not actor.is_role(Role.BUREAU, Role.AUTHORITY):
        return []
    if not state:
        state = FilingState.SUBMITTED if actor.is_role(Role.BUREAU) else FilingState.PENDING_OPINION
    if state == "all":
        state = ""
    rows: list[InboxRow] = []
    if kind in ("", "plan"):
        plans = _filter(plans_in_scope(actor).exclude(state=FilingState.DRAFT), state, year, q)
        rows += [InboxRow("plan", p) for p in plans]
    if kind in ("", "platform"):
        filings = _filter(platform_filings_in_scope(actor).exclude(state=FilingState.DRAFT), state, year, q)
        rows += [InboxRow("platform", f) for f in filings]
    rows.sort(key=lambda r: (r.filing.submitted_at, r.kind, r.filing.pk))
    return rows


def exceptions_in_scope(actor: Actor, year: int | None = None) -> QuerySet[FilingException]:
    qs = FilingException.objects.filter(organisation__in=_scope(actor)).select_related(
        "organisation", "granted_by"
    )
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-granted_at", "-id")


@dataclass
class LateAndMissing:
    year: int
    deadline: dt.date | None
    late: list  # filings submitted after the deadline under an exception
    exceptions: list
    missing: list  # units and bases with no submitted or accepted plan


def late_and_missing(actor: Actor, year: int) -> LateAndMissing:
    """For the bureau: who filed late (under an exception) and which units and bases of its
    region have no submitted or accepted plan for `year`."""
    policy = PolicyYear.objects.filter(year=year).first()
    scope = _scope(actor) if actor.is_role(Role.BUREAU) else Organisation.objects.none()
    late = [
        InboxRow("plan", p)
        for p in TrainingPlan.objects.filter(filer__in=scope, year=year, late_exception__isnull=False)
        .select_related("filer", "late_exception")
        .order_by("submitted_at")
    ] + [
        InboxRow("platform", f)
        for f in PlatformFiling.objects.filter(filer__in=scope, year=year, late_exception__isnull=False)
        .select_related("filer", "late_exception")
        .order_by("submitted_at")
    ]
    filed = TrainingPlan.objects.filter(year=year, state__in=FILED_STATES).values("filer_id")
    missing = (
        scope.filter(kind__in=[Organisation.Kind.UNIT, Organisation.Kind.BASE], is_active=True)
        .exclude(pk__in=filed)
        .select_related("region", "supervisor")
        .order_by("kind", "region__code", "name")
    )
    return LateAndMissing(
        year=year,
        deadline=policy.plan_filing_deadline if policy else None,
        late=late,
        exceptions=list(exceptions_in_scope(actor, year)) if actor.is_role(Role.BUREAU) else [],
        missing=list(missing),
    )
