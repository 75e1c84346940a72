"""Listening to the ledger: when an hour record changes state (credits.ledger.move_records
saves it — a rejection, an audit sample's revocation, a voided xAPI statement), every yearly
credential that stated it as credited is revoked in the same transaction."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from certificates.services import revoke_for_record
from credits.models import HourRecord


@receiver(post_save, sender=HourRecord, dispatch_uid="certificates.revoke_credentials")
def record_saved(sender, instance: HourRecord, created: bool, update_fields=None, **kwargs):
    if created or (update_fields is not None and not {"state", "hours"} & set(update_fields)):
        return
    revoke_for_record(instance)
