"""The person's declarations: the list, declaring and editing (the form with its evidence
files, saved all or nothing and submitted when asked), a declaration's page, submit, delete,
and the evidence files themselves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import current_membership
from catalogue import display as catalogue_display
from catalogue import selectors as catalogue_selectors
from core.errors import Conflict, DomainError, Forbidden, Invalid
from core.hours import format_hours
from credits import selectors, services
from credits.display import state_badge
from credits.forms import DeclarationForm, method_help
from credits.models import DeclarationState, Evidence
from credits.views._common import (
    asked_year,
    catalogue_facts,
    paginate,
    person_actor,
    place_errors,
    policy_years,
    review_timeline,
    stated_review_limit,
)
from filings import selectors as filing_selectors
from policy import selectors as policy_selectors


@login_required
def declarations(request):
    actor = person_actor(request)
    state = request.GET.get("state", "")
    state = state if state in DeclarationState.values else ""
    year = asked_year(request) if request.GET.get("year") else None
    qs = selectors.declarations(actor, year=year, state=state or None)
    page = paginate(request, qs)
    for d in page:
        d.badge = state_badge(d.state)
    return render(
        request,
        "credits/declarations.html",
        {
            "page": page,
            "state": state,
            "year": year,
            "years": policy_years(),
            "states": DeclarationState.choices,
        },
    )


def _plan_items():
    year = policy_selectors.today().year
    return list(
        filing_selectors.declarable_plan_items(include_filed=True).filter(plan__year__gte=year - 1)[:500]
    )


def _save_declaration(request, actor, form, declaration_id: int | None):
    """Save the draft with its files (all or nothing), then submit it when asked. A refused
    save keeps the chosen files for the next try (PendingEvidence); a refused submit keeps the
    saved draft and its files and says why it could not go to review."""
    submit = "submit" in request.POST
    uploads = form.uploads()
    stored: list[str] = []
    try:
        with transaction.atomic():
            if declaration_id is None:
                declaration = services.create_declaration(actor, declaration=form.declaration())
            else:
                declaration = services.update_declaration(
                    actor, declaration_id=declaration_id, change=form.change()
                )
            kept = form.cleaned_data.get("pending_evidence") or []
            stored += [
                e.file.name
                for e in services.attach_pending_evidence(actor, declaration_id=declaration.pk, ids=kept)
            ]
            for slot, files in uploads:
                for upload in files:
                    stored.append(
                        services.attach_evidence(
                            actor, declaration_id=declaration.pk, uploaded=upload, slot=slot
                        ).file.name
                    )
    except DomainError as exc:
        for name in stored:  # the rows were rolled back; their files go too
            Evidence.file.field.storage.delete(name)
        if not isinstance(exc, Conflict | Invalid):
            raise  # once the files are gone: out of scope or role is the middleware's 404 / 403
        place_errors(form, exc)
        _keep_files(actor, form, uploads)
        _name_missing_files(request, form, declaration_id)
        return None
    if not submit:
        messages.success(
            request, _("已保存草稿“%(title)s”。上传证明材料后即可提交审核。") % {"title": declaration.title}
        )
        return declaration
    try:
        declaration = services.submit_declaration(actor, declaration_id=declaration.pk)
    except (Conflict, Invalid) as exc:
        messages.warning(
            request,
            _("已保存草稿“%(title)s”（含证明材料），但未能提交审核：%(reason)s")
            % {"title": declaration.title, "reason": exc.detail},
        )
        return declaration
    _submitted_message(request, declaration)
    return declaration


def _post_declaration(request, actor, form, declaration_id: int | None):
    """Every error of the form at once; whatever is refused, the chosen files are kept."""
    if form.is_valid():
        return _save_declaration(request, actor, form, declaration_id)
    _keep_files(actor, form, form.uploads())
    _name_missing_files(request, form, declaration_id)
    return None


def _name_missing_files(request, form, declaration_id: int | None) -> None:
    """A refused submit without any file says so now too, not after the other fields are
    mended (the draft is not saved, so the submit's own check would come only next time)."""
    if "submit" not in request.POST or form.pending or "file" in form.errors:
        return
    if declaration_id is None or not Evidence.objects.filter(declaration_id=declaration_id).exists():
        form.add_error("file", _(services.NO_EVIDENCE))


def _keep_files(actor, form, uploads) -> None:
    """The files chosen this time (and those kept from before) wait for the corrected form,
    each in the slot it was chosen for."""
    held = []
    for slot, files in uploads:
        kept, problems = services.hold_evidence(actor, uploads=files, slot=slot)
        held += kept
        field = f"{DeclarationForm.SLOT_PREFIX}{slot}" if slot else "file"
        for problem in problems:
            form.add_error(field, problem)
    before = services.pending_evidence(actor, ids=form.cleaned_data.get("pending_evidence") or [])
    form.pending = before + held
    names = {f.slot.code: f.slot.name for f in (form.fields[n] for n in form.slot_names)}
    for p in form.pending:
        p.slot_name = names.get(p.slot, "")


def _submitted_message(request, declaration):
    if declaration.state == DeclarationState.NOT_RECOGNISED:
        messages.warning(
            request,
            _("已提交，但所选培训不在已备案的培训计划中，学时不予认可。培训计划备案后将自动进入审核。"),
        )
        return
    review = selectors.open_review(declaration)
    messages.success(
        request,
        _("已提交“%(title)s”，等待%(unit)s审核，审核期限 %(due)s。")
        % {
            "title": declaration.title,
            "unit": declaration.unit.name if declaration.unit_id else _("用人单位"),
            "due": review.due_on.isoformat() if review else "—",
        },
    )


def _catalogue(actor, year: int) -> list:
    """The year's kinds as the declare page lists them: what to upload, the hour standard, the
    cap and what the person has of it this year (credited + pending)."""
    kinds = list(catalogue_selectors.types_of_year(year))
    for kind in kinds:
        terms = catalogue_display.current_terms(kind)
        kind.standard = catalogue_display.standard_text(terms)
        kind.cap = catalogue_display.cap_text(terms)
        if kind.yearly_cap is not None:
            kind.used = services.type_hours_used(actor.person.pk, year, kind)
            kind.left = max(kind.yearly_cap - kind.used, 0)
    return kinds


def _chosen_kind(request, kinds, current=None):
    """The kind picked on the page (`?type=` or the form's hidden field), else `current`;
    `other` = by the notice's method, without the catalogue."""
    code = request.POST.get("activity_type") if request.method == "POST" else request.GET.get("type")
    if code is None:
        return current
    pool = kinds if current is None or current in kinds else [*kinds, current]
    return next((k for k in pool if k.code == code), None)


@login_required
def declare(request):
    actor = person_actor(request)
    year = policy_selectors.today().year
    kinds = _catalogue(actor, year)
    kind = _chosen_kind(request, kinds)
    form = DeclarationForm(
        request.POST or None, request.FILES or None, plan_items=_plan_items(), activity_type=kind
    )
    if request.method == "POST":
        declaration = _post_declaration(request, actor, form, None)
        if declaration is not None:
            return redirect("credits:declaration_detail", declaration.pk)
    return render(
        request,
        "credits/declaration_form.html",
        {
            "form": form,
            "methods": method_help(),
            "declaration": None,
            "kinds": kinds,
            "kind": kind,
            "catalogue_year": year,
            "choosing": request.method == "GET" and "type" not in request.GET,
            "cannot_submit": services.why_cannot_submit(actor),
            "review_limit": _review_limit(actor, year),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def declaration_edit(request, declaration_id: int):
    actor = person_actor(request)
    declaration = selectors.declaration_for(actor, declaration_id)
    if not declaration.editable:
        messages.error(
            request,
            _("当前状态（%(state)s）的申报不能修改。") % {"state": declaration.get_state_display()},
        )
        return redirect("credits:declaration_detail", declaration.pk)
    initial = {
        "category": declaration.category,
        "method": declaration.method,
        "item_level": declaration.item_level,
        "item_count": declaration.item_count or "",
        "plan_item_id": declaration.plan_item_id,
        "title": declaration.title,
        "organizer": declaration.organizer,
        "started_on": declaration.started_on.isoformat(),
        "ended_on": declaration.ended_on.isoformat(),
        "hours": format_hours(declaration.hours),
    }
    items = _plan_items()
    if declaration.plan_item_id and all(i.pk != declaration.plan_item_id for i in items):
        items.insert(0, declaration.plan_item)
    kinds = _catalogue(actor, declaration.year)
    current = next((k for k in kinds if k.pk == declaration.activity_type_id), None)
    if current is None and declaration.activity_type_id:
        # Withdrawn from the catalogue since: still shown as the draft's kind (submit says why not).
        current = declaration.activity_type
        terms = catalogue_display.current_terms(current)
        current.standard = catalogue_display.standard_text(terms)
        current.cap = catalogue_display.cap_text(terms)
    kind = _chosen_kind(request, kinds, current)
    form = DeclarationForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        plan_items=items,
        activity_type=kind,
    )
    if request.method == "POST":
        saved = _post_declaration(request, actor, form, declaration.pk)
        if saved is not None:
            return redirect("credits:declaration_detail", saved.pk)
    return render(
        request,
        "credits/declaration_form.html",
        {
            "form": form,
            "methods": method_help(),
            "declaration": declaration,
            "kinds": kinds,
            "kind": kind,
            "catalogue_year": declaration.year,
            "choosing": False,
            "returned_by": _last_decision(declaration),
            "cannot_submit": services.why_cannot_submit(actor),
            "review_limit": _review_limit(actor, declaration.year),
        },
        status=422 if request.method == "POST" else 200,
    )


def _review_limit(actor, year: int) -> int | None:
    """The limit the form states: that of the region of the unit a submit sends the declaration
    to (the person's current one)."""
    membership = current_membership(actor.person)
    return stated_review_limit(year, membership.unit.region_id if membership else None)


def _last_decision(declaration):
    decided = [r for r in declaration.reviews.all() if r.decided_at]
    return max(decided, key=lambda r: r.decided_at) if decided else None


@login_required
def declaration_detail(request, declaration_id: int):
    actor = person_actor(request)
    declaration = selectors.declaration_for(actor, declaration_id)
    declaration.badge = state_badge(declaration.state)
    return render(
        request,
        "credits/declaration_detail.html",
        {
            "d": declaration,
            "reviews": review_timeline(declaration),
            "current": selectors.open_review(declaration),
            "record": selectors.declaration_record(declaration),
            **catalogue_facts(declaration),
            "can_delete": declaration.state == DeclarationState.DRAFT and not declaration.reviews.exists(),
        },
    )


@login_required
@require_POST
def declaration_submit(request, declaration_id: int):
    actor = person_actor(request)
    try:
        declaration = services.submit_declaration(actor, declaration_id=declaration_id)
    except (Conflict, Invalid) as exc:
        messages.error(
            request,
            _("未能提交：") + "；".join(e["message"] for e in exc.errors or [{"message": exc.detail}]),
        )
    else:
        _submitted_message(request, declaration)
    return redirect("credits:declaration_detail", declaration_id)


@login_required
@require_POST
def declaration_delete(request, declaration_id: int):
    actor = person_actor(request)
    declaration = selectors.declaration_for(actor, declaration_id)
    try:
        services.delete_declaration(actor, declaration_id=declaration_id)
    except Conflict as exc:
        messages.error(request, exc.detail)
        return redirect("credits:declaration_detail", declaration_id)
    messages.success(request, _("已删除草稿“%(title)s”。") % {"title": declaration.title})
    return redirect("credits:declarations")


@login_required
@require_POST
def evidence_remove(request, declaration_id: int, evidence_id: int):
    actor = person_actor(request)
    evidence = selectors.evidence_for(actor, declaration_id, evidence_id)
    try:
        services.remove_evidence(actor, declaration_id=declaration_id, evidence_id=evidence_id)
    except Conflict as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("已删除证明材料“%(name)s”。") % {"name": evidence.original_name})
    return redirect("credits:declaration_edit", declaration_id)


@login_required
def evidence(request, declaration_id: int, evidence_id: int):
    """The file, for the person and the reviewers who may see the declaration (else 404)."""
    actor = request.actor
    if actor is None:
        raise Forbidden()
    item = selectors.evidence_for(actor, declaration_id, evidence_id)
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        as_attachment=request.GET.get("download") == "1",
        filename=item.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
