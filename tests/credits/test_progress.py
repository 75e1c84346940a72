"""Yearly compliance: public ≥ 30 AND professional ≥ 60 AND total ≥ 90, per year, no carry-over."""

import datetime as dt
from decimal import Decimal

import pytest

from credits import ledger, selectors, services
from credits.models import HourRecord, RecordState, Source, YearSummary
from policy.models import Method, Requirement
from tests import factories
from tests.credits.helpers import person_actor

pytestmark = pytest.mark.django_db


def credit(person, category, hours, year=2026, state=RecordState.CREDITED):
    """Put a record straight into the ledger (the way every service does)."""
    from django.db import transaction

    with transaction.atomic():
        return ledger.add_records(
            [
                HourRecord(
                    person=person,
                    year=year,
                    category=category,
                    method=Method.ONLINE,
                    hours=Decimal(str(hours)),
                    source=Source.PLATFORM,
                    state=state,
                    title="课程",
                    completed_on=dt.date(year, 6, 1),
                )
            ]
        )[0]


@pytest.mark.parametrize(
    ("public", "professional", "compliant", "short"),
    [
        (30, 60, True, (0, 0, 0)),
        (29.5, 60.5, False, (0.5, 0, 0)),  # 90 in total, but public is short
        (45, 45, False, (0, 15, 0)),  # surplus public never covers professional
        (90, 0, False, (0, 60, 0)),
        (30, 59.9, False, (0, 0.1, 0.1)),
        (31, 70, True, (0, 0, 0)),
        (0, 0, False, (30, 60, 90)),
    ],
)
def test_the_three_figures_must_all_be_met(world, api_as, public, professional, compliant, short):
    if public:
        credit(world.person, "public", public)
    if professional:
        credit(world.person, "professional", professional)
    body = api_as(world.person.user).get("me/progress", year=2026).json()
    assert body["compliant"] is compliant
    assert body["public_hours"] == public and body["professional_hours"] == professional
    assert body["total_hours"] == pytest.approx(public + professional)
    assert body["required"] == {"total": 90, "public": 30, "professional": 60}
    assert (body["short"]["public"], body["short"]["professional"], body["short"]["total"]) == pytest.approx(
        short
    )


def test_the_answer_has_the_contract_fields(world, api_as):
    body = api_as(world.person.user).get("me/progress", year=2026).json()
    for key in (
        "year",
        "public_hours",
        "professional_hours",
        "total_hours",
        "pending_hours",
        "required",
        "compliant",
    ):
        assert key in body
    assert isinstance(body["public_hours"], int | float)
    assert (
        body["year"] == 2026 and body["year_closed"] is False and body["declaration_deadline"] == "2026-12-31"
    )


def test_hours_of_the_previous_year_never_count(world, api_as):
    credit(world.person, "public", 40, year=2025)
    credit(world.person, "professional", 80, year=2025)
    credit(world.person, "public", 30)
    credit(world.person, "professional", 55)
    body = api_as(world.person.user).get("me/progress", year=2026).json()
    assert body["compliant"] is False and body["total_hours"] == 85
    last = api_as(world.person.user).get("me/progress", year=2025).json()
    assert last["compliant"] is True and last["year_closed"] is True


def test_a_record_completed_on_31_december_belongs_to_that_year(world, clock):
    clock.set(2025, 12, 31, 22, 0)
    from tests.credits.helpers import declare

    declaration = declare(
        world.person, started_on=dt.date(2025, 12, 31), ended_on=dt.date(2025, 12, 31), hours=8
    )
    assert declaration.year == 2025
    clock.set(2026, 1, 4, 9, 0)
    assert selectors.progress(person_actor(world.person), 2025).pending_hours == 8
    assert selectors.progress(person_actor(world.person), 2026).pending_hours == 0


def test_pending_and_uncounted_records_do_not_count(world):
    credit(world.person, "public", 30)
    credit(world.person, "professional", 60, state=RecordState.PENDING)
    credit(world.person, "professional", 60, state=RecordState.REJECTED)
    credit(world.person, "professional", 60, state=RecordState.NOT_RECOGNISED)
    progress = selectors.progress(person_actor(world.person), 2026)
    assert progress.professional_hours == 0 and progress.pending_hours == 60 and not progress.compliant


