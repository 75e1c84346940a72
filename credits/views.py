"""Credit-hour pages: the person's progress, records and declarations; the reviewers' queues,
decisions, staff compliance, title readiness and review timeliness.

Thin: every read goes through credits.selectors (scoped by the actor; outside → 404) and
every write through credits.services (one transaction each, audited).
"""

from __future__ import annotations

import contextlib
import dataclasses
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalogue import display as catalogue_display
from catalogue import selectors as catalogue_selectors
from core.actors import Role
from core.errors import Conflict, DomainError, Forbidden, Invalid
from core.forms import apply_domain_error
from core.hours import format_hours
from core.replica import reporting_alias
from credits import forecast as forecast_model
from credits import intake_selectors, integrity, selectors, services
from credits.display import state_badge
from credits.forms import BatchApproveForm, DeclarationForm, ReadinessForm, ReviewForm, method_help
from credits.models import DeclarationState, Evidence, Review
from filings import selectors as filing_selectors
from organisations.selectors import units_in_scope
from policy import selectors as policy_selectors
from policy.models import Category, Method, PolicyYear

PAGE_SIZE = 20
# Service field names that are not form fields land on the nearest form field.
_FIELD_ALIASES = {"evidence": "file", "year": "ended_on", "slot": "file", "activity_type": None}


def _page(request, items, size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


def _year(request, default: int | None = None) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return default or policy_selectors.today().year
    return year if 2000 <= year <= 2100 else (default or policy_selectors.today().year)


def _years() -> list[int]:
    today = policy_selectors.today().year
    return sorted(
        (y for y in PolicyYear.objects.values_list("year", flat=True) if y <= today), reverse=True
    ) or [today]


def _place_errors(form, exc: DomainError) -> None:
    for error in exc.errors:
        field = error.get("field") or ""
        if field.startswith("evidence.") and f"{DeclarationForm.SLOT_PREFIX}{field[9:]}" in form.fields:
            field = f"{DeclarationForm.SLOT_PREFIX}{field[9:]}"  # a missing evidence item: its slot
        field = _FIELD_ALIASES.get(field, field)
        if field not in form.fields:  # no field of its own on the page: said above the form
            form.add_error(None, error["message"])
            continue
        error["field"] = field
        apply_domain_error(form, Invalid(error["message"], [error]))
    if not exc.errors:
        apply_domain_error(form, exc)


def _person_actor(request):
    actor = request.actor
    if actor is None or not actor.is_role(Role.PERSON) or actor.person is None:
        raise Forbidden(_("只有专业技术人员本人可以使用此页面。"))
    return actor


def _reviewer_actor(request, *roles):
    actor = request.actor
    roles = roles or (Role.UNIT, Role.AUTHORITY)
    if actor is None or not actor.is_role(*roles):
        raise Forbidden(_("当前身份不能使用此页面。"))
    return actor


# ---------------------------------------------------------------------------------------------
# the person


@login_required
def records(request):
    actor = _person_actor(request)
    year = _year(request)
    rows = selectors.hour_records(actor, year)
    progress = selectors.progress(actor, year)
    return render(
        request,
        "credits/records.html",
        {
            "page": _page(request, rows, 50),
            "year": year,
            "years": _years(),
            "progress": progress,
            "held": intake_selectors.held_of_person(actor)[:50],
        },
    )


@login_required
def history(request):
    actor = _person_actor(request)
    rows = []
    for year in _years():
        try:
            rows.append(selectors.progress(actor, year))
        except DomainError:
            continue
    return render(request, "credits/history.html", {"rows": rows, "page": _page(request, rows)})


@login_required
def declarations(request):
    actor = _person_actor(request)
    state = request.GET.get("state", "")
    state = state if state in DeclarationState.values else ""
    year = _year(request) if request.GET.get("year") else None
    qs = selectors.declarations(actor, year=year, state=state or None)
    page = _page(request, qs)
    for d in page:
        d.badge = state_badge(d.state)
    return render(
        request,
        "credits/declarations.html",
        {
            "page": page,
            "state": state,
            "year": year,
            "years": _years(),
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
        _place_errors(form, exc)
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
    actor = _person_actor(request)
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
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def declaration_edit(request, declaration_id: int):
    actor = _person_actor(request)
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
        },
        status=422 if request.method == "POST" else 200,
    )


def _last_decision(declaration):
    decided = [r for r in declaration.reviews.all() if r.decided_at]
    return max(decided, key=lambda r: r.decided_at) if decided else None


def _timeline(declaration):
    rows = sorted(declaration.reviews.all(), key=lambda r: (r.arrived_at, r.pk))
    today = policy_selectors.today()
    for r in rows:
        r.overdue = selectors.is_overdue(r, today)
    return rows


@login_required
def declaration_detail(request, declaration_id: int):
    actor = _person_actor(request)
    declaration = selectors.declaration_for(actor, declaration_id)
    declaration.badge = state_badge(declaration.state)
    return render(
        request,
        "credits/declaration_detail.html",
        {
            "d": declaration,
            "reviews": _timeline(declaration),
            "current": selectors.open_review(declaration),
            "record": selectors.declaration_record(declaration),
            **_catalogue_facts(declaration),
            "can_delete": declaration.state == DeclarationState.DRAFT and not declaration.reviews.exists(),
        },
    )


@login_required
@require_POST
def declaration_submit(request, declaration_id: int):
    actor = _person_actor(request)
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
    actor = _person_actor(request)
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
    actor = _person_actor(request)
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


# ---------------------------------------------------------------------------------------------
# reviewers


QUEUE_STATES = [
    ("pending", _("待审核")),
    ("overdue", _("已超期")),
    ("decided", _("已审核")),
    ("all", _("全部")),
]


QUEUE_PAGE_SIZES = (20, 50, 100, 200)


@login_required
def review_queue(request):
    actor = _reviewer_actor(request)
    filters = selectors.ReviewQueueFilter.from_query(request.GET, lenient=True)
    qs = selectors.filtered_review_queue(actor, filters)
    try:
        per_page = int(request.GET.get("per_page", PAGE_SIZE))
    except ValueError:
        per_page = PAGE_SIZE
    per_page = per_page if per_page in QUEUE_PAGE_SIZES else PAGE_SIZE
    page = _page(request, qs, per_page)
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
        **_catalogue_facts(declaration),
        "d": declaration,
        "integrity_flags": integrity.flags_for_review(actor, declaration),
        "reviews": _timeline(declaration),
        "current": current,
        "may_decide": may_decide,
        "form": form,
        "progress": progress,
    }


