"""Recognition (认可): learning counts only where it was filed with the bureau. Training must be
a class of a training plan accepted for filing (备案) — training outside a filed plan is not
recognised (培训未按规定备案，学时不予认可): it is kept, counts for nothing, and enters review once
its plan is accepted. Online learning pushed by a platform counts once the platform's filing of
that year and subject category is accepted.

Whether a plan is filed is filings' answer (`filings.selectors.recognised_plan_item`); this
module says where credits needs it. The predicate (`plan_is_filed`) and its queryset form
(`filed_plan_q`) sit side by side so that a list of classes and a check of one class agree.
"""

from __future__ import annotations

from django.db.models import Q

from catalogue.models import ActivityType
from filings import selectors as filing_selectors
from filings.models import FilingState, PlanItem, TrainingPlan
from policy.models import Method

NOT_RECOGNISED_REASON = "培训未按规定备案，学时不予认可"


def needs_filed_plan(kind: ActivityType | None, method: str | None) -> bool:
    """Whether the learning must name a class of a filed plan: its kind says so (the catalogue),
    or, declared by the notice's methods without a kind, it is training."""
    return kind.needs_plan_item if kind is not None else method == Method.TRAINING


def plan_is_filed(plan: TrainingPlan) -> bool:
    return plan.is_accepted


def filed_plan_q(prefix: str = "") -> Q:
    """`plan_is_filed` over plans, or over rows that reach a plan through `prefix`
    ("plan__" from a class)."""
    return Q(**{f"{prefix}state": FilingState.ACCEPTED})


def filed_plan_item(plan_item_id: int | None) -> PlanItem | None:
    """The class if its plan is filed (accepted), else None."""
    return filing_selectors.recognised_plan_item(plan_item_id)


def is_recognised(kind: ActivityType | None, method: str | None, plan_item_id: int | None) -> bool:
    """The rule: learning that needs a filed plan counts only with a class of one."""
    return not needs_filed_plan(kind, method) or filed_plan_item(plan_item_id) is not None


def platform_is_filed(platform_id: int, year: int, category: str) -> bool:
    """Whether the platform's filing of `year` covering `category` is accepted."""
    return filing_selectors.platform_offers(platform_id, year, category)
