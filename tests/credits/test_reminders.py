import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from core.errors import DomainError, Forbidden, status_of
from credits import ledger, reminders
from credits.models import HourRecord, RecordState, Source
from notifications.models import Notification
from policy.models import Method
from tests import factories

pytestmark = pytest.mark.django_db
DEADLINE_2026 = dt.date(2026, 12, 31)


def credit(person, category, hours, year=2026):
    with transaction.atomic():
        ledger.add_records(
            [
                HourRecord(
                    person=person,
                    year=year,
                    category=category,
                    method=Method.ONLINE,
                    hours=Decimal(hours),
                    source=Source.PLATFORM,
                    state=RecordState.CREDITED,
                    title="测试课程",
                    completed_on=dt.date(year, 6, 1),
                )
            ]
        )


def messages_of(person):
    return list(Notification.objects.filter(user=person.user).values_list("body", flat=True))


def test_year_end_reminder_names_exactly_what_is_missing(world):
    credit(world.person, "public", "24")
    credit(world.person, "professional", "40")
    sent = reminders.send_year_end_reminders(today=DEADLINE_2026 - dt.timedelta(days=7))
    assert sent >= 1
    (body,) = messages_of(world.person)
    assert "公需科目 6 学时" in body and "专业科目 20 学时" in body and "还有 7 天" in body


def test_surplus_public_hours_do_not_stop_the_reminder(world):
    credit(world.person, "public", "60")
    credit(world.person, "professional", "45")  # 105 in total, professional still short
    reminders.send_year_end_reminders(today=DEADLINE_2026 - dt.timedelta(days=3))
    (body,) = messages_of(world.person)
    assert "专业科目 15 学时" in body and "公需" not in body


def test_compliant_people_are_not_reminded(world):
    credit(world.person, "public", "30")
    credit(world.person, "professional", "60")
    reminders.send_year_end_reminders(today=DEADLINE_2026 - dt.timedelta(days=1))
    assert messages_of(world.person) == []
    assert len(messages_of(world.other_person)) == 1


def test_reminders_only_on_reminder_days_and_once_per_day(world):
    assert reminders.send_year_end_reminders(today=DEADLINE_2026 - dt.timedelta(days=8)) == 0
    first = reminders.send_year_end_reminders(today=DEADLINE_2026 - dt.timedelta(days=14))
    again = reminders.send_year_end_reminders(today=DEADLINE_2026 - dt.timedelta(days=14))
    assert first >= 2 and again == 0
    assert len(messages_of(world.person)) == 1


def test_hours_of_another_year_do_not_count(world):
    credit(world.person, "public", "30", year=2025)
    credit(world.person, "professional", "60", year=2025)
    reminders.send_year_end_reminders(today=DEADLINE_2026 - dt.timedelta(days=30))
    assert len(messages_of(world.person)) == 1


def test_unit_reminds_only_its_own_staff_once_a_day(world, today):
    unit = factories.actor(world.unit_user)
    assert reminders.remind_unit_staff(unit, 2026) == 1
    assert len(messages_of(world.person)) == 1
    assert messages_of(world.other_person) == []
    with pytest.raises(DomainError) as exc:
        reminders.remind_unit_staff(unit, 2026)
    assert status_of(exc.value) == 409


def test_only_units_send_staff_reminders(world):
    with pytest.raises(Forbidden):
        reminders.remind_unit_staff(factories.actor(world.person.user), 2026)


def test_closed_year_cannot_be_reminded(world):
    with pytest.raises(DomainError) as exc:
        reminders.remind_unit_staff(factories.actor(world.unit_user), 2025)
    assert exc.value.errors[0]["field"] == "year"
