"""Base attendance reports (基地报送出勤): credited once per person and class, only for accepted plans."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditEntry
from core.actors import SYSTEM
from core.errors import DomainError, Forbidden, NotFound
from credits import ledger, selectors, services
from credits.models import HourRecord, RecordState, Source
from credits.services import recognition
from tests import factories
from tests.credits.helpers import actor, declare, person_actor, plan_item

pytestmark = pytest.mark.django_db


def test_attendance_is_credited_once_per_person_and_class(world):
    item = plan_item(world.base, hours="24")
    base = actor(world.base_user)
    third = factories.person(world.unit, name="王五")
    first = services.credit_attendance(
        base, plan_item_id=item.pk, rows=[(world.person, Decimal("24")), (third, Decimal("12.5"))]
    )
    assert {p.pk for p in first.credited} == {world.person.pk, third.pk}
    assert first.duplicates == []
    records = HourRecord.objects.filter(plan_item=item)
    assert {(r.source, r.method, r.state, r.category, r.year, r.completed_on) for r in records} == {
        (Source.ATTENDANCE, "training", RecordState.CREDITED, "professional", 2026, dt.date(2026, 6, 1))
    }
    assert selectors.progress(person_actor(world.person), 2026).professional_hours == Decimal("24")

    # The same sheet again (and a person twice in one sheet): duplicates, nothing counted twice.
    again = services.credit_attendance(
        base, plan_item_id=item.pk, rows=[(world.person, Decimal("24")), (third.pk, 12), (third, 12)]
    )
    assert again.credited == []
    assert sorted(p.pk for p in again.duplicates) == sorted([world.person.pk, third.pk, third.pk])
    assert HourRecord.objects.filter(plan_item=item).count() == 2
    assert selectors.progress(person_actor(world.person), 2026).professional_hours == Decimal("24")
    assert ledger.summary_mismatches() == []
    assert AuditEntry.objects.filter(action="hour_record.credited_attendance").count() == 2


def test_a_completed_on_date_sets_the_year_and_may_not_be_in_the_future(world):
    item = plan_item(world.base, starts_on=dt.date(2026, 3, 1))
    result = services.credit_attendance(
        actor(world.base_user),
        plan_item_id=item.pk,
        rows=[(world.person, 8)],
        completed_on=dt.date(2026, 3, 5),
    )
    assert result.records[0].completed_on == dt.date(2026, 3, 5)
    with pytest.raises(DomainError) as exc:
        services.credit_attendance(
            actor(world.base_user),
            plan_item_id=item.pk,
            rows=[(world.other_person, 8)],
            completed_on=dt.date(2026, 12, 1),
        )
    assert exc.value.errors[0]["field"] == "completed_on"


def test_a_year_whose_reporting_has_closed_is_refused(world):
    item = plan_item(world.base, starts_on=dt.date(2025, 6, 1), year=2025)
    with pytest.raises(DomainError) as exc:
        services.credit_attendance(actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 8)])
    assert exc.value.errors[0]["field"] == "completed_on"
    assert (
        "2025 年度学时报送（学习平台推送、继续教育基地报送出勤）已于 2026年1月31日 截止" in exc.value.detail
    )
    assert not HourRecord.objects.exists()


def test_a_december_class_reported_in_january_counts_for_its_year_until_the_reporting_deadline(world, clock):
    """The base reports after New Year: the people learned in time, the hours are theirs."""
    item = plan_item(world.base, starts_on=dt.date(2026, 12, 28), year=2026)
    clock.set(2027, 1, 31, 23, 59, 59)
    result = services.credit_attendance(
        actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 8)]
    )
    assert [(r.year, r.state, r.completed_on) for r in result.records] == [
        (2026, "credited", dt.date(2026, 12, 28))
    ]
    clock.set(2027, 2, 1, 0, 0, 0)
    with pytest.raises(DomainError) as exc:
        services.credit_attendance(
            actor(world.base_user), plan_item_id=item.pk, rows=[(world.other_person, 8)]
        )
    assert "2027年1月31日" in exc.value.detail
    assert HourRecord.objects.count() == 1


def test_a_plan_that_is_not_accepted_is_refused(world):
    item = plan_item(world.base, accepted=False)
    with pytest.raises(DomainError) as exc:
        services.credit_attendance(actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 8)])
    assert exc.value.errors[0]["field"] == "plan_item"
    assert not HourRecord.objects.exists()


def test_only_the_filer_or_the_bureau_of_its_region_reports_its_classes(world):
    item = plan_item(world.base)  # the base is a city-level organisation
    with pytest.raises(Forbidden):
        services.credit_attendance(actor(world.unit_user), plan_item_id=item.pk, rows=[(world.person, 8)])
    with pytest.raises(Forbidden):
        services.credit_attendance(
            SYSTEM, plan_item_id=item.pk, rows=[(world.person, 8)]
        )  # no unscoped back door
    with pytest.raises(NotFound):  # a county bureau: the city's base is outside its region
        services.credit_attendance(
            actor(world.county_bureau_user), plan_item_id=item.pk, rows=[(world.person, 8)]
        )
    assert not HourRecord.objects.exists()
    result = services.credit_attendance(
        actor(world.bureau_user), plan_item_id=item.pk, rows=[(world.person, 8)]
    )
    assert [p.pk for p in result.credited] == [world.person.pk]
    # A unit of 湖滨区 files with the city bureau: the county bureau reads its plan, decides nothing.
    units_class = plan_item(world.unit)
    with pytest.raises(Forbidden):
        services.credit_attendance(
            actor(world.county_bureau_user), plan_item_id=units_class.pk, rows=[(world.person, 8)]
        )
    services.credit_attendance(
        actor(world.bureau_user), plan_item_id=units_class.pk, rows=[(world.person, 8)]
    )
    assert HourRecord.objects.filter(plan_item=units_class).count() == 1


def test_bad_hours_name_the_row_and_nothing_is_written(world):
    item = plan_item(world.base, hours="24")
    rows = [
        (world.person, Decimal("8")),
        (world.other_person, Decimal("25")),
        (world.person, Decimal("1.25")),
    ]
    with pytest.raises(DomainError) as exc:
        services.credit_attendance(actor(world.base_user), plan_item_id=item.pk, rows=rows)
    assert [e["field"] for e in exc.value.errors] == ["rows.1.hours", "rows.2.hours"]
    assert not HourRecord.objects.exists()


def test_the_database_refuses_a_second_attendance_record(world):
    item = plan_item(world.base)
    services.credit_attendance(actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 8)])
    with pytest.raises(IntegrityError), transaction.atomic():
        HourRecord.objects.create(
            person=world.person,
            year=2026,
            category="professional",
            method="training",
            hours=8,
            source=Source.ATTENDANCE,
            state=RecordState.REJECTED,
            title="x",
            completed_on=dt.date(2026, 6, 1),
            plan_item=item,
        )


def test_attendance_after_an_approved_declaration_of_the_class_is_a_duplicate(world):
    item = plan_item(world.base, hours="24")
    declaration = declare(
        world.person,
        method="training",
        plan_item_id=item.pk,
        hours=Decimal("24"),
        started_on=dt.date(2026, 6, 1),
        ended_on=dt.date(2026, 6, 3),
    )
    services.review_declaration(actor(world.unit_user), declaration_id=declaration.pk, decision="approve")
    services.review_declaration(
        actor(world.authority_user), declaration_id=declaration.pk, decision="approve"
    )
    result = services.credit_attendance(
        actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 24)]
    )
    assert result.credited == [] and [p.pk for p in result.duplicates] == [world.person.pk]
    assert selectors.progress(person_actor(world.person), 2026).professional_hours == Decimal("24")


def test_a_declaration_of_a_class_already_reported_is_refused_or_ends_as_duplicate(world):
    item = plan_item(world.base, hours="24")
    kwargs = {
        "method": "training",
        "plan_item_id": item.pk,
        "hours": Decimal("24"),
        "started_on": dt.date(2026, 6, 1),
        "ended_on": dt.date(2026, 6, 3),
    }
    # Declared and waiting for review when the base reports the class: the base's report counts…
    pending = declare(world.person, **kwargs)
    services.credit_attendance(actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 24)])
    services.review_declaration(actor(world.unit_user), declaration_id=pending.pk, decision="approve")
    services.review_declaration(actor(world.authority_user), declaration_id=pending.pk, decision="approve")
    record = HourRecord.objects.get(declaration=pending)
    assert record.state == RecordState.DUPLICATE
    explained = {r.pk: r.explanation for r in selectors.hour_records(person_actor(world.person), 2026)}
    assert "不重复计入" in explained[record.pk]
    assert selectors.progress(person_actor(world.person), 2026).professional_hours == Decimal("24")
    # …and declaring it once more is refused at submission.
    with pytest.raises(DomainError) as exc:
        declare(world.person, **kwargs)
    assert exc.value.errors[0]["field"] == "plan_item_id"
    assert ledger.summary_mismatches() == []


def test_an_approval_racing_an_attendance_report_ends_as_duplicate_not_a_500(world, monkeypatch, api_as):
    """The authority approves while the base's report of the same class commits: the approval's
    check did not see the report yet, and the unique index refuses the second credit."""
    item = plan_item(world.base, hours="24")
    declaration = declare(
        world.person,
        method="training",
        plan_item_id=item.pk,
        hours=Decimal("24"),
        started_on=dt.date(2026, 6, 1),
        ended_on=dt.date(2026, 6, 3),
    )
    services.review_declaration(actor(world.unit_user), declaration_id=declaration.pk, decision="approve")
    services.credit_attendance(actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 24)])
    monkeypatch.setattr(recognition, "already_credited", lambda *args, **kwargs: False)
    response = api_as(world.authority_user).post(
        f"declarations/{declaration.pk}/review", {"decision": "approve"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "approved"
    record = HourRecord.objects.get(declaration=declaration)
    assert record.state == RecordState.DUPLICATE and "不重复计入" in record.reason
    assert selectors.progress(person_actor(world.person), 2026).professional_hours == Decimal("24")
    assert ledger.summary_mismatches() == []
    assert AuditEntry.objects.filter(
        action="declaration.review.approve", target_id=str(declaration.pk)
    ).exists()


def test_a_class_beyond_the_daily_limit_is_flagged_beside_the_others_not_itself(world, clock):
    """Attendance spans its class's start to the year's end: two 16-hour classes starting on
    30 December exceed 2 days × 12 hours together; either alone does not."""
    from credits.models import IntegrityFlag

    clock.set(2026, 12, 31)
    first = plan_item(world.base, hours="16", starts_on=dt.date(2026, 12, 30))
    second = plan_item(world.base, hours="16", starts_on=dt.date(2026, 12, 30))
    base = actor(world.base_user)
    services.credit_attendance(base, plan_item_id=first.pk, rows=[(world.person, Decimal("16"))])
    assert not IntegrityFlag.objects.exists()  # its own record is not counted twice
    services.credit_attendance(base, plan_item_id=second.pk, rows=[(world.person, Decimal("16"))])
    flag = IntegrityFlag.objects.get()
    assert flag.kind == IntegrityFlag.Kind.OVER_DAILY_LIMIT and flag.person == world.person
    assert {r.plan_item_id for r in flag.records.all()} == {first.pk, second.pk}
