"""Signals other apps listen to, so that policy never writes into their tables."""

from django.dispatch import Signal

# Sent with `year` when a calendar year is entered or edited: every open due date whose
# window touches that year must be recomputed by whoever holds it.
calendar_year_entered = Signal()

# Sent with `year` and `changed` (field names) after a bureau edits a year's figures: holders
# of what the figures decide (open reviews' due dates) bring it up to date.
policy_year_changed = Signal()

# Sent with `year`, `region_id` and `changed` (field names) after a city bureau sets or clears
# its own figures of a year: holders of what they decide within that region follow.
regional_figures_changed = Signal()
