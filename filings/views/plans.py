"""Training plan pages: the list, the form with its rows, the page of a plan, sheet imports and
the form's exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError, Forbidden, Invalid
from core.forms import apply_domain_error
from core.hours import format_hours
from filings import exports, imports, rules, selectors, services
from filings.forms import ListFilterForm, PlanForm, PlanItemFormSet, UploadForm
from filings.models import FilingState, ImportJob
from filings.views.common import (
    PAGE_SIZE,
    STAFF,
    current_actor,
    deadline_of,
    download,
    filing_context,
    list_filter,
    warn_kept,
)
from filings.views.import_jobs import import_message, import_or_report
from policy.selectors import today


@login_required
def plan_list(request):
    actor = current_actor(request, *STAFF)
    form = ListFilterForm(request.GET or None)
    qs = selectors.plans(actor, list_filter(form))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "filings/plan_list.html",
        {
            "page": page,
            "form": form,
            "can_file": actor.is_role(*rules.PLAN_FILERS),
            "deadline": deadline_of(actor.organisation),
            "actor": actor,
        },
    )


def _items_initial(plan) -> list[dict]:
    return [
        {
            "project": i.project,
            "audience": i.audience,
            "starts_on": i.starts_on,
            "hours": format_hours(i.hours),
            "teachers": i.teachers,
            "mode": i.mode,
            "venue": i.venue,
            "funding": i.funding,
            "remark": i.remark,
            "category": i.category,
        }
        for i in plan.items.all()
    ]


def _place_item_errors(formset, kept: list[int], exc: DomainError) -> bool:
    """Service errors `items.N.field` (N: 1-based among the rows sent) → the formset's forms."""
    placed = False
    for error in exc.errors:
        parts = str(error.get("field", "")).split(".")
        if len(parts) == 3 and parts[0] == "items" and parts[1].isdigit():
            index = int(parts[1]) - 1
            if 0 <= index < len(kept):
                form = formset.forms[kept[index]]
                if parts[2] in form.fields:
                    form.add_error(parts[2], error["message"].split(" ", 1)[-1])
                    placed = True
    return placed


def _check_rows(formset, year: int | None) -> None:
    """A formset the form fields refused still gets the service's row checks (a missing venue
    beside a mistyped number), so that every row's every error shows on one submit."""
    for item_form in formset.forms:
        if item_form.cleaned_data.get("DELETE"):
            continue
        raw = {name: item_form.data.get(item_form.add_prefix(name), "") for name in item_form.fields}
        if not any(str(raw[name]).strip() for name in item_form.REQUIRED_IN_A_ROW):
            continue
        _cleaned, problems = rules.clean_plan_item(raw, year)
        for problem in problems:
            if problem["field"] in item_form.fields and problem["field"] not in item_form.errors:
                item_form.add_error(problem["field"], problem["message"])


MORE_ROWS = 5


