"""Platform filing pages: the list, the form, the page of a filing with its credentials, exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Forbidden, Invalid
from core.forms import apply_domain_error
from filings import exports, rules, selectors, services
from filings.forms import ListFilterForm, PlatformForm
from filings.models import FilingState
from filings.views.common import (
    PAGE_SIZE,
    STAFF,
    current_actor,
    deadline_of,
    download,
    filing_context,
    flash_error,
    list_filter,
)
from policy.selectors import today


@login_required
def platform_list(request):
    actor = current_actor(request, *STAFF)
    form = ListFilterForm(request.GET or None)
    qs = selectors.platform_filings(actor, list_filter(form))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "filings/platform_list.html",
        {
            "page": page,
            "form": form,
            "can_file": actor.is_role(*rules.PLATFORM_FILERS),
            "deadline": deadline_of(actor.organisation),
        },
    )


def _platform_form_page(request, actor, filing=None):
    form = PlatformForm(
        request.POST or None, initial=None if request.method == "POST" else _platform_initial(filing)
    )
    if request.method == "POST" and form.is_valid():
        try:
            if filing is None:
                filing = services.create_platform_filing(
                    actor, filing=services.PlatformInput(**form.cleaned_data)
                )
            else:
                services.update_platform_filing(
                    actor, filing_id=filing.pk, change=services.PlatformChange(**form.cleaned_data)
                )
        except Invalid as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("平台备案已保存。核对无误后请点击“提交”。"))
            return redirect("filings:platform_detail", filing_id=filing.pk)
    return render(
        request,
        "filings/platform_form.html",
        {"form": form, "filing": filing, "deadline": deadline_of(actor.organisation)},
    )


def _platform_initial(filing) -> dict:
    if filing is None:
        return {"year": today().year}
    return {name: getattr(filing, name) for name in rules.PLATFORM_FIELDS}


@login_required
def platform_create(request):
    actor = current_actor(request, *rules.PLATFORM_FILERS)
    return _platform_form_page(request, actor)


@login_required
def platform_edit(request, filing_id: int):
    actor = current_actor(request, *rules.PLATFORM_FILERS)
    filing = selectors.get_platform_filing(actor, filing_id)
    if filing.filer_id != actor.organisation.pk:
        raise Forbidden(_("只有备案单位可以修改。"))
    if not filing.is_editable:
        messages.warning(request, _("该备案当前不能修改。"))
        return redirect("filings:platform_detail", filing_id=filing.pk)
    return _platform_form_page(request, actor, filing)


@login_required
def platform_detail(request, filing_id: int):
    actor = current_actor(request, *STAFF)
    filing = selectors.get_platform_filing(actor, filing_id)
    context = {"filing": filing, "actor": actor}
    context.update(filing_context(actor, filing, "platform"))
    context["can_manage_keys"] = filing.state == FilingState.ACCEPTED and (
        context["own"] or selectors.may_decide(actor, filing)
    )
    context["credentials"] = selectors.credentials_of(actor, filing.pk) if context["can_manage_keys"] else []
    return render(request, "filings/platform_detail.html", context)


@login_required
def platform_export(request, filing_id: int, fmt: str):
    actor = current_actor(request, *STAFF)
    filing = selectors.get_platform_filing(actor, filing_id)
    if fmt not in exports.PLATFORM_FORMATS:
        raise Http404
    return download(*exports.export_platform(filing, fmt))


@login_required
@require_POST
def credential_rotate(request, filing_id: int):
    actor = current_actor(request, *STAFF)
    try:
        credential, token = services.rotate_credential(actor, filing_id=filing_id)
    except Invalid as exc:
        flash_error(request, exc)
        return redirect("filings:platform_detail", filing_id=filing_id)
    return render(
        request, "filings/token.html", {"filing": credential.filing, "token": token, "accepted": False}
    )


@login_required
@require_POST
def credential_revoke(request, credential_id: int):
    actor = current_actor(request, *STAFF)
    credential = services.revoke_credential(actor, credential_id=credential_id)
    messages.success(
        request, _("密钥 %(prefix)s… 已吊销，该密钥推送将被拒绝（401）。") % {"prefix": credential.key_prefix}
    )
    return redirect("filings:platform_detail", filing_id=credential.filing_id)
