"""What the filings pages share: the actor, downloads, the deadline shown, list filters, the
context of a filing's page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.actors import Role
from core.errors import DomainError, Forbidden, NotFound
from filings import rules, selectors
from filings.forms import ListFilterForm, OpinionForm, ReturnForm
from filings.models import FilingState
from policy.selectors import end_of_day, today

PAGE_SIZE = 25
STAFF = (Role.UNIT, Role.BASE, Role.AUTHORITY, Role.BUREAU)


def current_actor(request, *roles):
    actor = getattr(request, "actor", None)
    if actor is None:
        raise Http404
    if roles and not actor.is_role(*roles):
        raise Forbidden(_("当前身份不能使用此页面。"))
    return actor


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def deadline_of(organisation, year: int | None = None):
    """The filing deadline of `year` (default: this year) for `organisation` (the filer, or the
    bureau or authority looking), None when the year has no policy."""
    try:
        return rules.plan_filing_deadline(organisation, year or today().year)
    except NotFound:
        return None


def flash_error(request, exc: DomainError) -> None:
    messages.error(request, exc.detail)


def list_filter(form: ListFilterForm) -> selectors.FilingFilter:
    if not form.is_valid():
        return selectors.FilingFilter()
    return selectors.FilingFilter(
        year=form.cleaned_data.get("year") or None, state=form.cleaned_data.get("state") or ""
    )


def filing_context(actor, filing, kind: str) -> dict:
    own = actor.organisation is not None and filing.filer_id == actor.organisation.pk
    deadline = deadline_of(filing.filer, filing.year)
    return {
        "own": own,
        "can_edit": own and filing.is_editable,
        "can_opinion": actor.is_role(Role.AUTHORITY)
        and filing.state == FilingState.PENDING_OPINION
        and filing.filer.supervisor_id == actor.organisation.pk,
        "can_decide": filing.state == FilingState.SUBMITTED and selectors.may_decide(actor, filing),
        "can_grant_exception": filing.state == FilingState.DRAFT
        and selectors.may_grant_exception(actor, filing.filer),
        "opinion_form": OpinionForm(),
        "return_form": ReturnForm(),
        "deadline": deadline,
        "deadline_at": end_of_day(deadline) if deadline else None,
        "kind": kind,
    }


def detail_redirect(kind: str, pk: int):
    if kind == "plan":
        return redirect("filings:plan_detail", plan_id=pk)
    return redirect("filings:platform_detail", filing_id=pk)


def warn_kept(request, seqs: list[int]) -> None:
    """Rows the filer removed but a draft declaration names are kept (services.plans.write_items)."""
    if seqs:
        messages.warning(
            request,
            _("第%(seqs)s行已有学时申报草稿引用，未删除；如确需删除，请联系引用该项目的人员。")
            % {"seqs": "、".join(str(seq) for seq in seqs)},
        )
