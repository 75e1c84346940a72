"""Background work of filings (Celery; eager in-process in the embedded default)."""

from core.celery import app
from filings.services import import_jobs


# Bound to the project's app, like reports.tasks.run_export: a request queues it and must get
# this app's broker, or its eager mode without REDIS_URL.
@app.task(name="filings.tasks.run_import")
def run_import(job_id: int) -> str:
    """Run a queued import job (progress in ImportJob.done/total; failures end the job as
    `failed` with every bad row, they are never raised to the caller)."""
    return import_jobs.run_import(job_id)


@app.task(name="filings.tasks.end_stale_imports")
def end_stale_imports() -> int:
    """Every few minutes (CELERY_BEAT_SCHEDULE): imports whose worker died end as failed."""
    return import_jobs.end_stale_imports()