def _with_more_rows(data):
    """The POSTed form with MORE_ROWS blank rows added (the no-script way to add rows)."""
    data = data.copy()
    try:
        total = int(data.get("items-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    data["items-TOTAL_FORMS"] = str(min(total + MORE_ROWS, PlanItemFormSet.max_num))
    return data


def _plan_form_page(request, actor, plan=None):
    if request.method == "POST" and "more_rows" in request.POST:
        form = PlanForm(request.POST)
        formset = PlanItemFormSet(_with_more_rows(request.POST), prefix="items")
    elif request.method == "POST":
        form = PlanForm(request.POST)
        formset = PlanItemFormSet(request.POST, prefix="items")
        header_valid, rows_valid = form.is_valid(), formset.is_valid()  # both: every error at once
        if not rows_valid:
            _check_rows(formset, form.cleaned_data.get("year") if header_valid else None)
        if not (header_valid and rows_valid):
            messages.error(request, _("未能保存，请按提示修改标红的项目。"))
        if header_valid and rows_valid:
            kept, rows = [], []
            for index, item_form in enumerate(formset.forms):
                if item_form.cleaned_data.get("DELETE") or item_form.is_blank():
                    continue
                kept.append(index)
                data = {k: v for k, v in item_form.cleaned_data.items() if k != "DELETE"}
                rows.append(data)
            try:
                items = tuple(services.PlanItemInput(**row) for row in rows)
                if plan is None:
                    plan = services.create_plan(
                        actor, plan=services.PlanInput(**form.cleaned_data, items=items)
                    )
                else:
                    change = services.PlanChange(**form.cleaned_data, items=items)
                    plan = services.update_plan(actor, plan_id=plan.pk, change=change)
            except Invalid as exc:
                if not _place_item_errors(formset, kept, exc):
                    apply_domain_error(form, exc)
                else:
                    messages.error(request, _("培训项目有误，请按提示修改。"))
            else:
                messages.success(request, _("培训计划已保存。核对无误后请点击“提交”。"))
                warn_kept(request, [i.seq for i in getattr(plan, "kept_items", [])])
                return redirect("filings:plan_detail", plan_id=plan.pk)
    elif plan is None:
        form = PlanForm(initial={"year": today().year})
        formset = PlanItemFormSet(prefix="items")
    else:
        form = PlanForm(
            initial={
                "year": plan.year,
                "contact_name": plan.contact_name,
                "contact_phone": plan.contact_phone,
                "filer_opinion": plan.filer_opinion,
            }
        )
        formset = PlanItemFormSet(prefix="items", initial=_items_initial(plan))
    return render(
        request,
        "filings/plan_form.html",
        {"form": form, "formset": formset, "plan": plan, "deadline": deadline_of(actor.organisation)},
    )


@login_required
def plan_create(request):
    actor = current_actor(request, *rules.PLAN_FILERS)
    return _plan_form_page(request, actor)


@login_required
def plan_edit(request, plan_id: int):
    actor = current_actor(request, *rules.PLAN_FILERS)
    plan = selectors.get_plan(actor, plan_id)
    if plan.filer_id != actor.organisation.pk:
        raise Forbidden(_("只有申报单位可以修改本计划。"))
    if not plan.is_editable:
        messages.warning(request, _("该计划当前不能修改。"))
        return redirect("filings:plan_detail", plan_id=plan.pk)
    return _plan_form_page(request, actor, plan)


@login_required
def plan_detail(request, plan_id: int):
    actor = current_actor(request, *STAFF)
    plan = selectors.get_plan(actor, plan_id)
    context = {"plan": plan, "items": plan.items.all(), "import_form": UploadForm(), "actor": actor}
    context.update(filing_context(actor, plan, "plan"))
    context["can_report_attendance"] = context["own"] and plan.state == FilingState.ACCEPTED
    return render(request, "filings/plan_detail.html", context)


@login_required
@require_POST
def plan_import(request, plan_id: int):
    actor = current_actor(request, *rules.PLAN_FILERS)
    plan = selectors.get_plan(actor, plan_id)
    form = UploadForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        try:
            job = import_or_report(actor, ImportJob.Kind.PLAN_ITEMS, plan.pk, form.cleaned_data["file"])
        except imports.RowErrors as exc:
            report = exc
        except Invalid as exc:
            apply_domain_error(form, exc)
        else:
            if job.state != ImportJob.State.DONE:
                return redirect("filings:import_job", job_id=job.pk)
            import_message(request, job)
            return redirect("filings:plan_detail", plan_id=plan.pk)
    context = {"plan": plan, "items": plan.items.all(), "import_form": form, "report": report, "actor": actor}
    context.update(filing_context(actor, plan, "plan"))
    return render(request, "filings/plan_detail.html", context, status=422)


@login_required
def plan_template(request):
    current_actor(request, *STAFF)
    try:
        year = int(request.GET.get("year") or today().year)
    except ValueError:
        year = today().year
    return download(exports.plan_template_xlsx(year), exports.XLSX, f"{year}年度培训计划申报表-导入模板.xlsx")


@login_required
def plan_export(request, plan_id: int, fmt: str):
    actor = current_actor(request, *STAFF)
    plan = selectors.get_plan(actor, plan_id)
    if fmt not in exports.PLAN_FORMATS:
        raise Http404
    return download(*exports.export_plan(plan, fmt))
