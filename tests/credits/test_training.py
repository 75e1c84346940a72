"""Training (研修培训) counts only under an accepted (备案) training plan."""

import datetime as dt
from decimal import Decimal

import pytest

from core import errors
from core.actors import SYSTEM
from credits import ledger, selectors, services
from credits.models import HourRecord, RecordState, Review
from credits.rules.recognition import NOT_RECOGNISED_REASON
from filings.models import FilingState
from filings.signals import plan_accepted
from notifications.models import Notification
from tests.credits.helpers import actor, declare, person_actor, plan_item

pytestmark = pytest.mark.django_db

TRAINING = {
    "method": "training",
    "hours": Decimal("24"),
    "started_on": dt.date(2026, 6, 1),
    "ended_on": dt.date(2026, 6, 3),
}


def test_training_under_an_accepted_plan_goes_to_review(world):
    item = plan_item(world.base)
    declaration = declare(world.person, plan_item_id=item.pk, **TRAINING)
    assert declaration.state == "pending_unit"
    assert HourRecord.objects.get(declaration=declaration).plan_item_id == item.pk


def test_training_under_a_plan_not_yet_accepted_is_not_recognised_then_enters_review(world, clock, api_as):
    item = plan_item(world.base, accepted=False)
    declaration = declare(world.person, plan_item_id=item.pk, **TRAINING)
    assert declaration.state == "not_recognised"
    record = HourRecord.objects.get(declaration=declaration)
    assert (record.state, record.reason) == (RecordState.NOT_RECOGNISED, NOT_RECOGNISED_REASON)
    assert not Review.objects.filter(declaration=declaration).exists()
    hours = api_as(world.person.user).get("me/hours", year=2026).json()
    assert hours[0]["explanation"] == "培训未按规定备案，学时不予认可" and hours[0]["counted"] is False
    assert api_as(world.person.user).get("me/progress", year=2026).json()["pending_hours"] == 0
    assert Notification.objects.filter(user=world.person.user, title__contains="不予认可").exists()

    # The bureau accepts the plan (the filings app sends plan_accepted): review starts now.
    clock.set(2026, 11, 20, 11, 0)  # Friday
    item.plan.state = FilingState.ACCEPTED
    item.plan.save()
    plan_accepted.send(sender=type(item.plan), plan=item.plan)
    declaration.refresh_from_db()
    assert declaration.state == "pending_unit"
    review = Review.objects.get(declaration=declaration)
    assert review.level == "unit" and review.due_on == dt.date(2026, 11, 27)
    assert HourRecord.objects.get(declaration=declaration).state == RecordState.PENDING
    assert selectors.progress(person_actor(world.person), 2026).pending_hours == Decimal("24")
    assert ledger.summary_mismatches() == []


def test_training_without_a_plan_item_is_not_recognised(world):
    declaration = declare(world.person, **TRAINING)
    assert declaration.state == "not_recognised"
    other_plan = plan_item(world.base).plan
    assert services.recognise_plan(SYSTEM, plan_id=other_plan.pk) == []


def test_a_plan_accepted_signal_leaves_other_plans_declarations_alone(world):
    mine = plan_item(world.base, accepted=False)
    declaration = declare(world.person, plan_item_id=mine.pk, **TRAINING)
    other = plan_item(world.base, accepted=True)
    plan_accepted.send(sender=type(other.plan), plan=other.plan)
    declaration.refresh_from_db()
    assert declaration.state == "not_recognised"


def test_the_plan_items_category_and_hours_bind_the_declaration(world):
    item = plan_item(world.base, hours="16", category="public")
    with pytest.raises(errors.DomainError) as exc:
        declare(world.person, plan_item_id=item.pk, category="professional", **{**TRAINING, "hours": 8})
    assert exc.value.errors[0]["field"] == "category"
    with pytest.raises(errors.DomainError) as exc:
        declare(world.person, plan_item_id=item.pk, category="public", **TRAINING)
    assert exc.value.errors[0]["field"] == "hours"
    assert "不能超过培训计划项目的学时数（16）" in exc.value.errors[0]["message"]


def test_an_unknown_plan_item_is_named(world):
    with pytest.raises(errors.DomainError) as exc:
        declare(world.person, plan_item_id=999999, **TRAINING)
    assert exc.value.errors[0]["field"] == "plan_item_id"


def test_approved_training_is_credited(world):
    item = plan_item(world.base)
    declaration = declare(world.person, plan_item_id=item.pk, **TRAINING)
    services.review_declaration(actor(world.unit_user), declaration_id=declaration.pk, decision="approve")
    services.review_declaration(
        actor(world.authority_user), declaration_id=declaration.pk, decision="approve"
    )
    assert selectors.progress(person_actor(world.person), 2026).professional_hours == Decimal("24")


def test_changing_a_draft_away_from_training_drops_its_plan_item(world):
    item = plan_item(world.base)
    draft = declare(world.person, submit=False, plan_item_id=item.pk, **TRAINING)
    updated = services.update_declaration(
        person_actor(world.person),
        declaration_id=draft.pk,
        change=services.DeclarationChange(method="practice"),
    )
    assert updated.plan_item_id is None and updated.method == "practice"


def test_training_declared_in_time_is_recognised_after_its_year_closed(world, clock):
    """A declaration submitted before the deadline was in time; a plan accepted in the next
    year (exception) brings it into review then, and its hours count for the year learned."""
    clock.set(2025, 12, 20, 10, 0)
    item = plan_item(world.base, accepted=False, year=2025, starts_on=dt.date(2025, 12, 1))
    declaration = declare(
        world.person,
        plan_item_id=item.pk,
        **{**TRAINING, "started_on": dt.date(2025, 12, 1), "ended_on": dt.date(2025, 12, 3)},
    )
    assert declaration.state == "not_recognised"

    clock.set(2026, 2, 10, 9, 0)  # the 2025 declaration deadline has passed
    item.plan.state = FilingState.ACCEPTED
    item.plan.save()
    plan_accepted.send(sender=type(item.plan), plan=item.plan)
    declaration.refresh_from_db()
    assert declaration.state == "pending_unit"
    # Spring Festival 2026: 15-23 Feb off, make-up working days Sat 14 Feb and Sat 28 Feb.
    assert Review.objects.get(declaration=declaration).due_on == dt.date(2026, 2, 24)

    services.review_declaration(actor(world.unit_user), declaration_id=declaration.pk, decision="approve")
    services.review_declaration(
        actor(world.authority_user), declaration_id=declaration.pk, decision="approve"
    )
    record = HourRecord.objects.get(declaration=declaration)
    assert (record.year, record.state) == (2025, RecordState.CREDITED)
    assert selectors.progress(person_actor(world.person), 2025).professional_hours == Decimal("24")
    assert selectors.progress(person_actor(world.person), 2026).professional_hours == Decimal("0")
