import datetime as dt
from decimal import Decimal

import pytest

from core.actors import SYSTEM
from policy.models import PolicyYear, Requirement
from policy.selectors import end_of_day, is_past, requirement_for
from policy.services import ensure_policy_year

pytestmark = pytest.mark.django_db


def test_policy_2025_is_exactly_the_notice(api):
    body = api.get("policy/2025").json()
    assert body["year"] == 2025
    assert body["requirements"] == {"total": 90, "public": 30, "professional": 60}
    assert body["declaration_deadline"] == "2025-12-31"
    assert body["plan_filing_deadline"] == "2025-09-15"
    assert body["review_sla_working_days"] == 5
    assert body["profiles"]["accounting"] == {"total": 90, "public": 30, "professional": 60}


def test_hours_are_json_numbers(api):
    body = api.get("policy/2025").json()
    assert isinstance(body["requirements"]["total"], int | float)


def test_current_year_is_carried_forward_from_2025(today):
    policy = PolicyYear.objects.get(year=2026)
    assert policy.declaration_deadline == dt.date(2026, 12, 31)
    assert policy.plan_filing_deadline == dt.date(2026, 9, 15)
    assert policy.review_sla_working_days == 5
    req = requirement_for(2026, None)
    assert (req.total_hours, req.public_hours, req.professional_hours) == (90, 30, 60)


def test_carrying_forward_uses_the_latest_edited_year(today):
    Requirement.objects.filter(policy_year_id=2026).update(total_hours=Decimal(100))
    policy = ensure_policy_year(SYSTEM, year=2027)
    assert policy.declaration_deadline == dt.date(2027, 12, 31)
    assert requirement_for(2027, None).total_hours == 100


def test_unknown_year_is_404_with_chinese_detail(api):
    response = api.get("policy/1999")
    assert response.status_code == 404
    assert "年度政策尚未设置" in response.json()["detail"]


def test_accounting_profession_has_its_own_profile(api):
    professions = {p["code"]: p for p in api.get("professions").json()}
    assert professions["accounting"]["profile"] == "accounting"
    assert professions["engineering"]["profile"] == "default"


def test_deadline_is_end_of_day_in_shanghai():
    deadline = dt.date(2025, 12, 31)
    shanghai = dt.timezone(dt.timedelta(hours=8))
    assert not is_past(deadline, dt.datetime(2025, 12, 31, 23, 59, 59, tzinfo=shanghai))
    assert is_past(deadline, dt.datetime(2026, 1, 1, 0, 0, 0, tzinfo=shanghai))
    # 16:00 UTC on 31 Dec is already 1 Jan in Shanghai.
    assert is_past(deadline, dt.datetime(2025, 12, 31, 16, 0, 0, tzinfo=dt.UTC))
    assert end_of_day(deadline).utcoffset() == dt.timedelta(hours=8)
