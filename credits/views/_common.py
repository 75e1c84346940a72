"""What the credit-hour pages share: the actor each page is for, paging and the year asked for,
domain errors placed on the form, a declaration's review timeline and catalogue facts, and the
review time limit the pages state."""

from __future__ import annotations

import contextlib

from django.core.paginator import Paginator
from django.utils.translation import gettext as _

from catalogue import display as catalogue_display
from core.actors import Role
from core.errors import DomainError, Forbidden, Invalid, NotFound
from core.forms import apply_domain_error
from credits import selectors, services
from credits.forms import DeclarationForm
from credits.rules import review_clock
from policy import selectors as policy_selectors
from policy.models import PolicyYear

PAGE_SIZE = 20
# Service field names that are not form fields land on the nearest form field.
_FIELD_ALIASES = {"evidence": "file", "year": "ended_on", "slot": "file", "activity_type": None}


def paginate(request, items, size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


def asked_year(request, default: int | None = None) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return default or policy_selectors.today().year
    return year if 2000 <= year <= 2100 else (default or policy_selectors.today().year)


def policy_years() -> list[int]:
    today = policy_selectors.today().year
    return sorted(
        (y for y in PolicyYear.objects.values_list("year", flat=True) if y <= today), reverse=True
    ) or [today]


def place_errors(form, exc: DomainError) -> None:
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


def person_actor(request):
    actor = request.actor
    if actor is None or not actor.is_role(Role.PERSON) or actor.person is None:
        raise Forbidden(_("只有专业技术人员本人可以使用此页面。"))
    return actor


def reviewer_actor(request, *roles):
    actor = request.actor
    roles = roles or (Role.UNIT, Role.AUTHORITY)
    if actor is None or not actor.is_role(*roles):
        raise Forbidden(_("当前身份不能使用此页面。"))
    return actor


def stated_review_limit(year: int, region_id: int | None) -> int | None:
    """The review time limit (working days per level) a page states for `year` in the region;
    None for a year without a policy, whose page then names no figure instead of failing."""
    with contextlib.suppress(NotFound):
        return review_clock.review_limit(year, region_id)
    return None


def reviewer_region(actor) -> int | None:
    """The region of the reviewer's organisation: the limit its pages state is that region's."""
    return actor.organisation.region_id if actor.organisation is not None else None


def review_timeline(declaration):
    rows = sorted(declaration.reviews.all(), key=lambda r: (r.arrived_at, r.pk))
    today = policy_selectors.today()
    for r in rows:
        r.overdue = selectors.is_overdue(r, today)
    return rows


def catalogue_facts(declaration) -> dict:
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
