"""core.bulk.create_many writes what bulk_create would, in the order given, on both databases."""

import datetime as dt
from decimal import Decimal

import pytest

from core import bulk
from credits.models import HourRecord

pytestmark = pytest.mark.django_db


def test_create_many_stores_every_value_and_sets_primary_keys_in_order(world, today):
    records = [
        HourRecord(
            person=person,
            year=2026,
            category="public",
            method="online",
            hours=Decimal(hours),
            source="platform",
            state="credited",
            title=f"课程“{n}”\\ 'quoted'",
            started_on=started_on,
            completed_on=dt.date(2026, 11, 10),
        )
        for n, (person, hours, started_on) in enumerate(
            [
                (world.person, "1.5", None),
                (world.other_person, "12", dt.date(2026, 11, 9)),
                (world.person, "0.5", dt.date(2026, 1, 1)),
            ]
        )
    ]
    created = bulk.create_many(HourRecord, records)
    assert [r.pk for r in created] == sorted(r.pk for r in created) and all(r.pk for r in created)
    assert all(not r._state.adding for r in created)
    stored = {r.pk: r for r in HourRecord.objects.filter(pk__in=[r.pk for r in created])}
    for record in created:
        row = stored[record.pk]
        assert (row.person_id, row.hours, row.title, row.started_on, row.reason) == (
            record.person_id,
            record.hours,
            record.title,
            record.started_on,
            "",
        )
        assert row.created_at == today.now and row.updated_at == today.now


def test_create_many_of_nothing_writes_nothing(db):
    before = HourRecord.objects.count()
    assert bulk.create_many(HourRecord, []) == []
    assert HourRecord.objects.count() == before


def test_a_row_the_database_refuses_refuses_the_whole_statement(world):
    from django.db import IntegrityError, transaction

    bad = HourRecord(
        person=world.person,
        year=2026,
        category="public",
        method="online",
        hours=Decimal(0),  # the table's check: hours > 0
        source="platform",
        state="credited",
        title="零学时",
        completed_on=dt.date(2026, 11, 10),
    )
    before = HourRecord.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.create_many(HourRecord, [bad])
    assert HourRecord.objects.count() == before
