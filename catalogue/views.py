"""The bureau's catalogue pages: every bureau reads the year's catalogue; a city (or province)
bureau adds and changes kinds. Thin: reads through catalogue.selectors, writes through
catalogue.services (one transaction, audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from catalogue import display, selectors, services
from catalogue.forms import (
    ActivityTypeForm,
    LevelFormSet,
    SlotFormSet,
    activity_type_input,
    initial_levels,
    initial_slots,
)
from core.errors import Forbidden, Invalid, NotFound
from core.forms import apply_domain_error
from policy import selectors as policy_selectors
from policy.models import PolicyYear


def _actor(request):
    actor = request.actor
    selectors.require_catalogue_reader(actor)
    return actor


def _year(request) -> int:
    years = _years()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = policy_selectors.today().year
    return year if year in years else (years[0] if years else policy_selectors.today().year)


def _years() -> list[int]:
    last = policy_selectors.today().year
    return sorted((y for y in PolicyYear.objects.values_list("year", flat=True) if y <= last), reverse=True)


@login_required
def index(request):
    actor = _actor(request)
    year = _year(request)
    kinds = list(selectors.types_of_year(year, include_inactive=True))
    for kind in kinds:
        terms = display.current_terms(kind)
        kind.standard = display.standard_text(terms)
        kind.cap = display.cap_text(terms)
    return render(
        request,
        "catalogue/index.html",
        {"kinds": kinds, "year": year, "years": _years(), "may_edit": selectors.may_edit(actor)},
    )


def _kind(year: int, code: str):
    kind = selectors.types_of_year(year, include_inactive=True).filter(code=code).first()
    if kind is None:
        raise NotFound()
    return kind


@login_required
def edit(request, year: int, code: str | None = None):
    actor = _actor(request)
    if year not in _years():
        raise NotFound()
    kind = _kind(year, code) if code else None
    may_edit = selectors.may_edit(actor)
    if request.method == "POST" and not may_edit:
        raise Forbidden(_("继续教育方式目录由市（省）人社局维护，县级人社局只能查看。"))
    data = request.POST if request.method == "POST" else None
    form = ActivityTypeForm(data, instance=kind, editing=kind is not None)
    slots = SlotFormSet(data, initial=initial_slots(kind), prefix="slots")
    levels = LevelFormSet(data, initial=initial_levels(kind), prefix="levels")
    if data is not None and form.is_valid() and slots.is_valid() and levels.is_valid():
        try:
            saved = services.save_activity_type(
                actor, year=year, code=code, content=activity_type_input(form, slots, levels)
            )
        except Invalid as exc:
            apply_domain_error(form, exc)  # slot and level problems: above the form
        else:
            messages.success(
                request,
                _("已保存“%(name)s”。此后提交的申报按新的标准；已提交的申报仍按提交时的标准。")
                % {"name": saved.name},
            )
            return redirect(f"{reverse('catalogue:index')}?year={year}")
    return render(
        request,
        "catalogue/edit.html",
        {"form": form, "slots": slots, "levels": levels, "kind": kind, "year": year, "may_edit": may_edit},
        status=422 if data is not None else 200,
    )
