"""The person's own hours: the year's records with its progress, and the progress of every year."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.errors import DomainError
from credits import intake_selectors, selectors
from credits.views._common import asked_year, paginate, person_actor, policy_years


@login_required
def records(request):
    actor = person_actor(request)
    year = asked_year(request)
    rows = selectors.hour_records(actor, year)
    progress = selectors.progress(actor, year)
    return render(
        request,
        "credits/records.html",
        {
            "page": paginate(request, rows, 50),
            "year": year,
            "years": policy_years(),
            "progress": progress,
            "held": intake_selectors.held_of_person(actor)[:50],
        },
    )


@login_required
def history(request):
    actor = person_actor(request)
    rows = []
    for year in policy_years():
        try:
            rows.append(selectors.progress(actor, year))
        except DomainError:
            continue
    return render(request, "credits/history.html", {"rows": rows, "page": paginate(request, rows)})
