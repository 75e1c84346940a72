"""Import jobs: starting one from a page, its progress page and its re-run."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Invalid
from filings import selectors, services
from filings.models import ImportJob
from filings.views.common import STAFF, current_actor, warn_kept


def import_or_report(actor, kind: str, target_id: int, upload):
    """Start the import job; one that ended failed (eager: the file was read right away)
    is raised as its error, for the form to show every bad row as before."""
    job = services.start_import(actor, kind=kind, target_id=target_id, upload=upload)
    if job.state == ImportJob.State.FAILED:
        raise services.import_error(job)
    return job


def import_message(request, job) -> None:
    messages.success(request, _("已导入 %(n)s 行培训项目。") % {"n": job.result["items"]})
    warn_kept(request, job.result.get("kept", []))


@login_required
def import_job(request, job_id: int):
    """An import's progress (the page refreshes itself until it ends) and its outcome."""
    actor = current_actor(request, *STAFF)
    job = selectors.import_job_for(actor, job_id)
    response = render(
        request,
        "filings/import_job.html",
        {"job": job, "report": services.import_error(job) if job.state == ImportJob.State.FAILED else None},
    )
    if not job.finished:
        response["Refresh"] = "2"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def import_job_rerun(request, job_id: int):
    actor = current_actor(request, *STAFF)
    try:
        job = services.rerun_import(actor, job_id=job_id)
    except Invalid as exc:
        messages.error(request, exc.detail)
        return redirect("filings:import_job", job_id=job_id)
    return redirect("filings:import_job", job_id=job.pk)
