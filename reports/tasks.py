"""Background work of reports (Celery; eager in-process in the embedded default)."""

from core.celery import app
from reports import services


# Bound to the project's app (not a shared task, which follows whichever app is current): a
# request queues it and must get this app's broker, or its eager mode without REDIS_URL.
@app.task(name="reports.tasks.run_export")
def run_export(job_id: int) -> str:
    """Run a queued export job (progress in ExportJob.done/total; failures end the job as
    `failed` with their message, they are never raised to the caller)."""
    return services.run_export(job_id)


@app.task(name="reports.tasks.purge_expired_exports")
def purge_expired_exports() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): delete export files older than CE_EXPORT_RETENTION_DAYS."""
    return services.purge_expired_exports()


@app.task(name="reports.tasks.end_stale_exports")
def end_stale_exports() -> int:
    """Every few minutes (CELERY_BEAT_SCHEDULE): exports whose worker died end as failed."""
    return services.end_stale_exports()
