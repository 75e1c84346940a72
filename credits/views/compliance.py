"""Supervision of the staff's hours: compliance by person and by unit, the forecast of who
will fall short, and one person's progress, records and title readiness."""

from __future__ import annotations

import dataclasses

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.selectors import current_membership
from core.actors import Role
from core.errors import Invalid
from core.replica import reporting_alias
from credits import forecast as forecast_model
from credits import selectors
from credits.display import state_badge
from credits.forms import ReadinessForm
from credits.views._common import asked_year, paginate, place_errors, policy_years, reviewer_actor
from organisations.selectors import units_in_scope


def compliance_filters(request, actor):
    """Year, unit, "only those short" and a name search, as the page and its export read them;
    the rows are read on the reporting database (core.replica)."""
    filters = selectors.ComplianceFilter.from_query(request.GET)
    return filters, selectors.filtered_staff_compliance(actor, filters, using=reporting_alias())


@login_required
def compliance(request):
    actor = reviewer_actor(request, Role.UNIT, Role.AUTHORITY, Role.BUREAU)
    filters, qs = compliance_filters(request, actor)
    page = paginate(request, qs, 50)
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
            "years": policy_years(),
            "units": units_in_scope(actor).order_by("name") if not actor.is_role(Role.UNIT) else [],
            "by_unit": by_unit[:30],
            "totals": totals,
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
def forecast(request):
    """Who will not make it at their pace so far: names for a unit, counts by unit above it."""
    actor = reviewer_actor(request, Role.UNIT, Role.AUTHORITY, Role.BUREAU)
    year = asked_year(request)
    w = forecast_model.window(year)
    context = {"year": year, "years": policy_years(), "window": w, "people": None, "units": None}
    if w.shown and actor.is_role(Role.UNIT):
        context["people"] = paginate(request, forecast_model.people_at_risk(actor, year, w), 50)
    elif w.shown:
        context["units"] = paginate(request, forecast_model.counts_by_unit(actor, year, w), 50)
    return render(request, "credits/forecast.html", context)


@login_required
def person_detail(request, person_id: int):
    """A person seen by their unit, authority or bureau: progress, records, title readiness."""
    actor = reviewer_actor(request, Role.UNIT, Role.AUTHORITY, Role.BUREAU)
    year_choices = policy_years()[:5]
    form = ReadinessForm(request.GET or None, year_choices=year_choices)
    on_date, years = None, None
    if form.is_valid():
        on_date = form.cleaned_data["on_date"]
        years = form.cleaned_data["years"] or None
    try:
        readiness = selectors.title_readiness(actor, person_id, on_date, years)
    except Invalid as exc:
        place_errors(form, exc)
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
            "membership": current_membership(readiness.person),
        },
    )