def _catalogue_facts(declaration) -> dict:
    """What the reviewer (and the person) see of the catalogue: the kind with the standard and
    cap it was submitted under (`terms`; a draft: the catalogue now), the evidence by slot, and
    the person's other credited and pending hours of the kind this year."""
    if declaration.activity_type_id is None:
        return {"terms": None}
    kind = declaration.activity_type
    terms = declaration.terms or catalogue_display.current_terms(kind)
    evidence = list(declaration.evidence.all())
    slots = [
        {**slot, "files": [e for e in evidence if e.slot == slot["code"]]} for slot in terms.get("slots", [])
    ]
    known = {slot["code"] for slot in slots}
    return {
        "terms": terms,
        "standard": catalogue_display.standard_text(terms),
        "cap": catalogue_display.cap_text(terms),
        "slot_rows": slots,
        "other_files": [e for e in evidence if e.slot not in known],
        "type_used": services.type_hours_used(declaration.person_id, declaration.year, kind, declaration.pk),
    }


@login_required
def review_detail(request, declaration_id: int):
    actor = _reviewer_actor(request, Role.UNIT, Role.AUTHORITY, Role.BUREAU)
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
    actor = _reviewer_actor(request)
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
            _place_errors(form, exc)
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
    actor = _reviewer_actor(request)
    filters = selectors.ReviewQueueFilter.from_query(request.POST, lenient=True)
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


