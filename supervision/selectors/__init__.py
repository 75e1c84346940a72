"""The statistics, read from the summary rows (supervision.models) through the actor's scope,
a module per statistic.

Every statistic is a `Statistic` of one or more `Table`s (tables): the page draws them (with a
chart where one helps), the `.xlsx` export writes them and the API answers them, so the three
always show the same figures. Reads go to `core.replica.reporting_alias()`.

Scope (scoping): a unit sees its own staff, an authority the units it supervises, a bureau its
region and below; `region`, `authority` and `unit` narrow it, and one outside it is a 404.

    completion: completion(actor, year, by="region", **narrow)   学时达标
    hours: hours(actor, year, **narrow)                            学时来源
    reviews: reviews(actor, year, **narrow)                        审核时效
    filings: filings(actor, year, **narrow)                        备案情况
    plans: plans(actor, year, **narrow)                            计划执行
    sampling: sampling(actor, year, **narrow)                      抽查结果
    statistics: statistic(actor, key, year, **narrow) · STATISTICS
    standing: standing_by_unit(actor, year), the units' figures on the homes and in the reports

The names below are those the other modules and apps use.
"""

from supervision.selectors.completion import DIMENSIONS, completion
from supervision.selectors.filings import filings
from supervision.selectors.hours import hours
from supervision.selectors.plans import plans
from supervision.selectors.reviews import reviews
from supervision.selectors.sampling import sampling
from supervision.selectors.scoping import STAFF_ROLES, Scope, scope, years
from supervision.selectors.standing import UnitStanding, standing_by_unit
from supervision.selectors.statistics import STATISTICS, statistic
from supervision.selectors.tables import Column, Row, Statistic, Table

__all__ = [
    "DIMENSIONS",
    "STAFF_ROLES",
    "STATISTICS",
    "Column",
    "Row",
    "Scope",
    "Statistic",
    "Table",
    "UnitStanding",
    "completion",
    "filings",
    "hours",
    "plans",
    "reviews",
    "sampling",
    "scope",
    "standing_by_unit",
    "statistic",
    "years",
]
