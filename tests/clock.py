"""The suite's one clock: "today" for every test whose outcome depends on the date.

Built on time-machine, so timezone.now(), date.today() and time.time() agree (in the test, in
live-server threads and in eager Celery tasks). Times are Shanghai wall-clock times, as the
notice's deadlines are.
"""

from __future__ import annotations

import datetime as dt

import time_machine

from core.dates import SHANGHAI

# A Monday in the open year 2026, after the plan-filing deadline and before the year's end.
TODAY = dt.datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)


def shanghai(*args) -> dt.datetime:
    """dt.datetime(2026, 12, 31, 23, 59, 59) in Asia/Shanghai, or a datetime passed as it is."""
    if isinstance(args[0], dt.datetime):
        return args[0] if args[0].tzinfo else args[0].replace(tzinfo=SHANGHAI)
    if isinstance(args[0], dt.date):
        return dt.datetime.combine(args[0], dt.time(10, 0), tzinfo=SHANGHAI)
    return dt.datetime(*args, tzinfo=SHANGHAI)


class Clock:
    """The process clock, frozen at an instant the test chooses (tick=False: the instant stays,
    so 23:59:59 cannot slip past midnight while a slow test runs) or running from it."""

    def __init__(self):
        self._travel: time_machine.travel | None = None
        self.now: dt.datetime = TODAY

    def set(self, *args, tick: bool = False) -> dt.datetime:
        """clock.set(2026, 12, 31, 23, 59, 59) — or a datetime, or a date (10:00 that day)."""
        self.stop()
        self.now = shanghai(*args)
        self._travel = time_machine.travel(self.now, tick=tick)
        self._travel.start()
        return self.now

    @property
    def date(self) -> dt.date:
        return self.now.astimezone(SHANGHAI).date()

    def stop(self) -> None:
        if self._travel is not None:
            self._travel.stop()
            self._travel = None
