"""Background work of reports (Celery; eager in-process in the embedded default)."""

from celery import shared_task

from reports import services


@shared_task(name="reports.tasks.run_export")
def run_export(job_id: int) -> str:
    """Run a queued export job (progress in ExportJob.done/total; failures end the job as
    `failed` with their message, they are never raised to the caller)."""
    return services.run_export(job_id)
