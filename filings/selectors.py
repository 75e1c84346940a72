"""Reading filings: what is accepted, and what an actor may see (always scoped)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import CharField, Q, QuerySet, Value

from core import crypto
from core.actors import Actor, Role
from core.errors import NotFound
from filings import rules
from filings.models import (
    FilingException,
    FilingState,
    ImportJob,
    PlanItem,
    PlatformCredential,
    PlatformFiling,
    TrainingPlan,
)
from organisations.models import Organisation, Region
from organisations.selectors import organisations_in_scope
from policy.years import policy_year

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


def declarable_plan_items(
    year: int | None = None, q: str = "", include_filed: bool = False
) -> QuerySet[PlanItem]:
    """Classes a person may name when declaring training: those of accepted plans; with
    `include_filed` also those of plans submitted and not yet accepted (their training is
    declared as not recognised and enters review when the plan is accepted)."""
    states = FILED_STATES if include_filed else (FilingState.ACCEPTED,)
    qs = PlanItem.objects.filter(plan__state__in=states).select_related("plan__filer")
    if year:
        qs = qs.filter(plan__year=year)
    if q:
        qs = qs.filter(Q(project__icontains=q) | Q(plan__filer__name__icontains=q))
    return qs.order_by("-plan__year", "plan__filer__name", "seq")


# ---------------------------------------------------------------------------------------------
# who decides (the bureau a filing is filed with: filings.rules.bureau_for)


def _deciding_level(actor: Actor) -> str | None:
    """The region level of a bureau actor that decides on filings (city or province); None for
    every other actor, county bureaus included (they only read)."""
    if not actor.is_role(Role.BUREAU) or actor.organisation is None:
        return None
    level = actor.organisation.region.level
    return level if level in (Region.Level.CITY, Region.Level.PROVINCE) else None


def may_decide(actor: Actor, filing) -> bool:
    """Whether the actor accepts, returns and manages the keys of `filing` (one it can see):
    the bureau the filing is addressed to, or the province bureau over the filer or that bureau.
    County bureaus read their region's filings and decide nothing."""
    level = _deciding_level(actor)
    if level is None:
        return False
    bureau_id = filing.bureau_id
    if bureau_id is None:  # a row made before filings were addressed
        bureau = rules.bureau_for(filing.filer)
        bureau_id = bureau.pk if bureau else None
    if bureau_id == actor.organisation.pk:
        return True
    if level == Region.Level.PROVINCE:
        regions = actor.organisation.region.descendant_ids()
        if filing.filer.region_id in regions:
            return True
        return Organisation.objects.filter(pk=bureau_id, region_id__in=regions).exists()
    return False


def filers_of(actor: Actor) -> QuerySet[Organisation]:
    """Organisations whose filings (and late-filing exceptions) the bureau actor deals with: its
    region and below, and — for the home city bureau — the organisations above city level that
    file with it (the provincial bases)."""
    if not actor.is_role(Role.BUREAU) or actor.organisation is None:
        return Organisation.objects.none()
    bureau = actor.organisation
    q = Q(region_id__in=bureau.region.descendant_ids())
    if bureau.region.level == Region.Level.CITY:
        home = rules.home_bureau()
        if home is not None and home.pk == bureau.pk:
            q |= Q(region__level=Region.Level.PROVINCE)
    return Organisation.objects.filter(q)


def may_grant_exception(actor: Actor, organisation: Organisation) -> bool:
    """逾期备案特批 is the deciding bureau's: the bureau the organisation files with, or the
    province bureau over it."""
    level = _deciding_level(actor)
    if level == Region.Level.PROVINCE:
        return organisation.region_id in actor.organisation.region.descendant_ids()
    if level == Region.Level.CITY:
        bureau = rules.bureau_for(organisation)
        return bureau is not None and bureau.pk == actor.organisation.pk
    return False


