"""What credits announces to the apps above it (the statistics in supervision listen), so that
credits never imports them. Both are sent inside the transaction of the change, so a listener's
writes commit or roll back with it."""

from django.dispatch import Signal

# Credited records changed: `hour_deltas` {(person id, year, source, method, category, month,
# plan item id): [records, hours]}. Sent before the summaries below are written.
records_counted = Signal()

# The year summaries moved: `summary_deltas` {(person id, year): [public, professional,
# pending]}, `totals` {(person id, year): (public, professional)} as they are after it, and
# `staff` {person id: (unit id, title series id)} of those among them with a confirmed unit.
# Sent while the summary rows are locked: a listener should not read more than it must.
ledger_changed = Signal()

# A review was decided: `review` (a credits.Review), `year` the declaration's year.
review_decided = Signal()
