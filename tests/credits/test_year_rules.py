"""Hours belong to the year the learning happened (不得结转或顺延), and training counts only under
the plan of that year: declarations, platform pushes and attendance reports alike."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from core.errors import DomainError
from credits import services
from credits.models import Declaration, HourRecord, Review
from filings.models import FilingState
from filings.signals import plan_accepted
from tests.credits.helpers import actor, declare, person_actor, plan_item, platform_token

pytestmark = pytest.mark.django_db
D = dt.date

SELF_STUDY = {
    "category": "professional",
    "method": "self_study",
    "title": "BIM 正向设计自学",
    "organizer": "本单位技术部",
}
TRAINING = {
    "method": "training",
    "hours": Decimal("16"),
    "started_on": D(2026, 6, 1),
    "ended_on": D(2026, 6, 2),
}


def _error(exc) -> dict:
    return exc.value.errors[0]


# --- R1: declarations may not span two years -------------------------------------------------


def test_a_declaration_spanning_two_years_is_refused_on_started_on(world, api_as):
    """2025-01-02 … 2026-01-05 for 900 h would have carried a whole 2025 into 2026."""
    response = api_as(world.person.user).post(
        "declarations",
        {**SELF_STUDY, "hours": 900, "started_on": "2025-01-02", "ended_on": "2026-01-05"},
    )
    assert response.status_code == 422, response.json()
    error = response.json()["errors"][0]
    assert error["field"] == "started_on"
    assert "2025 年" in error["message"] and "不得结转或顺延" in error["message"]
    assert not Declaration.objects.exists()


def test_a_span_of_a_few_days_over_new_year_is_refused_too(world, clock):
    clock.set(2026, 1, 10, 9, 0)
    with pytest.raises(DomainError) as exc:
        declare(
            world.person,
            submit=False,
            hours=Decimal("16"),
            started_on=D(2025, 12, 30),
            ended_on=D(2026, 1, 2),
        )
    assert _error(exc)["field"] == "started_on"


def test_editing_a_draft_into_a_span_over_two_years_is_refused(world):
    draft = declare(world.person, submit=False)
    with pytest.raises(DomainError) as exc:
        services.update_declaration(
            person_actor(world.person),
            declaration_id=draft.pk,
            change=services.DeclarationChange(started_on=D(2025, 11, 2)),
        )
    assert _error(exc)["field"] == "started_on"
    draft.refresh_from_db()
    assert draft.started_on == D(2026, 11, 2)


def test_learning_from_1_january_to_31_december_of_one_year_is_fine(world, clock):
    clock.set(2026, 12, 31, 20, 0)
    declaration = declare(
        world.person, hours=Decimal("60"), started_on=D(2026, 1, 1), ended_on=D(2026, 12, 31)
    )
    assert declaration.state == "pending_unit" and declaration.year == 2026


# --- R1: platform pushes may not widen the ceiling with another year's days --------------------


def _push(token, items):
    return Client().post(
        "/api/v1/platform/completions",
        {"items": items},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def _item(person, external_id, **changes):
    row = {
        "external_id": external_id,
        "id_number": person.reveal_id_number(),
        "name": person.name,
        "course": "数字技术与网络安全",
        "category": "public",
        "hours": 10,
        "completed_on": "2026-01-05",
    }
    row.update(changes)
    return row


def test_a_push_started_in_another_year_is_rejected_with_the_reason(world):
    token = platform_token(world)
    body = _push(
        token,
        [
            _item(world.person, "six-years", hours=9000, started_on="2020-01-01"),
            _item(world.person, "new-year", hours=10, started_on="2025-12-30"),
            _item(world.person, "same-year", hours=24, started_on="2026-01-02"),
        ],
    ).json()
    assert body["accepted"] == ["same-year"]
    reasons = {r["external_id"]: r["reason"] for r in body["rejected"]}
    assert set(reasons) == {"six-years", "new-year"}
    assert reasons["six-years"].startswith("开始日期") and "不得结转或顺延" in reasons["six-years"]
    assert "2020 年" in reasons["six-years"] and "2025 年" in reasons["new-year"]
    assert HourRecord.objects.get().hours == Decimal("24")


# --- R2: training only under the plan of the declaration's year, not before the class starts ---


def test_training_naming_another_years_plan_item_is_refused(world):
    last_year = plan_item(world.base, year=2025, starts_on=D(2025, 6, 1))
    with pytest.raises(DomainError) as exc:
        declare(world.person, plan_item_id=last_year.pk, **TRAINING)
    assert _error(exc)["field"] == "plan_item_id"
    assert "2025" in _error(exc)["message"] and "2026" in _error(exc)["message"]
    assert not Declaration.objects.exists()


def test_training_may_not_start_before_the_class(world):
    item = plan_item(world.base, starts_on=D(2026, 6, 1))
    with pytest.raises(DomainError) as exc:
        declare(world.person, plan_item_id=item.pk, **{**TRAINING, "started_on": D(2026, 5, 20)})
    assert _error(exc)["field"] == "started_on"
    assert "2026-06-01" in _error(exc)["message"]


def test_a_training_declaration_through_the_api_names_plan_item_id(world, api_as):
    last_year = plan_item(world.base, year=2025, starts_on=D(2025, 6, 1))
    response = api_as(world.person.user).post(
        "declarations",
        {
            "category": "professional",
            "title": "装配式建筑新技术研修班",
            "organizer": "三门峡市建筑业协会",
            "method": "training",
            "hours": 16,
            "started_on": "2026-06-01",
            "ended_on": "2026-06-02",
            "plan_item_id": last_year.pk,
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "plan_item_id"


@pytest.mark.parametrize("state", [FilingState.DRAFT, FilingState.RETURNED])
def test_a_draft_may_not_name_an_item_of_a_plan_not_yet_submitted(world, state):
    item = plan_item(world.base, accepted=False)
    item.plan.state = state
    item.plan.save()
    with pytest.raises(DomainError) as exc:
        declare(world.person, submit=False, plan_item_id=item.pk, **TRAINING)
    assert _error(exc)["field"] == "plan_item_id"
    assert not Declaration.objects.exists()


@pytest.mark.parametrize("state", [FilingState.PENDING_OPINION, FilingState.SUBMITTED])
def test_a_plan_on_its_way_is_not_recognised_then_recognised_on_acceptance(world, state):
    item = plan_item(world.base, accepted=False)
    item.plan.state = state
    item.plan.save()
    declaration = declare(world.person, plan_item_id=item.pk, **TRAINING)
    assert declaration.state == "not_recognised"
    item.plan.state = FilingState.ACCEPTED
    item.plan.save()
    plan_accepted.send(sender=type(item.plan), plan=item.plan)
    declaration.refresh_from_db()
    assert declaration.state == "pending_unit"
    assert Review.objects.filter(declaration=declaration, level="unit").exists()


# --- attendance: the class's year and start bind the reported date too -------------------------


def test_attendance_dated_in_another_year_than_the_plan_is_refused(world):
    item = plan_item(world.base, year=2025, starts_on=D(2025, 12, 1))
    with pytest.raises(DomainError) as exc:
        services.credit_attendance(
            actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 8)], completed_on=D(2026, 1, 3)
        )
    assert _error(exc)["field"] == "completed_on"
    assert "不得结转或顺延" in _error(exc)["message"]
    assert not HourRecord.objects.exists()


def test_attendance_dated_before_the_class_starts_is_refused(world):
    item = plan_item(world.base, starts_on=D(2026, 6, 1))
    with pytest.raises(DomainError) as exc:
        services.credit_attendance(
            actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 8)], completed_on=D(2026, 5, 1)
        )
    assert _error(exc)["field"] == "completed_on"
    assert not HourRecord.objects.exists()
