"""Fixtures for the report tests: a frozen clock and a person with credited hours."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from credits import ledger
from credits.models import HourRecord, RecordState, Source
from policy.models import Method
from tests.browser.conftest import browser, site  # noqa: F401 (the browser tests' fixtures)


@pytest.fixture(autouse=True)
def clock(today):
    """Every report test runs on the suite's clock (`today`), 2026-11-16 10:00 Shanghai unless
    the test moves it."""
    return today


def credit(
    person,
    category,
    hours,
    *,
    year=2026,
    title="课程",
    organizer="",
    method=Method.ONLINE,
    source=Source.PLATFORM,
    state=RecordState.CREDITED,
    day=None,
):
    """A record put straight into the ledger (the way every credits service does)."""
    with transaction.atomic():
        return ledger.add_records(
            [
                HourRecord(
                    person=person,
                    year=year,
                    category=category,
                    method=method,
                    hours=Decimal(str(hours)),
                    source=source,
                    state=state,
                    title=title,
                    organizer=organizer,
                    completed_on=day or dt.date(year, 6, 1),
                )
            ]
        )[0]


@pytest.fixture
def hours(world):
    """张三 in 2026: 30 public + 48 professional credited (short 12 professional), 8 pending."""
    p = world.person
    credit(p, "public", 18, title="新发展理念专题", organizer="豫才继续教育在线", day=dt.date(2026, 3, 2))
    credit(p, "public", 12, title="数字经济与创新驱动", organizer="豫才继续教育在线", day=dt.date(2026, 4, 9))
    credit(
        p,
        "professional",
        24,
        title="建筑节能新技术研修班",
        organizer="三门峡市建筑业协会",
        method=Method.TRAINING,
        source=Source.ATTENDANCE,
        day=dt.date(2026, 5, 20),
    )
    credit(
        p,
        "professional",
        24,
        title="装配式建筑施工实践",
        method=Method.PRACTICE,
        source=Source.DECLARATION,
        day=dt.date(2026, 7, 1),
    )
    credit(
        p,
        "professional",
        8,
        title="审核中的自学",
        method=Method.SELF_STUDY,
        source=Source.DECLARATION,
        state=RecordState.PENDING,
        day=dt.date(2026, 9, 1),
    )
    credit(p, "public", 6, title="上一年的课程", year=2025, day=dt.date(2025, 12, 1))
    return p
