"""The review clock (审核时限): each level of review has the year's review time limit, in working
days of the official calendar, from the day the declaration reaches it (that day not counted).

The figure is the policy's (`policy.selectors.figures_for`: the year's, or the city's own where
the province lets cities set it); nothing here knows a number of days.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q

from core import dates
from policy import selectors as policy_selectors

if TYPE_CHECKING:
    from credits.models import Review


def review_limit(year: int, region_id: int | None) -> int:
    """The review time limit (working days per level) of `year` in the person's region: the
    region of the unit they declare through (its city's own limit where the province allows)."""
    return policy_selectors.figures_for(region_id, year).review_sla_working_days


def due_date(
    year: int, region_id: int | None, arrived_at: dt.datetime, limit: int | None = None
) -> policy_selectors.WorkingDay:
    """The last day a level may take: the n-th working day after the day of arrival (Shanghai),
    n being the review time limit of the declaration's year in the person's region (`limit`
    when the caller already has it)."""
    days = limit if limit is not None else review_limit(year, region_id)
    return policy_selectors.add_working_days(dates.local_day(arrived_at), days)


def is_overdue(review: Review, today: dt.date | None = None) -> bool:
    """Decided after its due date, or past it and still undecided (the due date itself is not late)."""
    if review.decided_at is not None:
        return dates.local_day(review.decided_at) > review.due_on
    return review.due_on < (today or policy_selectors.today())


def overdue_q(today: dt.date) -> Q:
    """`is_overdue` of the reviews still open, as a filter of `Review` rows."""
    return Q(decided_at__isnull=True, due_on__lt=today)
