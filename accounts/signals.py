"""Signals other apps listen to, so that accounts never writes into their tables."""

from django.dispatch import Signal

# Sent with `person` after a registration commits and after a bureau corrects a person's name:
# whoever holds something for that ID number and name (items a learning platform pushed before
# the person registered, or under another name) can take it up now.
person_identified = Signal()
