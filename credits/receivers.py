"""What credits does when other apps announce something (connected in CreditsConfig.ready)."""

import logging

from django.dispatch import receiver

from filings.signals import plan_accepted
from policy.signals import calendar_year_entered

logger = logging.getLogger(__name__)


@receiver(calendar_year_entered, dispatch_uid="credits.recompute_provisional_due_dates")
def on_calendar_year_entered(sender, year: int, **kwargs):
    """Provisional due dates of open reviews become official (a Celery task; eager without Redis).
    If the broker cannot be reached the recomputation runs here rather than being lost."""
    from credits import services
    from credits.tasks import recompute_provisional_due_dates

    try:
        recompute_provisional_due_dates.delay(year)
    except Exception:  # broker down: do it in-process
        logger.warning("Celery broker unreachable; recomputing %s due dates in-process", year, exc_info=True)
        services.recompute_provisional_due_dates(year)


@receiver(plan_accepted, dispatch_uid="credits.recognise_plan")
def on_plan_accepted(sender, plan, **kwargs):
    """Training declared against the plan's items stops being `not_recognised` and enters review."""
    from credits.services import recognise_plan

    recognise_plan(plan)
