"""Public pages, each role's home, and the bureau's and unit's daily management pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from accounts.models import Membership
from core.actors import Role
from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from core.forms import apply_domain_error
from core.views import actor_in_role
from credits import reminders
from filings import selectors as filing_selectors
from organisations import selectors as org_selectors
from organisations.models import Region
from policy import selectors as policy_selectors
from policy import services as policy_services
from policy.models import REGIONAL_FIGURES
from web import dashboards
from web import selectors as web_selectors
from web.forms import CalendarYearForm, MemberFilterForm, PeopleSearchForm, RegionalFiguresForm

PAGE_SIZE = 20


def paginate(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


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
        context["base_count"] = org_selectors.bases().count()
        context["platform_count"] = filing_selectors.accepted_platform_filings(policy.year).count()
    return render(request, "web/home.html", context)


def bases(request):
    q = request.GET.get("q", "").strip()
    level = request.GET.get("level", "")
    page = paginate(request, org_selectors.search_bases(q, level), 25)
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
    context = {"actor": actor, **dashboards.context_for(actor)}
    return render(request, f"web/dashboard_{actor.role}.html", context)


# --- unit: members (审核账户) -------------------------------------------------------------


def _unit_actor(request):
    return actor_in_role(request, Role.UNIT, message=_("只有用人单位审核账号可以管理本单位人员。"))


@login_required
def unit_members(request):
    actor = _unit_actor(request)
    form = MemberFilterForm(request.GET or None)
    state, q = Membership.State.PENDING, ""
    if form.is_valid():
        state = form.cleaned_data["state"] or Membership.State.PENDING
        q = form.cleaned_data["q"].strip()
    qs = account_selectors.unit_members(actor, state).select_related("person__user")
    if q:
        qs = qs.filter(Q(person__name__icontains=q) | Q(person__user__username=q))
    counts = {
        s: account_selectors.unit_members(actor, s).count()
        for s in (Membership.State.PENDING, Membership.State.CONFIRMED, Membership.State.REJECTED)
    }
    return render(
        request,
        "web/unit_members.html",
        {
            "actor": actor,
            "form": form,
            "state": state,
            "q": q,
            "page": paginate(request, qs),
            "counts": counts,
        },
    )


@login_required
@require_POST
def remind_staff(request):
    """The unit reminds its members who are still short this year (the notice asks it to)."""
    actor = _unit_actor(request)
    try:
        sent = reminders.remind_unit_staff(actor)
    except (Conflict, Invalid) as exc:
        messages.error(request, exc.detail)
    else:
        if sent:
            messages.success(request, _("已提醒 %(n)s 名尚未达标的本单位人员。") % {"n": sent})
        else:
            messages.info(request, _("本单位人员均已达标，无需提醒。"))
    return redirect("web:dashboard")


# --- bureau: people, policy years, work calendar -----------------------------------------


def _bureau_actor(request):
    actor = request.actor
    web_selectors.require_bureau(actor)
    return actor


_PEOPLE_SEARCH = "bureau_people_search"


@login_required
def bureau_people(request):
    """The search is sent by POST and kept in the session (an ID number only as its look-up
    hash), so that no ID number is ever in a URL: not in the access log, not in the browser's
    history; the result pages are then plain GETs."""
    actor = _bureau_actor(request)
    if request.method == "POST":
        form = PeopleSearchForm(request.POST)
        if form.is_valid():
            request.session[_PEOPLE_SEARCH] = web_selectors.people_search_terms(form.cleaned_data["q"])
            return redirect("web:bureau_people")
        terms = {}
    else:
        terms = request.session.get(_PEOPLE_SEARCH, {})
        form = PeopleSearchForm(initial={"q": terms.get("q", "")})
    people = web_selectors.search_people(actor, terms.get("q", ""), id_hash=terms.get("id_hash", ""))
    page = paginate(request, people)
    units = web_selectors.current_units([p.pk for p in page])
    rows = [(p, units.get(p.pk)) for p in page]
    context = {"form": form, "page": page, "rows": rows, "terms": terms}
    return render(request, "web/bureau_people.html", context)


@login_required
def policy_years(request):
    actor = _bureau_actor(request)
    years = list(web_selectors.policy_years())
    today = policy_selectors.today()
    latest = years[0].year if years else None
    next_year = (latest + 1) if latest else today.year
    return render(
        request,
        "web/policy_years.html",
        {
            "years": years,
            "next_year": next_year,
            "latest": latest,
            "may_edit": policy_selectors.may_edit_policy(actor),
            "may_set_regional": policy_selectors.may_set_regional_figures(actor),
            "current_year": today.year,
        },
    )


@login_required
@require_POST
def policy_year_carry_forward(request):
    actor = _bureau_actor(request)
    if not policy_selectors.may_edit_policy(actor):
        raise Forbidden(_("年度政策由本平台所在市（全省平台为省）人社局设置，本局只能查看。"))
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    today = policy_selectors.today()
    if not today.year - 1 <= year <= today.year + 1:
        messages.error(request, _("年度：只能设置上一年、今年或明年的政策。"))
        return redirect("web:policy_years")
    try:
        policy = policy_services.ensure_policy_year(actor, year=year)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("已设置 %(year)s 年度政策（%(ref)s）。如本年度通知有变化，请在“修改”中调整。")
            % {"year": policy.year, "ref": policy.notice_reference},
        )
    return redirect("web:policy_years")


@login_required
@require_POST
def policy_year_confirm(request, year: int):
    actor = _bureau_actor(request)
    try:
        policy = policy_services.confirm_policy_year(actor, year=year)
    except Conflict as exc:
        messages.info(request, exc.detail)
    else:
        messages.success(request, _("已确认 %(year)s 年度政策。") % {"year": policy.year})
    return redirect("web:policy_years")


def _allowed_figures(policy) -> set[str]:
    return {field for field, flag in REGIONAL_FIGURES.items() if getattr(policy, flag)}


@login_required
def regional_figures_list(request, year: int):
    """The figures of `year` in each city the bureau governs (the province: all of them) and
    where each comes from; a city bureau's own row leads to its form."""
    actor = _bureau_actor(request)
    policy = policy_selectors.get_policy_year(year)
    rows = [
        (city, policy_selectors.figures_for(city, year)) for city in policy_selectors.cities_in_scope(actor)
    ]
    own = actor.organisation.region if policy_selectors.may_set_regional_figures(actor) else None
    return render(
        request,
        "web/regional_figures_list.html",
        {"policy": policy, "year": year, "rows": rows, "own": own, "allowed": _allowed_figures(policy)},
    )


