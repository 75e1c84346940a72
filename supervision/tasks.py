"""Background work of the statistics (Celery; eager in-process in the embedded default)."""

import logging

from celery import shared_task

from supervision import tally
from supervision.models import ReviewTally

logger = logging.getLogger(__name__)


def run_soon(task, *args) -> None:
    """Queue `task`; if the broker cannot be reached, run it here rather than lose it."""
    try:
        task.delay(*args)
    except Exception:
        logger.warning("Celery broker unreachable; running %s in-process", task.name, exc_info=True)
        task(*args)


@shared_task(name="supervision.tasks.compact_tallies")
def compact_tallies() -> dict:
    """Every few minutes (CELERY_BEAT_SCHEDULE): fold each key's summary rows into one."""
    return tally.compact()


@shared_task(name="supervision.tasks.recompute_statistics")
def recompute_statistics() -> dict:
    """Rebuild every summary table from the raw records (also `manage.py recompute_statistics`)."""
    return tally.recompute()


@shared_task(name="supervision.tasks.recompute_year_standing")
def recompute_year_standing(year: int) -> int:
    """A year's requirement changed: its standing (compliant, short of what) is rebuilt."""
    return tally.recompute_standing(year)


@shared_task(name="supervision.tasks.recompute_review_times")
def recompute_review_times() -> dict:
    """The work calendar changed: the working days each decided review took are recounted."""
    return tally.recompute((ReviewTally,))
