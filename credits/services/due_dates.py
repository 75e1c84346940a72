"""The clock of open reviews: due dates recomputed when the calendar or the review time limit
changes, and the hourly sweep that flags overdue reviews."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record, record_many
from core.actors import SYSTEM, Actor, Role
from core.dates import SHANGHAI
from credits.models import Review
from credits.rules import review_clock
from credits.services import common
from notifications.services import notify
from organisations.models import Region
from policy import selectors as policy_selectors


def open_reviews_touching(year: int):
    """Open reviews whose window — from the arrival day (Shanghai) to the due date — has a day
    in `year`: the ones whose due date a change of that year's calendar can move."""
    return Review.objects.filter(
        decided_at__isnull=True,
        due_on__gte=dt.date(year, 1, 1),
        arrived_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=SHANGHAI),
    )


def open_reviews_of_year(year: int):
    """Open reviews of declarations of `year`: the ones its review time limit decides."""
    return Review.objects.filter(decided_at__isnull=True, declaration__year=year)


@transaction.atomic
def recompute_due_dates(actor: Actor = SYSTEM, *, year: int) -> int:
    """The calendar of `year` was entered or corrected: every open review whose window touches
    that year gets the due date the calendar now gives (provisional or official before), with
    an audit entry for each one that changed. Returns how many changed."""
    return _recompute_due_dates(open_reviews_touching(year), actor)


@transaction.atomic
def recompute_policy_due_dates(actor: Actor = SYSTEM, *, year: int) -> int:
    """The review time limit of `year` was changed: its open reviews are due on the n-th
    working day after their arrival under the new n (audited for each one that moved)."""
    return _recompute_due_dates(open_reviews_of_year(year), actor)


def open_reviews_in_region(year: int, region_id: int):
    """Open reviews of declarations of `year` by people of the region (their unit's) or below."""
    region = Region.objects.get(pk=region_id)
    return open_reviews_of_year(year).filter(declaration__unit__region_id__in=region.descendant_ids())


@transaction.atomic
def recompute_regional_due_dates(actor: Actor = SYSTEM, *, year: int, region_id: int) -> int:
    """A city set or cleared its own review time limit of `year`: the open reviews of its
    people are due under the limit that now applies to them (audited for each one that moved)."""
    return _recompute_due_dates(open_reviews_in_region(year, region_id), actor)


def _recompute_due_dates(reviews, actor: Actor) -> int:
    changed = 0
    limits: dict[tuple[int, int], int] = {}
    reviews = reviews.select_for_update(of=("self",)).select_related("declaration__unit")
    for review in reviews.order_by("pk"):
        key = (review.declaration.year, review.declaration.unit.region_id)
        if key not in limits:
            limits[key] = review_clock.review_limit(*key)
        due = review_clock.due_date(*key, review.arrived_at, limit=limits[key])
        if (due.date, due.provisional) == (review.due_on, review.due_provisional):
            continue
        before = {"due_on": review.due_on, "due_provisional": review.due_provisional}
        review.due_on, review.due_provisional = due.date, due.provisional
        review.save(update_fields=["due_on", "due_provisional"])
        record(
            actor,
            actions.REVIEW_DUE_RECOMPUTED,
            review,
            before=before,
            after={"due_on": due.date, "due_provisional": due.provisional},
        )
        changed += 1
    return changed


@transaction.atomic
def notify_overdue_reviews(actor: Actor = SYSTEM) -> int:
    """The hourly sweep: reviews past their due date are flagged once to the reviewers of the
    organisation and, for a unit, to its supervising authority. Returns how many were flagged."""
    today = policy_selectors.today()
    overdue = list(
        Review.objects.select_for_update(skip_locked=connection.vendor == "postgresql", of=("self",))
        .select_related("organisation", "declaration__unit")
        .filter(review_clock.overdue_q(today), overdue_notified_at__isnull=True)
        .order_by("organisation_id", "due_on")
    )
    if not overdue:
        return 0
    by_org: dict[int, list[Review]] = {}
    for review in overdue:
        by_org.setdefault(review.organisation_id, []).append(review)
    for organisation_id, reviews in by_org.items():
        level = reviews[0].level
        role = Role.UNIT if level == Review.Level.UNIT else Role.AUTHORITY
        title = _("有 %(n)s 条学时申报审核已超期") % {"n": len(reviews)}
        first = reviews[0].declaration
        body = _("最早一条的审核期限为 %(due)s，请尽快审核（每级审核不超过 %(n)s 个工作日）。") % {
            "due": reviews[0].due_on.isoformat(),
            "n": review_clock.review_limit(first.year, first.unit.region_id),
        }
        notify(
            common.reviewer_user_ids(organisation_id, role),
            title=title,
            body=body,
            link=common.link("credits:review_queue"),
        )
        if level == Review.Level.UNIT and reviews[0].organisation.supervisor_id:
            notify(
                common.reviewer_user_ids(reviews[0].organisation.supervisor_id, Role.AUTHORITY),
                title=_("下级单位“%(unit)s”有 %(n)s 条学时审核超期")
                % {"unit": reviews[0].organisation.name, "n": len(reviews)},
                body=body,
                link=common.link("credits:timeliness"),
            )
    now = common.now()
    Review.objects.filter(pk__in=[r.pk for r in overdue]).update(overdue_notified_at=now)
    record_many(actor, actions.REVIEW_OVERDUE_FLAGGED, overdue, after={"flagged_at": now})
    return len(overdue)
