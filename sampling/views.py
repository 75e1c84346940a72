"""Pages of audit sampling: the samples of a year with their rates and the draw form, and one
sample with a confirm / revoke form per drawn declaration. Thin: reads through
sampling.selectors (another scope's sample → 404), writes through sampling.services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import Conflict, Forbidden, Invalid
from core.forms import Form, apply_domain_error
from credits.views import asked_year, paginate, policy_years
from policy import selectors as policy_selectors
from sampling import selectors, services
from sampling.models import SampledDeclaration

Outcome = SampledDeclaration.Outcome


def _actor(request):
    actor = request.actor
    if actor is None or not actor.is_role(*selectors.DRAWERS):
        raise Forbidden(_("当前身份不能使用此页面。"))
    return actor


class DrawForm(Form):
    year = forms.IntegerField(label=gettext_lazy("学时年度"))
    share = forms.DecimalField(
        label=gettext_lazy("抽查比例（%）"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=0,
        help_text=gettext_lazy("与抽查数量二选一，如 5"),
    )
    count = forms.IntegerField(
        label=gettext_lazy("抽查数量"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("与抽查比例二选一"),
    )
    seed = forms.IntegerField(
        label=gettext_lazy("随机种子"),
        required=False,
        min_value=0,
        help_text=gettext_lazy("不填则随机生成；填写以前的种子可复核同一次抽取"),
    )
    evidence_due_on = forms.DateField(
        label=gettext_lazy("提交原件截止日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=300)


class DecisionForm(Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("核验结果"),
        choices=[(Outcome.CONFIRMED, Outcome.CONFIRMED.label), (Outcome.REVOKED, Outcome.REVOKED.label)],
    )
    reason = forms.CharField(label=gettext_lazy("核验意见"), required=False, max_length=300)


@login_required
def sample_list(request):
    actor = _actor(request)
    year = asked_year(request)
    form = DrawForm(
        initial={
            "year": year,
            "evidence_due_on": policy_selectors.add_working_days(
                policy_selectors.today(), services.DEFAULT_DUE_WORKING_DAYS
            ).date,
        }
    )
    if request.method == "POST":
        form = DrawForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sample = services.draw_sample(
                    actor,
                    draw=services.DrawInput(
                        year=data["year"],
                        share=data["share"],
                        count=data["count"],
                        seed=data["seed"],
                        evidence_due_on=data["evidence_due_on"],
                        note=data["note"],
                    ),
                )
            except Invalid as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("已抽取 %(n)s 条申报（随机种子 %(seed)s），已通知有关人员和单位。")
                    % {"n": sample.items.count(), "seed": sample.seed},
                )
                return redirect("sampling:detail", sample.pk)
    rows = list(selectors.samples(actor, year))
    return render(
        request,
        "sampling/list.html",
        {
            "year": year,
            "years": policy_years(),
            "page": paginate(request, rows, 20),
            "rates": selectors.rates_of(rows),
            "form": form,
            "weights": services.weights(),
        },
    )


@login_required
def sample_detail(request, sample_id: int):
    actor = _actor(request)
    sample = selectors.sample_for(actor, sample_id)
    outcome = request.GET.get("outcome") or ""
    if outcome not in Outcome.values:
        outcome = ""
    items = selectors.sample_items(sample, outcome or None)
    return render(
        request,
        "sampling/detail.html",
        {
            "sample": sample,
            "rates": selectors.rates_of(sample),
            "page": paginate(request, items, 50),
            "outcome": outcome,
            "outcomes": [("", _("全部")), *Outcome.choices],
            "may_decide": selectors.may_decide(actor, sample),
            "form": DecisionForm(),
        },
    )


@login_required
@require_POST
def item_decide(request, sample_id: int, item_id: int):
    actor = _actor(request)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择核验结果。"))
        return redirect("sampling:detail", sample_id)
    try:
        item = services.decide(
            actor,
            sample_id=sample_id,
            item_id=item_id,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
        )
    except (Conflict, Invalid) as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("已记录核验结果：%(o)s。") % {"o": item.get_outcome_display()})
    return redirect("sampling:detail", sample_id)
