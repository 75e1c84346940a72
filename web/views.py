from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from accounts import selectors as account_selectors
from accounts.models import Membership
from core.errors import NotFound
from filings import selectors as filing_selectors
from organisations import selectors as org_selectors
from policy import selectors as policy_selectors


def _current_policy():
    year = policy_selectors.today().year
    try:
        policy = policy_selectors.get_policy_year(year)
        requirement = policy_selectors.requirement_for(year, None)
    except NotFound:
        return None, None
    return policy, requirement


def home(request):
    policy, requirement = _current_policy()
    today = policy_selectors.today()
    context = {"policy": policy, "requirement": requirement, "today": today}
    if policy:
        context["days_to_declaration"] = (policy.declaration_deadline - today).days
        context["days_to_plan_filing"] = (policy.plan_filing_deadline - today).days
        context["declaration_deadline_iso"] = policy_selectors.end_of_day(
            policy.declaration_deadline
        ).isoformat()
    return render(request, "web/home.html", context)


def bases(request):
    q = request.GET.get("q", "").strip()
    level = request.GET.get("level", "")
    page = Paginator(org_selectors.search_bases(q, level), 25).get_page(request.GET.get("page"))
    return render(request, "web/bases.html", {"page": page, "q": q, "level": level})


def learning_entrance(request):
    year = policy_selectors.today().year
    platforms = filing_selectors.accepted_platform_filings(year)
    return render(request, "web/learning_entrance.html", {"platforms": platforms, "year": year})


@login_required
def dashboard(request):
    """Each role has its own home; this sends the user to the one of their active role."""
    actor = request.actor
    if actor is None:
        return render(request, "web/no_role.html")
    context = {"actor": actor, **_DASHBOARD_CONTEXT[actor.role](actor)}
    return render(request, f"web/dashboard_{actor.role}.html", context)


def _person_context(actor):
    person = actor.person
    return {"person": person, "membership": account_selectors.current_membership(person)}


def _unit_context(actor):
    return {
        "pending_members": account_selectors.unit_members(actor, Membership.State.PENDING)[:100],
        "confirmed_count": account_selectors.unit_members(actor, Membership.State.CONFIRMED).count(),
    }


def _authority_context(actor):
    return {"units": org_selectors.units_in_scope(actor).select_related("region")[:200]}


def _organisation_context(actor):
    return {}


_DASHBOARD_CONTEXT = {
    "person": _person_context,
    "unit": _unit_context,
    "authority": _authority_context,
    "base": _organisation_context,
    "bureau": _organisation_context,
}
