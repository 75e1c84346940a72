"""The new year exists on 1 January: carried forward at 00:00 Shanghai (or on first use), awaiting
the bureau's confirmation, and nothing is refused because a bureau has not acted yet."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from audit.models import AuditEntry
from core.actors import SYSTEM
from credits import selectors as credit_selectors
from policy import tasks
from policy.models import PolicyYear, Requirement
from policy.selectors import requirement_for
from policy.years import ensure_policy_year, policy_year
from tests.credits.helpers import declare, person_actor

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_beat_at_midnight_opens_the_new_year_carried_forward_and_awaiting_confirmation(today):
    today.set(2026, 12, 31, 23, 59, 59)
    assert tasks.open_policy_year() == 2026
    assert not PolicyYear.objects.filter(year=2027).exists()
    today.set(2027, 1, 1, 0, 0, 0)
    assert tasks.open_policy_year() == 2027
    policy = PolicyYear.objects.get(year=2027)
    assert policy.awaiting_confirmation and policy.carried_forward_from == 2026
    assert (policy.declaration_deadline, policy.plan_filing_deadline, policy.reporting_deadline) == (
        dt.date(2027, 12, 31),
        dt.date(2027, 9, 15),
        dt.date(2028, 1, 31),
    )
    req = requirement_for(2027, None)
    assert (req.total_hours, req.public_hours, req.professional_hours) == (90, 30, 60)
    assert AuditEntry.objects.filter(action="policy.year_carried_forward", target_id="2027").count() == 1
    assert tasks.open_policy_year() == 2027  # again: nothing more
    assert PolicyYear.objects.filter(year=2027).count() == 1


def test_the_first_use_opens_the_year_when_the_beat_was_down(world, today, api, api_as):
    today.set(2027, 1, 4, 10, 0)
    assert not PolicyYear.objects.filter(year=2027).exists()
    assert api_as(world.person.user).get("me/progress").json()["required"]["total"] == 90
    assert api.get("policy/2027").json()["awaiting_confirmation"] is True
    declaration = declare(
        world.person, hours=Decimal("8"), started_on=dt.date(2027, 1, 4), ended_on=dt.date(2027, 1, 4)
    )
    assert (declaration.year, declaration.state) == (2027, "pending_unit")


def test_no_year_is_invented_for_the_future_or_before_the_first_policy(today):
    assert policy_year(2027) is None  # 16 November 2026: next year waits for its 1 January
    assert policy_year(2019) is None


def test_a_carried_29_february_becomes_28_february():
    PolicyYear.objects.filter(year=2026).update(plan_filing_deadline=dt.date(2026, 2, 28))
    ensure_policy_year(SYSTEM, year=2027)
    leap = ensure_policy_year(SYSTEM, year=2028)
    PolicyYear.objects.filter(year=2028).update(plan_filing_deadline=dt.date(2028, 2, 29))
    assert leap.year == 2028
    after = ensure_policy_year(SYSTEM, year=2029)
    assert after.plan_filing_deadline == dt.date(2029, 2, 28)


def test_a_declaration_of_29_february_2028_belongs_to_2028(world, today):
    today.set(2028, 3, 1, 9, 0)
    declaration = declare(
        world.person, hours=Decimal("6"), started_on=dt.date(2028, 2, 29), ended_on=dt.date(2028, 2, 29)
    )
    assert declaration.year == 2028
    # 2028 has no published calendar: its due date is computed Monday–Friday and provisional
    review = declaration.reviews.get()
    assert (review.due_on, review.due_provisional) == (dt.date(2028, 3, 8), True)


def test_the_bureau_home_says_the_year_awaits_confirmation_and_the_city_bureau_confirms(world, today):
    html = client_for(world.bureau_user).get("/dashboard/").content.decode()
    assert 'data-testid="policy-unconfirmed"' in html and "2026 年度政策：沿用上年，待确认" in html
    assert client_for(world.county_bureau_user).post("/bureau/policy/2026/confirm/").status_code == 403
    response = client_for(world.bureau_user).post("/bureau/policy/2026/confirm/", follow=True)
    assert "已确认 2026 年度政策" in response.content.decode()
    policy = PolicyYear.objects.get(year=2026)
    assert not policy.awaiting_confirmation and policy.confirmed_by == world.bureau_user
    assert AuditEntry.objects.filter(action="policy.year_confirmed").count() == 1
    again = client_for(world.bureau_user).post("/bureau/policy/2026/confirm/", follow=True)
    assert "已确认" in again.content.decode()
    html = client_for(world.bureau_user).get("/dashboard/").content.decode()
    assert 'data-testid="policy-unconfirmed"' not in html


def _admin_post(world, **changes):
    row = Requirement.objects.get(policy_year_id=2026, profile__code="default")
    other = Requirement.objects.get(policy_year_id=2026, profile__code="accounting")
    data = {
        "year": 2026,
        "declaration_deadline": "2026-12-31",
        "plan_filing_deadline": "2026-09-15",
        "reporting_deadline": "2027-01-31",
        "review_sla_working_days": 5,
        "max_daily_hours": "12.0",
        "notice_reference": "沿用 2025 年度",
        "requirements-TOTAL_FORMS": "2",
        "requirements-INITIAL_FORMS": "2",
        "requirements-0-id": row.pk,
        "requirements-0-policy_year": 2026,
        "requirements-0-profile": row.profile_id,
        "requirements-0-total_hours": "90",
        "requirements-0-public_hours": "30",
        "requirements-0-professional_hours": "60",
        "requirements-1-id": other.pk,
        "requirements-1-policy_year": 2026,
        "requirements-1-profile": other.profile_id,
        "requirements-1-total_hours": "90",
        "requirements-1-public_hours": "30",
        "requirements-1-professional_hours": "60",
        **changes,
    }
    world.bureau_user.is_staff = True
    world.bureau_user.save(update_fields=["is_staff"])
    response = client_for(world.bureau_user).post("/admin/policy/policyyear/2026/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_edit_confirms_the_year_and_a_new_review_limit_moves_open_due_dates(
    world, today, django_capture_on_commit_callbacks
):
    declaration = declare(world.person)  # Monday 16 Nov 2026 → due Monday 23 Nov (5 working days)
    assert declaration.reviews.get().due_on == dt.date(2026, 11, 23)
    with django_capture_on_commit_callbacks(execute=True):
        _admin_post(world, review_sla_working_days=3)
    assert declaration.reviews.get().due_on == dt.date(2026, 11, 19)
    assert AuditEntry.objects.filter(action="review.due_recomputed").count() == 1
    assert not PolicyYear.objects.get(year=2026).awaiting_confirmation


def test_an_edit_of_the_requirement_takes_effect_at_once_for_everyone_it_touches(world, today):
    from credits.models import HourRecord
    from tests.reports.conftest import credit

    credit(world.person, "public", 24)
    credit(world.person, "professional", 60)
    assert not credit_selectors.progress(person_actor(world.person), 2026).compliant
    _admin_post(world, **{"requirements-0-total_hours": "84", "requirements-0-public_hours": "24"})
    assert credit_selectors.progress(person_actor(world.person), 2026).compliant
    assert HourRecord.objects.count() == 2