def may_grant_exceptions(actor: Actor) -> bool:
    """Whether the actor is a bureau that grants exceptions at all (county bureaus only read)."""
    return _deciding_level(actor) is not None


# ---------------------------------------------------------------------------------------------
# scoped reads


def _scope(actor: Actor) -> QuerySet[Organisation]:
    if not actor.is_role(*STAFF_ROLES) or actor.organisation is None:
        return Organisation.objects.none()
    return organisations_in_scope(actor)


def filing_scope(actor: Actor, prefix: str = "") -> Q:
    """The filings an actor may read: those of the organisations in its scope (a filer its own,
    an authority its supervised organisations' and its own, a bureau its region's) and, for a
    bureau, those addressed to it (the provincial bases' filings reach the home city bureau)."""
    q = Q(**{f"{prefix}filer__in": _scope(actor)})
    if actor.is_role(Role.BUREAU) and actor.organisation is not None:
        q |= Q(**{f"{prefix}bureau": actor.organisation})
    return q


def plans_in_scope(actor: Actor) -> QuerySet[TrainingPlan]:
    """A filer its own plans; an authority those of the organisations it supervises and its
    own; a bureau those of its region and those filed with it."""
    return TrainingPlan.objects.filter(filing_scope(actor)).select_related("filer", "bureau")


def platform_filings_in_scope(actor: Actor) -> QuerySet[PlatformFiling]:
    return PlatformFiling.objects.filter(filing_scope(actor)).select_related("filer", "bureau", "platform")


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
        .filter(filing_scope(actor, "plan__"), pk=item_id)
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
        PlatformCredential.objects.select_related("filing", "filing__filer")
        .filter(filing_scope(actor, "filing__"), pk=credential_id)
        .first()
    )
    if credential is None:
        raise NotFound()
    return credential


@dataclass(frozen=True)
class FilingFilter:
    """The filters of the plan and platform-filing lists (pages and API alike)."""

    year: int | None = None
    state: str = ""


def plans(actor: Actor, filters: FilingFilter = FilingFilter()) -> QuerySet[TrainingPlan]:
    """The plans in the actor's scope that pass `filters`, newest year first, with their rows."""
    return _filtered(plans_in_scope(actor), filters).prefetch_related("items").order_by("-year", "-id")


def platform_filings(actor: Actor, filters: FilingFilter = FilingFilter()) -> QuerySet[PlatformFiling]:
    """The platform filings in the actor's scope that pass `filters`, newest year first."""
    return _filtered(platform_filings_in_scope(actor), filters).order_by("-year", "-id")


def _filtered(qs, filters: FilingFilter):
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.state:
        qs = qs.filter(state=filters.state)
    return qs


@dataclass(frozen=True)
class InboxFilter:
    """The filters of the inbox: kind ("", plan, platform), state ("" = what waits for the
    actor, "all", or a FilingState), year, and part of the filer's name."""

    kind: str = ""
    state: str = ""
    year: int | None = None
    q: str = ""


def _inbox_filtered(qs, state: str, filters: InboxFilter):
    if state:
        qs = qs.filter(state=state)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q:
        qs = qs.filter(filer__name__icontains=filters.q)
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


