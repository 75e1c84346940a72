"""Attendance pages of a training base: its accepted classes, and one class's uploads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actors import Role
from core.errors import Forbidden, Invalid
from core.forms import apply_domain_error
from credits import attendance
from filings import selectors as filing_selectors
from filings.forms import UploadForm
from filings.imports import RowErrors
from filings.models import ImportJob, PlanItem
from filings.rules import PLAN_FILERS
from filings.views.common import current_actor
from filings.views.import_jobs import import_or_report

_CREDITED = gettext_lazy(
    "名单 %(rows)s 人：新计入 %(credited)s 人，此前已计入（未重复计入） %(duplicates)s 人。"
)


@login_required
def attendance_page(request, item_id: int):
    actor = current_actor(request, *PLAN_FILERS, Role.BUREAU)
    item: PlanItem = filing_selectors.get_plan_item(actor, item_id)
    own = actor.organisation is not None and item.plan.filer_id == actor.organisation.pk
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        if not own:
            raise Forbidden(_("只有培训计划的申报单位（基地）可以报送到课名单。"))
        if form.is_valid():
            try:
                job = import_or_report(actor, ImportJob.Kind.ATTENDANCE, item.pk, form.cleaned_data["file"])
            except RowErrors as exc:
                report, status = exc, 422
            except Invalid as exc:
                apply_domain_error(form, exc)
                status = 422
            else:
                if job.state != ImportJob.State.DONE:
                    return redirect("filings:import_job", job_id=job.pk)
                messages.success(request, _CREDITED % job.result)
                return redirect("filings:attendance", item_id=item.pk)
    return render(
        request,
        "credits/attendance.html",
        {
            "item": item,
            "plan": item.plan,
            "form": form,
            "report": report,
            "uploads": attendance.attendance_uploads(actor, item.pk)[:50],
            "credited_people": attendance.attendance_credited_people(actor, item.pk),
            "own": own,
        },
        status=status,
    )


@login_required
def attendance_index(request):
    """The classes of the actor's accepted plans, to pick one and upload its attendance."""
    actor = current_actor(request, *PLAN_FILERS)
    page = Paginator(attendance.attendance_classes(actor), 50).get_page(request.GET.get("page"))
    return render(request, "credits/attendance_index.html", {"page": page})
