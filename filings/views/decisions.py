"""Submitting a filing, the authority's opinion and the bureau's decision (both kinds)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actors import Role
from core.errors import Invalid
from filings import rules, selectors, services
from filings.forms import OpinionForm, ReturnForm
from filings.models import FilingState
from filings.views.common import current_actor, detail_redirect, flash_error

SUBMIT = {
    "plan": (rules.PLAN_FILERS, lambda actor, pk: services.submit_plan(actor, plan_id=pk)),
    "platform": (
        rules.PLATFORM_FILERS,
        lambda actor, pk: services.submit_platform_filing(actor, filing_id=pk),
    ),
}


@login_required
@require_POST
def submit(request, kind: str, pk: int):
    """Submit a plan or a platform filing (URL names `plan_submit`, `platform_submit`)."""
    if kind not in SUBMIT:
        raise Http404
    roles, service = SUBMIT[kind]
    actor = current_actor(request, *roles)
    try:
        filing = service(actor, pk)
    except Invalid as exc:
        flash_error(request, exc)
    else:
        if filing.state == FilingState.PENDING_OPINION:
            messages.success(request, _("已提交，等待行业主管部门出具意见后报人社局备案。"))
        else:
            messages.success(request, _("已提交人社局备案。"))
    return detail_redirect(kind, pk)


@login_required
@require_POST
def opinion(request, kind: str, pk: int):
    actor = current_actor(request, Role.AUTHORITY)
    selectors.get_filing(actor, kind, pk)
    form = OpinionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("行业主管单位意见：必须填写。"))
        return detail_redirect(kind, pk)
    try:
        services.give_opinion(
            actor,
            kind=kind,
            filing_id=pk,
            opinion=form.cleaned_data["opinion"],
            agree=form.cleaned_data["decision"] == "agree",
        )
    except Invalid as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("意见已提交。"))
    return detail_redirect(kind, pk)


@login_required
@require_POST
def decide(request, kind: str, pk: int):
    actor = current_actor(request, Role.BUREAU)
    filing = selectors.get_filing(actor, kind, pk)
    decision = request.POST.get("decision")
    if decision == "return":
        form = ReturnForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("退回原因：必须填写（至少2个字）。"))
            return detail_redirect(kind, pk)
        reason = form.cleaned_data["reason"]
    else:
        reason = ""
    try:
        filing, token = services.decide(
            actor, kind=kind, filing_id=pk, decision=decision or "", reason=reason
        )
    except Invalid as exc:
        flash_error(request, exc)
        return detail_redirect(kind, pk)
    if token:
        # shown once, in this response only (not stored in the session or a message)
        return render(request, "filings/token.html", {"filing": filing, "token": token, "accepted": True})
    messages.success(request, _("已备案。") if decision == "accept" else _("已退回申报单位。"))
    return detail_redirect(kind, pk)