class Inbox:
    """Inbox rows paginated in the database: `count()` counts, a slice reads one page of
    (submitted_at, kind, id) keys from a UNION of the two filings and then only those filings.
    Behaves as a sequence for `django.core.paginator.Paginator`."""

    def __init__(self, plans: QuerySet | None = None, platforms: QuerySet | None = None):
        self.querysets = {
            kind: qs for kind, qs in (("plan", plans), ("platform", platforms)) if qs is not None
        }

    def count(self) -> int:
        return sum(qs.count() for qs in self.querysets.values())

    def __len__(self) -> int:
        return self.count()

    def _keys(self) -> QuerySet:
        parts = [
            qs.order_by()
            .annotate(kind=Value(kind, output_field=CharField()))
            .values_list("submitted_at", "kind", "id")
            for kind, qs in self.querysets.items()
        ]
        keys = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        return keys.order_by("submitted_at", "kind", "id")

    def __getitem__(self, index):
        if isinstance(index, int):
            rows = self[index : index + 1]
            if not rows:
                raise IndexError(index)
            return rows[0]
        if not self.querysets:
            return []
        keys = list(self._keys()[index])
        wanted: dict[str, list[int]] = {}
        for _submitted_at, kind, pk in keys:
            wanted.setdefault(kind, []).append(pk)
        found = {
            kind: self.querysets[kind].model.objects.select_related("filer", "late_exception").in_bulk(pks)
            for kind, pks in wanted.items()
        }
        return [InboxRow(kind, found[kind][pk]) for _submitted_at, kind, pk in keys if pk in found[kind]]

    def __iter__(self):
        return iter(self[0 : self.count()])


def inbox(actor: Actor, filters: InboxFilter = InboxFilter()) -> Inbox:
    """The filings waiting for (or decided by) the actor, in the order they were submitted: a
    bureau's region and those filed with it, an authority's supervised organisations. Default
    state: what waits for this actor. Paginated in the database (see `Inbox`)."""
    if not actor.is_role(Role.BUREAU, Role.AUTHORITY):
        return Inbox()
    state = filters.state
    if not state:
        state = FilingState.SUBMITTED if actor.is_role(Role.BUREAU) else FilingState.PENDING_OPINION
    if state == "all":
        state = ""
    plans = platforms = None
    if filters.kind in ("", "plan"):
        plans = _inbox_filtered(plans_in_scope(actor).exclude(state=FilingState.DRAFT), state, filters)
    if filters.kind in ("", "platform"):
        platforms = _inbox_filtered(
            platform_filings_in_scope(actor).exclude(state=FilingState.DRAFT), state, filters
        )
    return Inbox(plans, platforms)


def exceptions_in_scope(actor: Actor, year: int | None = None) -> QuerySet[FilingException]:
    """Late-filing exceptions of the organisations in the actor's scope and, for a bureau, of
    those that file with it."""
    orgs = Q(organisation__in=_scope(actor))
    if actor.is_role(Role.BUREAU):
        orgs |= Q(organisation__in=filers_of(actor))
    qs = FilingException.objects.filter(orgs).select_related("organisation", "granted_by")
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
    """For the bureau: who filed late (under an exception) — its region's filings and those
    filed with it — and which units and bases of its region have no submitted or accepted plan
    for `year`."""
    policy = policy_year(year)
    is_bureau = actor.is_role(Role.BUREAU)
    deadline = rules.plan_filing_deadline(actor.organisation, year) if policy else None
    scope = _scope(actor) if is_bureau else Organisation.objects.none()
    late = []
    if is_bureau:
        for kind, qs in (("plan", plans_in_scope(actor)), ("platform", platform_filings_in_scope(actor))):
            late += [
                InboxRow(kind, f)
                for f in qs.filter(year=year, late_exception__isnull=False)
                .select_related("late_exception")
                .order_by("submitted_at", "id")
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
        deadline=deadline,
        late=late,
        exceptions=list(exceptions_in_scope(actor, year)) if actor.is_role(Role.BUREAU) else [],
        missing=list(missing),
    )


def import_jobs(actor: Actor) -> QuerySet[ImportJob]:
    """The actor's own import jobs, asked in the role and organisation they act in now (like
    export jobs: a job holds the rows of a file only its uploader should see)."""
    if actor is None or actor.user is None:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(
        created_by_id=actor.user.pk,
        actor_role=actor.role,
        organisation_id=actor.organisation.pk if actor.organisation else None,
    ).select_related("plan", "plan_item")


def import_job_for(actor: Actor, job_id: int) -> ImportJob:
    job = import_jobs(actor).filter(pk=job_id).first()
    if job is None:
        raise NotFound()
    return job
