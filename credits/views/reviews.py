"""The reviewers' pages: the queue with its filters, a declaration under review and the
decision on it, batch approval, and how timely each reviewing organisation has been."""

from __future__ import annotations

import contextlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actors import Role
from core.errors import Conflict, DomainError, Invalid
from core.hours import format_hours
from credits import integrity, selectors, services
from credits.display import state_badge
from credits.forms import BatchApproveForm, ReviewForm
from credits.models import DeclarationState, Review
from credits.views._common import (
    PAGE_SIZE,
    asked_year,
    catalogue_facts,
    paginate,
    place_errors,
    policy_years,
    review_timeline,
    reviewer_actor,
    reviewer_region,
    stated_review_limit,
)
from policy import selectors as policy_selectors
from policy.models import Category, Method

QUEUE_STATES = [
    ("pending", _("待审核")),
    ("overdue", _("已超期")),
    ("decided", _("已审核")),
    ("all", _("全部")),
]


QUEUE_PAGE_SIZES = (20, 50, 100, 200)


@login_required
def review_queue(request):
    actor = reviewer_actor(request)
    filters = selectors.ReviewQueueFilter.from_query(request.GET)
    qs = selectors.filtered_review_queue(actor, filters)
    try:
        per_page = int(request.GET.get("per_page", PAGE_SIZE))
    except ValueError:
        per_page = PAGE_SIZE
    per_page = per_page if per_page in QUEUE_PAGE_SIZES else PAGE_SIZE
    page = paginate(request, qs, per_page)
    today = policy_selectors.today()
    for review in page:
        review.overdue = selectors.is_overdue(review, today)
        review.days_left = (review.due_on - today).days
        review.days_overdue = -review.days_left
    counts = {
        "pending": selectors.review_queue(actor, "pending").count(),
        "overdue": selectors.review_queue(actor, "overdue").count(),
    }
    return render(
        request,
        "credits/review_queue.html",
        {
            "page": page,
            **filters.as_query(),
            "states": QUEUE_STATES,
            "per_page": per_page,
            "page_sizes": QUEUE_PAGE_SIZES,
            "matching": page.paginator.count,
            "max_batch": services.MAX_BATCH_APPROVE,
            "categories": Category.choices,
            "methods": Method.choices,
            "counts": counts,
            "review_limit": stated_review_limit(today.year, reviewer_region(actor)),
            "level_label": Review.Level(
                Review.Level.UNIT if actor.is_role(Role.UNIT) else Review.Level.AUTHORITY
            ).label,
        },
    )


def _review_context(actor, declaration, form):
    current = selectors.open_review(declaration)
    may_decide = (
        current is not None
        and actor.organisation is not None
        and current.organisation_id == actor.organisation.pk
        and current.level == (Review.Level.UNIT if actor.is_role(Role.UNIT) else Review.Level.AUTHORITY)
        and actor.is_role(Role.UNIT, Role.AUTHORITY)
    )
    declaration.badge = state_badge(declaration.state)
    progress = None
    with contextlib.suppress(DomainError):
        progress = selectors.progress_of(declaration.person, declaration.year)
    return {
        **catalogue_facts(declaration),
        "d": declaration,
        "integrity_flags": integrity.flags_for_review(actor, declaration),
        "reviews": review_timeline(declaration),
        "current": current,
        "may_decide": may_decide,
        "form": form,
        "progress": progress,
    }


@login_required
def review_detail(request, declaration_id: int):
    actor = reviewer_actor(request, Role.UNIT, Role.AUTHORITY, Role.BUREAU)
    declaration = selectors.declaration_for(actor, declaration_id)
    return render(request, "credits/review_detail.html", _review_context(actor, declaration, ReviewForm()))


_DECISION_DONE = {
    "approve": _("已通过“%(title)s”。"),
    "return": _("已将“%(title)s”退回本人修改。"),
    "reject": _("已不予通过“%(title)s”。"),
}


@login_required
@require_POST
def review_decide(request, declaration_id: int):
    actor = reviewer_actor(request)
    declaration = selectors.declaration_for(actor, declaration_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            decided = services.review_declaration(
                actor, declaration_id=declaration_id, decision=decision, comment=form.cleaned_data["comment"]
            )
        except Conflict as exc:
            messages.error(request, exc.detail)
            return redirect("credits:review_detail", declaration_id)
        except Invalid as exc:
            place_errors(form, exc)
        else:
            text = _DECISION_DONE[decision] % {"title": decided.title}
            if decided.state == DeclarationState.PENDING_AUTHORITY:
                text += _("已转行业主管部门审核。")
            elif decided.state == DeclarationState.APPROVED:
                text += _("%(hours)s 学时已计入本人 %(year)s 年度学时。") % {
                    "hours": format_hours(decided.hours),
                    "year": decided.year,
                }
            messages.success(request, text)
            return redirect(reverse("credits:review_queue"))
    declaration = selectors.declaration_for(actor, declaration_id)
    return render(
        request, "credits/review_detail.html", _review_context(actor, declaration, form), status=422
    )


@login_required
@require_POST
def batch_approve(request):
    """Approve the ticked declarations, or every one matching the filter the reviewer saw —
    only if it still counts what the reviewer confirmed (nothing arrived or left meanwhile)."""
    actor = reviewer_actor(request)
    filters = selectors.ReviewQueueFilter.from_query(request.POST)
    back = redirect(f"{reverse('credits:review_queue')}?{urlencode(filters.as_query())}")
    data = request.POST.copy()
    if data.get("scope") == "matching":
        if filters.state not in ("pending", "overdue"):
            messages.error(request, _("只能批量通过待审核的申报。"))
            return back
        ids = list(
            selectors.filtered_review_queue(actor, filters).values_list("declaration_id", flat=True)[
                : services.MAX_BATCH_APPROVE + 1
            ]
        )
        if str(len(ids)) != data.get("expected", ""):
            messages.error(
                request,
                _("符合条件的申报现在有 %(n)s 条，与确认时的数目不同（期间有新到达或已处理的申报），")
                % {"n": len(ids)}
                + _("请核对后重试。"),
            )
            return back
        data.setlist("ids", [str(i) for i in ids])
    form = BatchApproveForm(data)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return back
    try:
        result = services.batch_approve(
            actor, declaration_ids=form.cleaned_data["ids"], comment=form.cleaned_data["comment"]
        )
    except Invalid as exc:
        messages.error(request, exc.detail)
        return back
    if result.approved:
        messages.success(request, _("已批量通过 %(n)s 条申报。") % {"n": len(result.approved)})
    if result.failed:
        messages.warning(
            request,
            _("%(n)s 条未能通过：") % {"n": len(result.failed)}
            + "；".join(f"#{f['id']} {f['reason']}" for f in result.failed[:10]),
        )
    return back


@login_required
def timeliness(request):
    actor = reviewer_actor(request, Role.UNIT, Role.AUTHORITY, Role.BUREAU)
    year = asked_year(request)
    rows = sorted(
        selectors.review_timeliness(actor, year),
        key=lambda t: (-t.overdue, -t.late, t.organisation.name),
    )
    return render(
        request,
        "credits/timeliness.html",
        {
            "page": paginate(request, rows, 50),
            "year": year,
            "years": policy_years(),
            "review_limit": stated_review_limit(year, reviewer_region(actor)),
        },
    )
