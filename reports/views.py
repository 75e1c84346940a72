"""Report pages: the person's printable record of a year and its public verification page, and
export jobs (the staff compliance .xlsx runs as a Celery job with a progress page).

Thin: reads through reports/credits selectors (scoped; outside → 404), writes through
reports.services (one transaction each, audited).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.actors import Role
from core.dates import local_time
from core.errors import Forbidden, NotFound
from core.media import PDF, XLSX
from credits.views import compliance_filters
from policy import selectors as policy_selectors
from reports import selectors, services
from reports.records import format_code, issuer_name


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return policy_selectors.today().year
    return year if 2000 <= year <= 2100 else policy_selectors.today().year


def _verify_url(request):
    return lambda code: request.build_absolute_uri(reverse("reports:verify", args=[code]))


def pdf_response(issued: services.Issued, as_attachment: bool = False) -> HttpResponse:
    response = HttpResponse(issued.pdf, content_type=PDF)
    response["Content-Disposition"] = content_disposition_header(as_attachment, issued.filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# the person's record of a year (学时证明)


@login_required
def my_record(request):
    """The acting person's record of ?year= (default this year) as a PDF to print."""
    actor = request.actor
    if actor is None or not actor.is_role(Role.PERSON):
        raise Forbidden(_("只有专业技术人员本人可以打印本人的学时证明。"))
    issued = services.issue_record(actor, year=_year(request), verify_url=_verify_url(request))
    return pdf_response(issued)


@login_required
def person_record(request, person_id: int):
    """A person's record, printed by their unit, authority or bureau (another scope → 404)."""
    actor = request.actor
    if actor is None:
        raise Forbidden(_("当前身份不能出具学时证明。"))
    issued = services.issue_record(
        actor, year=_year(request), person_id=person_id, verify_url=_verify_url(request)
    )
    return pdf_response(issued)


def verify_lookup(request):
    """Public: type the code printed on a record."""
    code = selectors.normalise_code(request.GET.get("code", ""))
    if code:
        return redirect("reports:verify", code=code)
    return render(request, "reports/verify.html", {"lookup": True})


def verify(request, code: str):
    """Public: what the printout with this code said (masked name, year, hours, issue time)."""
    try:
        issued = selectors.issued_record(code)
    except NotFound:
        return render(request, "reports/verify.html", {"not_found": True, "code": code}, status=404)
    return render(
        request,
        "reports/verify.html",
        {
            "issued": issued,
            "f": issued.figures,
            "code": format_code(issued.code),
            "issued_at": local_time(issued.issued_at),
            "issuer": issuer_name(),
        },
    )


# ---------------------------------------------------------------------------------------------
# export jobs


@login_required
def compliance_xlsx(request):
    """The staff compliance list exactly as filtered on the page: starts an export job and
    shows its page (eager without REDIS_URL: the file is ready when the page opens)."""
    actor = request.actor
    if actor is None or not actor.is_role(Role.UNIT, Role.AUTHORITY, Role.BUREAU):
        raise Forbidden(_("当前身份不能导出达标情况。"))
    filters, _qs = compliance_filters(request, actor)
    job = services.start_compliance_export(actor, filters)
    return redirect("reports:export_job", job_id=job.pk)


@login_required
def exports(request):
    jobs = list(selectors.export_jobs(request.actor)[:20]) if request.actor else []
    return render(request, "reports/exports.html", {"jobs": jobs})


@login_required
def export_job(request, job_id: int):
    job = selectors.export_job_for(request.actor, job_id)
    response = render(request, "reports/export_job.html", {"job": job, "unit": _unit_name(job)})
    if not job.finished:
        response["Refresh"] = "2"
    response["Cache-Control"] = "private, no-store"
    return response


def _unit_name(job) -> str:
    unit_id = job.params.get("unit_id")
    if not unit_id:
        return ""
    from organisations.models import Organisation

    return Organisation.objects.filter(pk=unit_id).values_list("name", flat=True).first() or ""


@login_required
def export_status(request, job_id: int):
    """The job's state as JSON (for a page or a script that polls it)."""
    job = selectors.export_job_for(request.actor, job_id)
    done = job.state == job.State.DONE
    body = {
        "id": job.pk,
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "error": job.error,
        "download_url": reverse("reports:export_download", args=[job.pk]) if done else None,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_download(request, job_id: int):
    job = selectors.export_job_for(request.actor, job_id)
    if job.state == job.State.EXPIRED:
        return redirect("reports:export_job", job.pk)
    if job.state != job.State.DONE or not job.file:
        raise NotFound(_("导出文件尚未生成。"))
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename or "export.xlsx")
    response["Content-Type"] = XLSX
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
