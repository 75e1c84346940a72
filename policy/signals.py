"""Signals other apps listen to, so that policy never writes into their tables."""

from django.dispatch import Signal

# Sent with `year` when a calendar year is entered or edited: provisional due dates that
# fall in it must be recomputed by whoever holds them.
calendar_year_entered = Signal()
