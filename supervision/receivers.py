"""Membership and title-series changes move a person's figures; requirement and calendar
changes have the figures of their year recomputed after the commit."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from accounts.models import Membership, Person
from credits.models import Review
from credits.signals import ledger_changed, records_counted, review_decided
from policy.models import Requirement
from policy.signals import calendar_year_entered
from supervision import tally


def _link(membership: Membership, profession_id) -> tuple | None:
    if membership.unit_id is None or membership.state not in Membership.ACTIVE_STATES:
        return None
    return (membership.unit_id, profession_id, membership.state)


@receiver(post_init, sender=Membership, dispatch_uid="supervision.membership_loaded")
def remember_membership(sender, instance: Membership, **kwargs):
    instance._tally_link = (instance.unit_id, instance.state) if instance.pk else None


@receiver(post_save, sender=Membership, dispatch_uid="supervision.membership_saved")
def membership_saved(sender, instance: Membership, created: bool, raw=False, **kwargs):
    if raw:
        return
    was = None if created else getattr(instance, "_tally_link", None)
    now = (instance.unit_id, instance.state)
    if was == now:
        return
    profession_id = (
        Person.objects.filter(pk=instance.person_id).values_list("profession_id", flat=True).first()
    )
    old = None
    if was is not None and was[1] in Membership.ACTIVE_STATES:
        old = (was[0], profession_id, was[1])
    tally.person_moved(instance.person_id, old, _link(instance, profession_id))
    instance._tally_link = now


@receiver(post_delete, sender=Membership, dispatch_uid="supervision.membership_deleted")
def membership_deleted(sender, instance: Membership, **kwargs):
    was = getattr(instance, "_tally_link", None)
    if was is None or was[1] not in Membership.ACTIVE_STATES:
        return
    profession_id = (
        Person.objects.filter(pk=instance.person_id).values_list("profession_id", flat=True).first()
    )
    if profession_id is not None:
        tally.person_moved(instance.person_id, (was[0], profession_id, was[1]), None)


@receiver(post_init, sender=Person, dispatch_uid="supervision.person_loaded")
def remember_profession(sender, instance: Person, **kwargs):
    instance._tally_profession = instance.profession_id if instance.pk else None


@receiver(post_save, sender=Person, dispatch_uid="supervision.person_saved")
def person_saved(sender, instance: Person, created: bool, raw=False, **kwargs):
    was = getattr(instance, "_tally_profession", None)
    if raw or created or was is None or was == instance.profession_id:
        instance._tally_profession = instance.profession_id
        return
    for membership in Membership.objects.filter(person_id=instance.pk, state__in=Membership.ACTIVE_STATES):
        tally.person_moved(
            instance.pk,
            (membership.unit_id, was, membership.state),
            (membership.unit_id, instance.profession_id, membership.state),
        )
    instance._tally_profession = instance.profession_id


@receiver(post_save, sender=Requirement, dispatch_uid="supervision.requirement_saved")
@receiver(post_delete, sender=Requirement, dispatch_uid="supervision.requirement_deleted")
def requirement_changed(sender, instance: Requirement, raw=False, **kwargs):
    """An edited (or carried-forward) requirement moves everyone's standing in its year."""
    if raw:
        return
    from supervision.tasks import recompute_year_standing, run_soon

    year = instance.policy_year_id
    transaction.on_commit(lambda: run_soon(recompute_year_standing, year))


@receiver(calendar_year_entered, dispatch_uid="supervision.calendar_entered")
def calendar_entered(sender, year: int, **kwargs):
    """Working days of decided reviews count by the calendar: recount them (if a decided
    review's window touches the year: loading the calendar at start-up queues nothing)."""
    from supervision.tasks import recompute_review_times, run_soon

    touched = Review.objects.filter(
        decided_at__isnull=False, arrived_at__year__lte=year, decided_at__year__gte=year
    )
    if not touched.exists():
        return

    transaction.on_commit(lambda: run_soon(recompute_review_times))


@receiver(records_counted, dispatch_uid="supervision.records_counted")
def on_records_counted(sender, hour_deltas: dict, **kwargs):
    tally.records_counted(hour_deltas)


@receiver(ledger_changed, dispatch_uid="supervision.ledger_changed")
def on_ledger_changed(sender, summary_deltas: dict, totals: dict, staff: dict, **kwargs):
    tally.ledger_changed(summary_deltas, totals, staff)


@receiver(review_decided, dispatch_uid="supervision.review_decided")
def on_review_decided(sender, review: Review, year: int, **kwargs):
    tally.review_decided(review, year)
