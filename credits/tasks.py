"""Background work of credits (Celery; eager in-process in the embedded default)."""

from celery import shared_task

from credits import reminders, services


@shared_task(name="credits.tasks.sweep_overdue_reviews")
def sweep_overdue_reviews() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): flag reviews past their due date to their reviewers
    and to the level above. Each review is flagged once."""
    return services.notify_overdue_reviews()


@shared_task(name="credits.tasks.recompute_due_dates")
def recompute_due_dates(year: int) -> int:
    """A calendar year was entered or corrected: open reviews whose window touches it get the
    due date the calendar now gives."""
    return services.recompute_due_dates(year=year)


@shared_task(name="credits.tasks.recompute_provisional_due_dates")
def recompute_provisional_due_dates(year: int) -> int:
    """The task's former name, kept so that messages already queued under it still run."""
    return services.recompute_due_dates(year=year)


@shared_task(name="credits.tasks.recompute_policy_due_dates")
def recompute_policy_due_dates(year: int) -> int:
    """A bureau changed a year's review time limit: that year's open reviews follow it."""
    return services.recompute_policy_due_dates(year=year)


@shared_task(name="credits.tasks.recompute_regional_due_dates")
def recompute_regional_due_dates(year: int, region_id: int) -> int:
    """A city set or cleared its own review time limit of a year: its people's open reviews follow."""
    return services.recompute_regional_due_dates(year=year, region_id=region_id)


@shared_task(name="credits.tasks.expire_held_completions")
def expire_held_completions() -> int:
    """Daily: items a platform pushed that are still held when their year's reporting deadline
    has passed expire, with the reason."""
    from credits.intake import expire_held

    return expire_held()


@shared_task(name="credits.tasks.purge_pending_evidence")
def purge_pending_evidence() -> int:
    """Hourly: files kept from a refused declaration form for more than a day go."""
    return services.purge_pending_evidence()


@shared_task(name="credits.tasks.send_year_end_reminders")
def send_year_end_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): reminders 30, 14, 7, 3 and 1 days before the deadline."""
    return reminders.send_year_end_reminders()


@shared_task(name="notifications.tasks.send_year_end_reminders")
def send_year_end_reminders_former_name() -> int:
    """The task's former name (it lived in notifications), kept so that messages already
    queued under it still run."""
    return reminders.send_year_end_reminders()
