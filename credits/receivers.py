"""What credits does when other apps announce something (connected in CreditsConfig.ready)."""

from django.dispatch import receiver

from filings.signals import plan_accepted
from policy.signals import calendar_year_entered


@receiver(calendar_year_entered, dispatch_uid="credits.recompute_provisional_due_dates")
def on_calendar_year_entered(sender, year: int, **kwargs):
    from credits.tasks import recompute_provisional_due_dates

    recompute_provisional_due_dates.delay(year)


@receiver(plan_accepted, dispatch_uid="credits.recognise_plan")
def on_plan_accepted(sender, plan, **kwargs):
    """Training declared against the plan's items stops being `not_recognised` and enters review."""
    from credits.services import recognise_plan

    recognise_plan(plan)
