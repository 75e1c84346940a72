"""What credits announces to the apps above it (the statistics in supervision listen), so that
credits never imports them. Both are sent inside the transaction of the change, so a listener's
writes commit or roll back with it."""

from django.dispatch import Signal

# The year summaries moved: `summary_deltas` {(person id, year): [public, professional,
# pending]}, `totals` {(person id, year): (public, professional)} as they are after it,
# `hour_deltas` the credited records' hours by their statistics key.
ledger_changed = Signal()

# A review was decided: `review` (a credits.Review), `year` the declaration's year.
review_decided = Signal()