@login_required
def regional_figures(request, year: int, code: str):
    """One city's figures of `year`: its own bureau sets them where the province allows; the
    province bureau reads them; any other bureau gets a 404."""
    actor = _bureau_actor(request)
    city = Region.objects.filter(code=code).first()
    if city is None:
        raise NotFound()
    policy_selectors.regional_scope(actor, city)
    policy = policy_selectors.get_policy_year(year)
    allowed = _allowed_figures(policy)
    may_set = policy_selectors.may_set_regional_figures(actor) and actor.organisation.region_id == city.pk
    stored = policy_selectors.regional_figures(year, city)
    initial = {field: getattr(stored, field) for field in REGIONAL_FIGURES} if stored else {}
    if request.method == "POST":
        if not may_set:
            raise Forbidden(_("本市年度数字由该市人社局设置。"))
        form = RegionalFiguresForm(request.POST, initial=initial, allowed=allowed)
        if form.is_valid():
            figures = policy_services.RegionalFiguresInput(
                **{field: form.cleaned_data[field] for field in REGIONAL_FIGURES if field in allowed}
            )
            try:
                policy_services.set_regional_figures(actor, year=year, region_id=city.pk, figures=figures)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request, _("已保存%(city)s %(year)s 年度数字。") % {"city": city.name, "year": year}
                )
                return redirect("web:regional_figures", year=year, code=city.code)
    else:
        form = RegionalFiguresForm(initial=initial, allowed=allowed)
    return render(
        request,
        "web/regional_figures.html",
        {
            "policy": policy,
            "year": year,
            "city": city,
            "form": form,
            "may_set": may_set,
            "allowed": allowed,
            "figures": policy_selectors.figures_for(city, year),
            "stored": stored,
        },
    )


@login_required
def calendar(request):
    actor = _bureau_actor(request)
    today = policy_selectors.today()
    years = web_selectors.calendar_years(today.year - 2, today.year + 1)
    return render(
        request,
        "web/calendar.html",
        {
            "years": years,
            "today": today,
            "may_edit": policy_selectors.may_edit_policy(actor),
            "next_year": today.year + 1,
            "next_year_missing": not web_selectors.calendar_entered(today.year + 1),
        },
    )


@login_required
def calendar_year(request, year: int):
    actor = _bureau_actor(request)
    today = policy_selectors.today()
    if not 2004 <= year <= today.year + 2:
        raise NotFound(_("只能录入 2004 年至 %(last)s 年的工作日历。") % {"last": today.year + 2})
    may_edit = policy_selectors.may_edit_policy(actor)
    days = web_selectors.calendar_days(year)
    if request.method == "POST":
        if not may_edit:
            raise Forbidden(_("工作日历由本平台所在市（全省平台为省）人社局录入，本局只能查看。"))
        form = CalendarYearForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                policy_services.enter_calendar_year(
                    actor,
                    year=year,
                    holidays=data["holidays"],
                    make_up_days=data["make_up_days"],
                    note=data["note"],
                )
            except DomainError as exc:
                labels = {"holidays": _("放假的工作日："), "make_up_days": _("调休上班的周末：")}
                for error in exc.errors:
                    prefix = labels.get(error.get("field"), "")
                    if prefix and not error["message"].startswith(prefix):
                        error["message"] = prefix + error["message"]
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "已录入 %(year)s 年工作日历：放假 %(h)s 天、调休上班 %(m)s 天。"
                        "落在该年的暂定审核期限将按新日历重新计算。"
                    )
                    % {"year": year, "h": len(data["holidays"]), "m": len(data["make_up_days"])},
                )
                return redirect("web:calendar")
    else:
        form = CalendarYearForm(
            initial={
                "holidays": "\n".join(d.date.isoformat() for d in days if not d.is_working_day),
                "make_up_days": "\n".join(d.date.isoformat() for d in days if d.is_working_day),
                "note": web_selectors.calendar_note(year),
            }
        )
    return render(
        request,
        "web/calendar_year.html",
        {
            "year": year,
            "form": form,
            "days": days,
            "months": web_selectors.calendar_months(year, days),
            "may_edit": may_edit,
            "entered": web_selectors.calendar_entered(year),
        },
    )
