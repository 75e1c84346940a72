"""Background work of filings (Celery; eager in-process in the embedded default)."""

from celery import shared_task

from filings.services import import_jobs


@shared_task(name="filings.tasks.run_import")
def run_import(job_id: int) -> str:
    """Run a queued import job (progress in ImportJob.done/total; failures end the job as
    `failed` with every bad row, they are never raised to the caller)."""
    return import_jobs.run_import(job_id)


@shared_task(name="filings.tasks.end_stale_imports")
def end_stale_imports() -> int:
    """Every few minutes (CELERY_BEAT_SCHEDULE): imports whose worker died end as failed."""
    return import_jobs.end_stale_imports()
