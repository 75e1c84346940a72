"""Signals other apps listen to, so that filings never imports them nor writes into their tables."""

from dataclasses import dataclass

from django.dispatch import Signal

# Sent with `plan` (a TrainingPlan) and `actor` (who accepted it) after the plan is accepted
# (备案), also when accepted late under an exception: training declared against its items
# becomes recognised (credits listens).
plan_accepted = Signal()

# Sent with `platform` (the platform Organisation), `year` and `actor` after a platform filing is
# accepted: items the platform pushed for that year before (held) can be credited now.
platform_filing_accepted = Signal()

# Sent with `item_ids` (the PlanItems of a plan that a change of its rows would delete) before
# they are deleted. Each receiver answers an `ItemReferences` naming those its records point at:
# `fixed` rows cannot go (the change is refused), `kept` rows are kept instead of deleted.
plan_items_removing = Signal()


@dataclass(frozen=True)
class ItemReferences:
    fixed: frozenset[int] = frozenset()  # named by something that cannot lose its class
    kept: frozenset[int] = frozenset()  # named only by what may wait (a draft declaration)
