"""The reviewers' queues, overdue reviews and review timeliness."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from core.actors import Actor, Role
from core.dates import SHANGHAI
from core.errors import Forbidden, Invalid
from credits.models import Review
from credits.rules import review_clock
from credits.selectors._shared import QueryReader, current_year
from organisations.models import Organisation
from organisations.selectors import organisations_in_scope
from policy import selectors as policy_selectors
from policy.models import Category, Method

REVIEW_STATES = ("pending", "overdue", "decided", "all")
_LEVEL = {Role.UNIT: Review.Level.UNIT, Role.AUTHORITY: Review.Level.AUTHORITY}


@dataclass(frozen=True)
class ReviewQueueFilter:
    """What narrows a reviewer's queue: the page's tabs and filter bar, the API's parameters."""

    state: str = "pending"
    year: int | None = None
    q: str = ""
    category: str = ""
    method: str = ""

    @classmethod
    def from_query(cls, params: Mapping) -> ReviewQueueFilter:
        """The page's tabs and filter bar: `state` (the home's "overdue=1" link says overdue),
        `year`, `q`, `category` and `method`; a value the bar does not offer gives the default."""
        read = QueryReader(params)
        default_state = "overdue" if read.text("overdue") == "1" else "pending"
        return cls(
            state=read.choice("state", REVIEW_STATES, default_state),
            year=read.integer("year"),
            q=read.text("q"),
            category=read.choice("category", Category.values),
            method=read.choice("method", Method.values),
        )

    def as_query(self) -> dict[str, str]:
        """The parameters that give this filter back (the page's links keep them)."""
        query = {"state": self.state, "q": self.q, "category": self.category, "method": self.method}
        if self.year:
            query["year"] = str(self.year)
        return query


def _review_rows(qs: QuerySet[Review]) -> QuerySet[Review]:
    return qs.select_related("declaration", "declaration__person", "declaration__unit", "organisation")


def review_queue(
    actor: Actor,
    state: str = "pending",
    year: int | None = None,
    *,
    q: str = "",
    category: str = "",
    method: str = "",
) -> QuerySet[Review]:
    """The reviewer's queue (Review rows; `review.declaration` is what to decide).
    state: pending (waiting for the actor), overdue (pending and past due), decided, all;
    narrowed by a name or title (`q`), a category and a method as the page's filter bar and
    the API both offer. The reviewer's own declarations never appear (even with a unit role
    at their own unit)."""
    if actor.role not in _LEVEL or actor.organisation is None:
        raise Forbidden(_("只有用人单位和行业主管部门的审核人员有审核队列。"))
    state = state or "pending"
    if state not in REVIEW_STATES:
        raise Invalid.field("state", _("状态：应为 pending、overdue、decided 或 all。"))
    qs = Review.objects.filter(organisation_id=actor.organisation.pk, level=_LEVEL[actor.role]).exclude(
        declaration__person__user_id=actor.user.pk
    )
    if year:
        qs = qs.filter(declaration__year=year)
    if q:
        qs = qs.filter(Q(declaration__person__name__icontains=q) | Q(declaration__title__icontains=q))
    if category:
        qs = qs.filter(declaration__category=category)
    if method:
        qs = qs.filter(declaration__method=method)
    if state == "pending":
        qs = qs.filter(decided_at__isnull=True).order_by("due_on", "arrived_at", "id")
    elif state == "overdue":
        qs = qs.filter(review_clock.overdue_q(policy_selectors.today())).order_by("due_on", "id")
    elif state == "decided":
        qs = qs.filter(decided_at__isnull=False).order_by("-decided_at", "-id")
    else:
        qs = qs.order_by("-arrived_at", "-id")
    return _review_rows(qs)


def filtered_review_queue(actor: Actor, filters: ReviewQueueFilter) -> QuerySet[Review]:
    return review_queue(
        actor, filters.state, filters.year, q=filters.q, category=filters.category, method=filters.method
    )


def is_overdue(review: Review, today: dt.date | None = None) -> bool:
    return review_clock.is_overdue(review, today)


def _supervised_review_orgs(actor: Actor) -> QuerySet[Organisation]:
    if actor.organisation is None:
        return Organisation.objects.none()
    if actor.is_role(Role.UNIT):
        return Organisation.objects.filter(pk=actor.organisation.pk)
    if actor.is_role(Role.AUTHORITY):
        return Organisation.objects.filter(
            Q(pk=actor.organisation.pk) | Q(supervisor_id=actor.organisation.pk)
        )
    if actor.is_role(Role.BUREAU):
        return organisations_in_scope(actor).filter(
            kind__in=[Organisation.Kind.UNIT, Organisation.Kind.AUTHORITY]
        )
    return Organisation.objects.none()


def overdue_reviews(actor: Actor) -> QuerySet[Review]:
    """Undecided reviews past their due date that the actor supervises: a unit its own, an
    authority its own and its units', a bureau every unit's and authority's in its region."""
    if not actor.is_role(Role.UNIT, Role.AUTHORITY, Role.BUREAU):
        raise Forbidden(_("当前身份无权查看审核超期情况。"))
    qs = Review.objects.filter(
        review_clock.overdue_q(policy_selectors.today()),
        organisation__in=_supervised_review_orgs(actor),
    ).exclude(declaration__person__user_id=actor.user.pk)
    return _review_rows(qs).order_by("due_on", "id")


@dataclass
class Timeliness:
    organisation: Organisation
    level: str
    decided: int
    on_time: int
    late: int
    open: int
    overdue: int

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.decided, 4) if self.decided else None


def review_timeliness(actor: Actor, year: int | None = None) -> list[Timeliness]:
    """Per reviewing organisation in the actor's supervision (an authority: itself and its
    units; a bureau: its region): decisions on time / late, and what is open or overdue, for
    declarations of `year`."""
    year = year or current_year()
    orgs = _supervised_review_orgs(actor)
    if not actor.is_role(Role.UNIT, Role.AUTHORITY, Role.BUREAU):
        raise Forbidden(_("当前身份无权查看审核时效。"))
    today = policy_selectors.today()
    rows = (
        Review.objects.filter(declaration__year=year, organisation__in=orgs)
        .annotate(decided_day=TruncDate("decided_at", tzinfo=SHANGHAI))
        .values("organisation_id", "level")
        .annotate(
            decided=Count("id", filter=Q(decided_at__isnull=False)),
            on_time=Count("id", filter=Q(decided_at__isnull=False, decided_day__lte=F("due_on"))),
            open=Count("id", filter=Q(decided_at__isnull=True)),
            overdue=Count("id", filter=review_clock.overdue_q(today)),
        )
        .order_by("organisation_id", "level")
    )
    by_org = Organisation.objects.in_bulk([r["organisation_id"] for r in rows])
    return [
        Timeliness(
            organisation=by_org[r["organisation_id"]],
            level=r["level"],
            decided=r["decided"],
            on_time=r["on_time"],
            late=r["decided"] - r["on_time"],
            open=r["open"],
            overdue=r["overdue"],
        )
        for r in rows
    ]
