"""The six statistics by key, as the pages, the `.xlsx` exports and the API ask for them."""

from __future__ import annotations

from core.actors import Actor
from core.errors import NotFound
from supervision.selectors.completion import completion
from supervision.selectors.filings import filings
from supervision.selectors.hours import hours
from supervision.selectors.plans import plans
from supervision.selectors.reviews import reviews
from supervision.selectors.sampling import sampling
from supervision.selectors.tables import Statistic

STATISTICS = {
    "completion": completion,
    "hours": hours,
    "reviews": reviews,
    "filings": filings,
    "plans": plans,
    "sampling": sampling,
}


def statistic(actor: Actor, key: str, year: int, **params) -> Statistic:
    if key not in STATISTICS:
        raise NotFound()
    return STATISTICS[key](actor, year, **params)