# ---------------------------------------------------------------------------------------------
# supervision: compliance, title readiness, timeliness


def compliance_filters(request, actor):
    """Year, unit, "only those short" and a name search, as the page and its export read them;
    the rows are read on the reporting database (core.replica)."""
    filters = selectors.ComplianceFilter.from_query(request.GET, lenient=True)
    return filters, selectors.filtered_staff_compliance(actor, filters, using=reporting_alias())


@login_required
def compliance(request):
    actor = _reviewer_actor(request, Role.UNIT, Role.AUTHORITY, Role.BUREAU)
    filters, qs = compliance_filters(request, actor)
    page = _page(request, qs, 50)
    by_unit = []
    if not actor.is_role(Role.UNIT):
        by_unit = sorted(
            selectors.compliance_by_unit(actor, filters.year, using=reporting_alias()),
            key=lambda u: (u.compliant / u.members if u.members else 1, u.unit.name),
        )
    totals = {
        "members": sum(u.members for u in by_unit) if by_unit else None,
        "compliant": sum(u.compliant for u in by_unit) if by_unit else None,
    }
    if actor.is_role(Role.UNIT):
        all_rows = selectors.staff_compliance(actor, filters.year, using=reporting_alias())
        totals = {"members": all_rows.count(), "compliant": all_rows.filter(compliant=True).count()}
    return render(
        request,
        "credits/compliance.html",
        {
            **dataclasses.asdict(filters),
            "page": page,
            "years": _years(),
            "units": units_in_scope(actor).order_by("name") if not actor.is_role(Role.UNIT) else [],
            "by_unit": by_unit[:30],
            "totals": totals,
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
def forecast(request):
    """Who will not make it at their pace so far: names for a unit, counts by unit above it."""
    actor = _reviewer_actor(request, Role.UNIT, Role.AUTHORITY, Role.BUREAU)
    year = _year(request)
    w = forecast_model.window(year)
    context = {"year": year, "years": _years(), "window": w, "people": None, "units": None}
    if w.shown and actor.is_role(Role.UNIT):
        context["people"] = _page(request, forecast_model.people_at_risk(actor, year, w), 50)
    elif w.shown:
        context["units"] = _page(request, forecast_model.counts_by_unit(actor, year, w), 50)
    return render(request, "credits/forecast.html", context)


@login_required
def person_detail(request, person_id: int):
    """A person seen by their unit, authority or bureau: progress, records, title readiness."""
    actor = _reviewer_actor(request, Role.UNIT, Role.AUTHORITY, Role.BUREAU)
    year_choices = _years()[:5]
    form = ReadinessForm(request.GET or None, year_choices=year_choices)
    on_date, years = None, None
    if form.is_valid():
        on_date = form.cleaned_data["on_date"]
        years = form.cleaned_data["years"] or None
    try:
        readiness = selectors.title_readiness(actor, person_id, on_date, years)
    except Invalid as exc:
        _place_errors(form, exc)
        readiness = selectors.title_readiness(actor, person_id)
    records = selectors.person_hour_records(actor, person_id, readiness.year)
    for d in readiness.unfinished:
        d.badge = state_badge(d.state)
    return render(
        request,
        "credits/person_detail.html",
        {
            "r": readiness,
            "person": readiness.person,
            "form": form,
            "records": records[:50],
            "membership": _membership(readiness.person),
        },
    )


def _membership(person):
    from accounts.selectors import current_membership

    return current_membership(person)


@login_required
def timeliness(request):
    actor = _reviewer_actor(request, Role.UNIT, Role.AUTHORITY, Role.BUREAU)
    year = _year(request)
    rows = sorted(
        selectors.review_timeliness(actor, year),
        key=lambda t: (-t.overdue, -t.late, t.organisation.name),
    )
    return render(
        request,
        "credits/timeliness.html",
        {"page": _page(request, rows, 50), "year": year, "years": _years()},
    )
