"""Background work of notifications (Celery beat; eager in-process in the embedded default)."""

from celery import shared_task

from notifications import services


@shared_task(name="notifications.tasks.send_year_end_reminders")
def send_year_end_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): reminders 30, 14, 7, 3 and 1 days before the deadline."""
    return services.send_year_end_reminders()
