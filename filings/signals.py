"""Signals other apps listen to, so that filings never writes into their tables."""

from django.dispatch import Signal

# Sent with `plan` (a TrainingPlan) and `actor` (who accepted it) after the plan is accepted
# (备案), also when accepted late under an exception: training declared against its items
# becomes recognised (credits listens).
plan_accepted = Signal()

# Sent with `platform` (the platform Organisation), `year` and `actor` after a platform filing is
# accepted: items the platform pushed for that year before (held) can be credited now.
platform_filing_accepted = Signal()
