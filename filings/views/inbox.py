"""The bureau's and the authority's inbox, late-filing exceptions, late and missing filers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.actors import Role
from core.errors import Conflict, Forbidden, Invalid
from core.forms import apply_domain_error
from filings import rules, selectors, services
from filings.forms import ExceptionForm, InboxFilterForm
from filings.models import FilingException
from filings.views.common import PAGE_SIZE, current_actor
from policy.selectors import today


@login_required
def inbox(request):
    actor = current_actor(request, Role.BUREAU, Role.AUTHORITY)
    form = InboxFilterForm(request.GET or None)
    filters = selectors.InboxFilter()
    if form.is_valid():
        filters = selectors.InboxFilter(
            kind=form.cleaned_data.get("kind") or "",
            state=form.cleaned_data.get("state") or "",
            year=form.cleaned_data.get("year"),
            q=(form.cleaned_data.get("q") or "").strip(),
        )
    rows = selectors.inbox(actor, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "filings/inbox.html", {"page": page, "form": form, "actor": actor})


def _exception_orgs(actor):
    """The organisations the bureau may grant an exception to: its region's and those that file
    with it (the provincial bases, for the home city bureau)."""
    return selectors.filers_of(actor).filter(
        kind__in=rules.FILER_KINDS[FilingException.Kind.PLAN], is_active=True
    )


@login_required
def exceptions(request):
    actor = current_actor(request, Role.BUREAU)
    initial = {"year": today().year}
    if request.GET.get("organisation"):
        initial["organisation"] = request.GET["organisation"]
    if request.GET.get("kind"):
        initial["kind"] = request.GET["kind"]
    can_grant = selectors.may_grant_exceptions(actor)
    if request.method == "POST" and not can_grant:
        raise Forbidden(_("只有受理备案的市人社局可以登记逾期备案特批；县（市、区）人社局只能查看。"))
    form = ExceptionForm(request.POST or None, organisations=_exception_orgs(actor), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_exception(
                actor,
                organisation_id=data["organisation"].pk,
                year=data["year"],
                kind=data["kind"],
                reason=data["reason"],
            )
        except (Conflict, Invalid) as exc:
            exc.errors = [
                {**e, "field": "organisation" if e["field"] == "organisation_id" else e["field"]}
                for e in exc.errors
            ]
            apply_domain_error(form, exc)
        else:
            messages.success(
                request, _("已登记 %(name)s 的逾期备案特批。") % {"name": data["organisation"].name}
            )
            return redirect("filings:exceptions")
    page = Paginator(selectors.exceptions_in_scope(actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "filings/exceptions.html", {"form": form, "page": page, "can_grant": can_grant})


@login_required
def late_missing(request):
    actor = current_actor(request, Role.BUREAU)
    try:
        year = int(request.GET.get("year") or today().year)
    except ValueError:
        year = today().year
    result = selectors.late_and_missing(actor, year)
    page = Paginator(result.missing, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "filings/late_missing.html",
        {
            "result": result,
            "page": page,
            "year": year,
            "years": [y for y, _label in _years()],
            "can_grant": selectors.may_grant_exceptions(actor),
        },
    )


def _years():
    from filings.forms import year_choices

    return year_choices()