def test_the_accounting_profile_has_its_own_requirement(world):
    accountant = factories.person(world.unit, profession="accounting", name="会计人员")
    Requirement.objects.filter(policy_year_id=2026, profile__code="accounting").update(
        total_hours=Decimal(90), public_hours=Decimal(20), professional_hours=Decimal(70)
    )
    credit(accountant, "public", 20)
    credit(accountant, "professional", 70)
    assert selectors.progress(person_actor(accountant), 2026).compliant
    credit(world.person, "public", 20)
    credit(world.person, "professional", 70)
    assert not selectors.progress(person_actor(world.person), 2026).compliant


def test_progress_is_one_summary_row_read(world, django_assert_max_num_queries):
    credit(world.person, "public", 30)
    who = person_actor(world.person)
    with django_assert_max_num_queries(1):
        selectors.progress(who, 2026)


def test_staff_read_a_persons_progress_in_scope(world, api_as):
    credit(world.person, "public", 12)
    assert (
        api_as(world.unit_user).get(f"persons/{world.person.pk}/progress", year=2026).json()["public_hours"]
        == 12
    )
    assert api_as(world.authority_user).get(f"persons/{world.person.pk}/progress").status_code == 200
    assert api_as(world.other_unit_user).get(f"persons/{world.person.pk}/progress").status_code == 404


def test_staff_cannot_use_the_person_endpoints(world, api_as):
    assert api_as(world.unit_user).get("me/progress").status_code == 403
    assert api_as(world.unit_user).get("me/hours").status_code == 403


def test_the_summary_equals_the_records_after_every_kind_of_change(world):
    credit(world.person, "public", 5)
    declaration = services.create_declaration(
        person_actor(world.person),
        declaration=services.DeclarationInput(
            category="public",
            method="practice",
            title="x",
            organizer="y",
            hours=3,
            started_on=dt.date(2026, 11, 1),
            ended_on=dt.date(2026, 11, 1),
        ),
    )
    from tests.credits.helpers import actor, pdf_file

    services.attach_evidence(person_actor(world.person), declaration_id=declaration.pk, uploaded=pdf_file())
    services.submit_declaration(person_actor(world.person), declaration_id=declaration.pk)
    services.review_declaration(
        actor(world.unit_user), declaration_id=declaration.pk, decision="return", comment="改"
    )
    services.update_declaration(
        person_actor(world.person),
        declaration_id=declaration.pk,
        change=services.DeclarationChange(category="professional"),
    )
    services.submit_declaration(person_actor(world.person), declaration_id=declaration.pk)
    services.review_declaration(actor(world.unit_user), declaration_id=declaration.pk, decision="approve")
    services.review_declaration(
        actor(world.authority_user), declaration_id=declaration.pk, decision="approve"
    )
    summary = YearSummary.objects.get(person=world.person, year=2026)
    assert (summary.public_hours, summary.professional_hours, summary.pending_hours) == (5, 3, 0)
    assert ledger.summary_mismatches() == []


def test_many_summaries_in_one_change_stay_correct(world):
    """More than a handful of people at once takes the one-statement path on PostgreSQL."""
    from django.db import transaction

    people = [factories.person(world.unit, name=f"学员{i}") for i in range(12)]
    records = [
        HourRecord(
            person=p,
            year=2026,
            category="public" if i % 2 else "professional",
            method=Method.ONLINE,
            hours=Decimal("2.5"),
            source=Source.PLATFORM,
            state=RecordState.CREDITED,
            title="课程",
            completed_on=dt.date(2026, 6, 1),
        )
        for i, p in enumerate(people * 2)
    ]
    with transaction.atomic():
        ledger.add_records(records)
        ledger.move_records(records[:12], RecordState.PENDING, "")
    assert ledger.summary_mismatches() == []
    assert YearSummary.objects.get(person=people[0], year=2026).professional_hours == Decimal("2.5")
