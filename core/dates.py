"""Dates as the notice means them: calendar days and deadlines in Asia/Shanghai.

Every "today", every arrival day and every deadline of the platform is computed here, so a
server running on UTC (or a test on a moved clock) never shifts a day.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate(timezone=SHANGHAI)


def this_year(moment: dt.datetime | None = None) -> int:
    return local_day(moment or timezone.now()).year


def local_day(moment: dt.datetime) -> dt.date:
    """The calendar day of an instant in Shanghai (arrival days, decision days, today)."""
    return timezone.localtime(moment, SHANGHAI).date()


def local_time(moment: dt.datetime) -> str:
    """An instant in Shanghai to the minute, 2025-12-31 23:59 (when a sheet or PDF was made)."""
    return timezone.localtime(moment, SHANGHAI).strftime("%Y-%m-%d %H:%M")


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of `day` in Shanghai: a deadline on 31 Dec holds until 23:59:59.999999."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=SHANGHAI)


def is_past(deadline: dt.date, moment: dt.datetime | None = None) -> bool:
    return (moment or timezone.now()) > end_of_day(deadline)


def format_day(day: dt.date) -> str:
    """2025年12月31日, as the notice writes dates."""
    return f"{day.year}年{day.month}月{day.day}日"
