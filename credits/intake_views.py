"""Pages of the platform intake and the integrity list: what each learning platform sent and
what became of it (bureau), and the cases the rules leave to a person (bureau, reviewers).

Thin: reads through credits.intake_selectors (scoped; another bureau's platform → 404), writes
through credits.integrity.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.actors import Role
from core.errors import Conflict, Forbidden, Invalid
from core.forms import Form
from credits import intake_selectors, integrity
from credits.models import CompletionState, IntegrityFlag


def _actor(request, *roles):
    actor = request.actor
    if actor is None or not actor.is_role(*roles):
        raise Forbidden(_("当前身份不能使用此页面。"))
    return actor


@login_required
def platform_intake(request):
    """Every platform filed with (or in the region of) the bureau: held now, and per day what
    was received, credited, held, rejected, duplicates and expired."""
    actor = _actor(request, Role.BUREAU)
    platforms = list(intake_selectors.intake_platforms(actor))
    days = intake_selectors.intake_days(actor, [p.pk for p in platforms], days=31)
    page = Paginator(days, 50).get_page(request.GET.get("page"))
    return render(request, "credits/platform_intake.html", {"platforms": platforms, "page": page})


@login_required
def platform_intake_detail(request, platform_id: int):
    actor = _actor(request, Role.BUREAU)
    platform = intake_selectors.intake_platform(actor, platform_id)
    state = request.GET.get("state") or CompletionState.HELD
    items = intake_selectors.held_items(actor, platform.pk, state)
    days = intake_selectors.intake_days(actor, [platform.pk], days=31)
    return render(
        request,
        "credits/platform_intake_detail.html",
        {
            "platform": platform,
            "state": state,
            "states": [
                (s, CompletionState(s).label)
                for s in (CompletionState.HELD, CompletionState.REJECTED, CompletionState.EXPIRED)
            ],
            "page": Paginator(items, 50).get_page(request.GET.get("page")),
            "days": days,
        },
    )


class FlagDecisionForm(Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("核查结论"),
        choices=[
            (IntegrityFlag.State.DISMISSED, IntegrityFlag.State.DISMISSED.label),
            (IntegrityFlag.State.UPHELD, IntegrityFlag.State.UPHELD.label),
        ],
    )
    note = forms.CharField(label=gettext_lazy("核查意见"), max_length=300)


@login_required
def integrity_list(request):
    """The flags in the actor's scope, by state and kind; each linked item shown only as far as
    the actor may see it (credits.integrity.show)."""
    actor = _actor(request, Role.BUREAU, Role.UNIT, Role.AUTHORITY)
    state = request.GET.get("state") or IntegrityFlag.State.OPEN
    if state not in (*IntegrityFlag.State.values, "all"):
        state = IntegrityFlag.State.OPEN
    kind = request.GET.get("kind") or ""
    if kind not in IntegrityFlag.Kind.values:
        kind = ""
    flags = intake_selectors.integrity_flags(actor, state=state, kind=kind or None)
    page = Paginator(flags, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "credits/integrity.html",
        {
            "page": page,
            "shown": integrity.show(actor, page),
            "state": state,
            "states": [*IntegrityFlag.State.choices, ("all", _("全部"))],
            "kind": kind,
            "kinds": [("", _("全部类型")), *IntegrityFlag.Kind.choices],
            "form": FlagDecisionForm(),
        },
    )


@login_required
@require_POST
def integrity_decide(request, flag_id: int):
    """A bureau, or the reviewer of a declaration the flag links, decides; back to where the
    form was (the list, or the review page)."""
    actor = _actor(request, Role.BUREAU, Role.UNIT, Role.AUTHORITY)
    integrity.require_decider(actor, flag_id)
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    form = FlagDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择核查结论并填写核查意见。"))
        return redirect(back or "credits:integrity")
    try:
        flag = integrity.decide_flag(actor, flag_id, form.cleaned_data["decision"], form.cleaned_data["note"])
    except (Conflict, Invalid) as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("已核查：%(state)s。") % {"state": flag.get_state_display()})
    return redirect(back or "credits:integrity")
