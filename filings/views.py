"""Filings pages: filers' lists and forms, the authority's opinion, the bureau's inbox with
accept/return, exceptions, late and missing filers, credentials and import jobs.

Thin: every read goes through `filings.selectors` (scoped), every write through
`filings.services`; objects outside the actor's scope are 404 (DomainErrorMiddleware)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actors import Role
from core.errors import DomainError, Forbidden, NotFound
from core.forms import apply_domain_error
from core.hours import format_hours
from filings import exports, imports, rules, selectors, services
from filings.forms import (
    ExceptionForm,
    InboxFilterForm,
    ListFilterForm,
    OpinionForm,
    PlanForm,
    PlanItemFormSet,
    PlatformForm,
    ReturnForm,
    UploadForm,
)
from filings.models import FilingState, ImportJob
from organisations.models import Organisation
from policy.selectors import end_of_day, today

PAGE_SIZE = 25
PLAN_FILERS = rules.PLAN_FILERS
PLATFORM_FILERS = rules.PLATFORM_FILERS
STAFF = (Role.UNIT, Role.BASE, Role.AUTHORITY, Role.BUREAU)


def _actor(request, *roles):
    actor = getattr(request, "actor", None)
    if actor is None:
        raise Http404
    if roles and not actor.is_role(*roles):
        raise Forbidden(_("当前身份不能使用此页面。"))
    return actor


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _deadline(organisation, year: int | None = None):
    """The filing deadline of `year` (default: this year) for `organisation` (the filer, or the
    bureau or authority looking), None when the year has no policy."""
    try:
        return rules.plan_filing_deadline(organisation, year or today().year)
    except NotFound:
        return None


def _flash_error(request, exc: DomainError) -> None:
    messages.error(request, exc.detail)


# ---------------------------------------------------------------------------------------------
# lists


def _list_filter(form: ListFilterForm) -> selectors.FilingFilter:
    if not form.is_valid():
        return selectors.FilingFilter()
    return selectors.FilingFilter(
        year=form.cleaned_data.get("year") or None, state=form.cleaned_data.get("state") or ""
    )


@login_required
def plan_list(request):
    actor = _actor(request, *STAFF)
    form = ListFilterForm(request.GET or None)
    qs = selectors.plans(actor, _list_filter(form))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "filings/plan_list.html",
        {
            "page": page,
            "form": form,
            "can_file": actor.is_role(*PLAN_FILERS),
            "deadline": _deadline(actor.organisation),
            "actor": actor,
        },
    )


@login_required
def platform_list(request):
    actor = _actor(request, *STAFF)
    form = ListFilterForm(request.GET or None)
    qs = selectors.platform_filings(actor, _list_filter(form))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "filings/platform_list.html",
        {
            "page": page,
            "form": form,
            "can_file": actor.is_role(*PLATFORM_FILERS),
            "deadline": _deadline(actor.organisation),
        },
    )


# ---------------------------------------------------------------------------------------------
# training plans


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
            except (NotFound, Forbidden):
                raise
            except DomainError as exc:
                if not _place_item_errors(formset, kept, exc):
                    apply_domain_error(form, exc)
                else:
                    messages.error(request, _("培训项目有误，请按提示修改。"))
            else:
                messages.success(request, _("培训计划已保存。核对无误后请点击“提交”。"))
                _warn_kept(request, [i.seq for i in getattr(plan, "kept_items", [])])
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
        {"form": form, "formset": formset, "plan": plan, "deadline": _deadline(actor.organisation)},
    )


def _warn_kept(request, seqs: list[int]) -> None:
    """Rows the filer removed but a draft declaration names are kept (services.plans.write_items)."""
    if seqs:
        messages.warning(
            request,
            _("第%(seqs)s行已有学时申报草稿引用，未删除；如确需删除，请联系引用该项目的人员。")
            % {"seqs": "、".join(str(seq) for seq in seqs)},
        )


@login_required
def plan_create(request):
    actor = _actor(request, *PLAN_FILERS)
    return _plan_form_page(request, actor)


@login_required
def plan_edit(request, plan_id: int):
    actor = _actor(request, *PLAN_FILERS)
    plan = selectors.get_plan(actor, plan_id)
    if plan.filer_id != actor.organisation.pk:
        raise Forbidden(_("只有申报单位可以修改本计划。"))
    if not plan.is_editable:
        messages.warning(request, _("该计划当前不能修改。"))
        return redirect("filings:plan_detail", plan_id=plan.pk)
    return _plan_form_page(request, actor, plan)


def _filing_context(actor, filing, kind: str) -> dict:
    own = actor.organisation is not None and filing.filer_id == actor.organisation.pk
    deadline = _deadline(filing.filer, filing.year)
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


@login_required
def plan_detail(request, plan_id: int):
    actor = _actor(request, *STAFF)
    plan = selectors.get_plan(actor, plan_id)
    context = {"plan": plan, "items": plan.items.all(), "import_form": UploadForm(), "actor": actor}
    context.update(_filing_context(actor, plan, "plan"))
    context["can_report_attendance"] = context["own"] and plan.state == FilingState.ACCEPTED
    return render(request, "filings/plan_detail.html", context)


SUBMIT = {
    "plan": (PLAN_FILERS, lambda actor, pk: services.submit_plan(actor, plan_id=pk)),
    "platform": (PLATFORM_FILERS, lambda actor, pk: services.submit_platform_filing(actor, filing_id=pk)),
}


@login_required
@require_POST
def submit(request, kind: str, pk: int):
    """Submit a plan or a platform filing (URL names `plan_submit`, `platform_submit`)."""
    if kind not in SUBMIT:
        raise Http404
    roles, service = SUBMIT[kind]
    actor = _actor(request, *roles)
    try:
        filing = service(actor, pk)
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        _flash_error(request, exc)
    else:
        if filing.state == FilingState.PENDING_OPINION:
            messages.success(request, _("已提交，等待行业主管部门出具意见后报人社局备案。"))
        else:
            messages.success(request, _("已提交人社局备案。"))
    return _detail(kind, pk)


@login_required
@require_POST
def plan_import(request, plan_id: int):
    actor = _actor(request, *PLAN_FILERS)
    plan = selectors.get_plan(actor, plan_id)
    form = UploadForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        try:
            job = _import_or_report(actor, ImportJob.Kind.PLAN_ITEMS, plan.pk, form.cleaned_data["file"])
        except (NotFound, Forbidden):
            raise
        except imports.RowErrors as exc:
            report = exc
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            if job.state != ImportJob.State.DONE:
                return redirect("filings:import_job", job_id=job.pk)
            _import_message(request, job)
            return redirect("filings:plan_detail", plan_id=plan.pk)
    context = {"plan": plan, "items": plan.items.all(), "import_form": form, "report": report, "actor": actor}
    context.update(_filing_context(actor, plan, "plan"))
    return render(request, "filings/plan_detail.html", context, status=422)


@login_required
def plan_template(request):
    _actor(request, *STAFF)
    try:
        year = int(request.GET.get("year") or today().year)
    except ValueError:
        year = today().year
    return _download(
        exports.plan_template_xlsx(year), exports.XLSX, f"{year}年度培训计划申报表-导入模板.xlsx"
    )


@login_required
def plan_export(request, plan_id: int, fmt: str):
    actor = _actor(request, *STAFF)
    plan = selectors.get_plan(actor, plan_id)
    if fmt not in exports.PLAN_FORMATS:
        raise Http404
    return _download(*exports.export_plan(plan, fmt))


# ---------------------------------------------------------------------------------------------
# the authority's opinion and the bureau's decision (both kinds)


def _detail(kind: str, pk: int):
    if kind == "plan":
        return redirect("filings:plan_detail", plan_id=pk)
    return redirect("filings:platform_detail", filing_id=pk)


@login_required
@require_POST
def opinion(request, kind: str, pk: int):
    actor = _actor(request, Role.AUTHORITY)
    selectors.get_filing(actor, kind, pk)
    form = OpinionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("行业主管单位意见：必须填写。"))
        return _detail(kind, pk)
    try:
        services.give_opinion(
            actor,
            kind=kind,
            filing_id=pk,
            opinion=form.cleaned_data["opinion"],
            agree=form.cleaned_data["decision"] == "agree",
        )
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        _flash_error(request, exc)
    else:
        messages.success(request, _("意见已提交。"))
    return _detail(kind, pk)


@login_required
@require_POST
def decide(request, kind: str, pk: int):
    actor = _actor(request, Role.BUREAU)
    filing = selectors.get_filing(actor, kind, pk)
    decision = request.POST.get("decision")
    if decision == "return":
        form = ReturnForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("退回原因：必须填写（至少2个字）。"))
            return _detail(kind, pk)
        reason = form.cleaned_data["reason"]
    else:
        reason = ""
    try:
        filing, token = services.decide(
            actor, kind=kind, filing_id=pk, decision=decision or "", reason=reason
        )
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        _flash_error(request, exc)
        return _detail(kind, pk)
    if token:
        # shown once, in this response only (not stored in the session or a message)
        return render(request, "filings/token.html", {"filing": filing, "token": token, "accepted": True})
    messages.success(request, _("已备案。") if decision == "accept" else _("已退回申报单位。"))
    return _detail(kind, pk)


# ---------------------------------------------------------------------------------------------
# platform filings


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
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("平台备案已保存。核对无误后请点击“提交”。"))
            return redirect("filings:platform_detail", filing_id=filing.pk)
    return render(
        request,
        "filings/platform_form.html",
        {"form": form, "filing": filing, "deadline": _deadline(actor.organisation)},
    )


def _platform_initial(filing) -> dict:
    if filing is None:
        return {"year": today().year}
    return {name: getattr(filing, name) for name in rules.PLATFORM_FIELDS}


@login_required
def platform_create(request):
    actor = _actor(request, *PLATFORM_FILERS)
    return _platform_form_page(request, actor)


@login_required
def platform_edit(request, filing_id: int):
    actor = _actor(request, *PLATFORM_FILERS)
    filing = selectors.get_platform_filing(actor, filing_id)
    if filing.filer_id != actor.organisation.pk:
        raise Forbidden(_("只有备案单位可以修改。"))
    if not filing.is_editable:
        messages.warning(request, _("该备案当前不能修改。"))
        return redirect("filings:platform_detail", filing_id=filing.pk)
    return _platform_form_page(request, actor, filing)


@login_required
def platform_detail(request, filing_id: int):
    actor = _actor(request, *STAFF)
    filing = selectors.get_platform_filing(actor, filing_id)
    context = {"filing": filing, "actor": actor}
    context.update(_filing_context(actor, filing, "platform"))
    context["can_manage_keys"] = filing.state == FilingState.ACCEPTED and (
        context["own"] or selectors.may_decide(actor, filing)
    )
    context["credentials"] = selectors.credentials_of(actor, filing.pk) if context["can_manage_keys"] else []
    return render(request, "filings/platform_detail.html", context)


@login_required
def platform_export(request, filing_id: int, fmt: str):
    actor = _actor(request, *STAFF)
    filing = selectors.get_platform_filing(actor, filing_id)
    if fmt not in exports.PLATFORM_FORMATS:
        raise Http404
    return _download(*exports.export_platform(filing, fmt))


@login_required
@require_POST
def credential_rotate(request, filing_id: int):
    actor = _actor(request, *STAFF)
    try:
        credential, token = services.rotate_credential(actor, filing_id=filing_id)
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        _flash_error(request, exc)
        return redirect("filings:platform_detail", filing_id=filing_id)
    return render(
        request, "filings/token.html", {"filing": credential.filing, "token": token, "accepted": False}
    )


@login_required
@require_POST
def credential_revoke(request, credential_id: int):
    actor = _actor(request, *STAFF)
    credential = services.revoke_credential(actor, credential_id=credential_id)
    messages.success(
        request, _("密钥 %(prefix)s… 已吊销，该密钥推送将被拒绝（401）。") % {"prefix": credential.key_prefix}
    )
    return redirect("filings:platform_detail", filing_id=credential.filing_id)


# ---------------------------------------------------------------------------------------------
# the bureau's and the authority's inbox, exceptions, late and missing filers


@login_required
def inbox(request):
    actor = _actor(request, Role.BUREAU, Role.AUTHORITY)
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
        kind__in=[Organisation.Kind.UNIT, Organisation.Kind.BASE, Organisation.Kind.AUTHORITY], is_active=True
    )


@login_required
def exceptions(request):
    actor = _actor(request, Role.BUREAU)
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
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
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
    actor = _actor(request, Role.BUREAU)
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


# ---------------------------------------------------------------------------------------------
# import jobs


def _import_or_report(actor, kind: str, target_id: int, upload):
    """Start the import job; one that ended failed (eager: the file was read right away)
    is raised as its error, for the form to show every bad row as before."""
    job = services.start_import(actor, kind=kind, target_id=target_id, upload=upload)
    if job.state == ImportJob.State.FAILED:
        raise services.import_error(job)
    return job


def _import_message(request, job) -> None:
    messages.success(request, _("已导入 %(n)s 行培训项目。") % {"n": job.result["items"]})
    _warn_kept(request, job.result.get("kept", []))


@login_required
def import_job(request, job_id: int):
    """An import's progress (the page refreshes itself until it ends) and its outcome."""
    actor = _actor(request, *STAFF)
    job = selectors.import_job_for(actor, job_id)
    response = render(
        request,
        "filings/import_job.html",
        {"job": job, "report": services.import_error(job) if job.state == ImportJob.State.FAILED else None},
    )
    if not job.finished:
        response["Refresh"] = "2"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def import_job_rerun(request, job_id: int):
    actor = _actor(request, *STAFF)
    try:
        job = services.rerun_import(actor, job_id=job_id)
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("filings:import_job", job_id=job_id)
    return redirect("filings:import_job", job_id=job.pk)
