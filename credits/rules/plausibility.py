"""Is a piece of learning physically possible for this person, beside everything else they
learned that year? The policy's daily limit (每日学时上限) applies to a person's hours per
calendar day over every source — platform pushes, base attendance, declarations.

A record is a span: `hours` learned somewhere between its first and last day. When a source
does not say when the learning began (a platform item without `started_on`), the span reaches
back to 1 January of its year: the hours could have been learned on any of those days.

A set of spans fits under the limit exactly when, for every interval of days [x, y], the hours
of the spans lying wholly inside it are at most limit × (y − x + 1) (Hall's condition; for
spans on a line the contiguous intervals are the only ones to check). A new span only changes
the intervals that contain it, so `judge` checks those against what is already there.

Verdicts:
- impossible — the span alone, or with the person's other records, needs more than the limit
  on some day: platform items are rejected, declarations refused at submission (the person can
  correct the dates), base attendance is credited and flagged (the class happened; a record
  beside it may be the wrong one, which a bureau decides);
- suspicious — a span whose first day is unknown fits only at a pace above PACE_FLAG_SHARE of
  the limit on average over its tightest interval: accepted and flagged for the bureau's
  integrity list, never silently refused, never silently passed;
- fine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.dates import format_day
from core.hours import format_hours

# Learning more than half the daily limit every day of a whole window, from an item whose
# start is unknown, is possible but unusual for someone who also works: a human looks at it.
PACE_FLAG_SHARE = Decimal("0.5")


@dataclass(frozen=True)
class Span:
    first: dt.date
    last: dt.date
    hours: Decimal
    first_known: bool = True
    record_id: int | None = None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def span(hours: Decimal, started_on: dt.date | None, completed_on: dt.date, record_id=None) -> Span:
    """The span of learning ending on `completed_on`; an unknown start reaches back to 1 January."""
    if started_on is None:
        return Span(dt.date(completed_on.year, 1, 1), completed_on, hours, False, record_id)
    return Span(started_on, completed_on, hours, True, record_id)


def record_span(source: str, hours: Decimal, started_on, completed_on, record_id=None) -> Span:
    """The span of a stored record. A base reports a class by its start (开班时间) and not its
    end: its hours lie somewhere from the class's start to the end of its year."""
    if source == "attendance":
        start = started_on or completed_on
        return Span(start, max(completed_on, dt.date(completed_on.year, 12, 31)), hours, True, record_id)
    return span(hours, started_on, completed_on, record_id)


@dataclass(frozen=True)
class Verdict:
    possible: bool
    suspicious: bool = False
    message: str = ""
    involved: tuple[int, ...] = ()  # ids of the other records in the tightest interval


FINE = Verdict(True)


def quick_fit(new: Span, hours_already: Decimal, daily: Decimal) -> bool:
    """True when `new` is fine whatever the person's other records are: all of the year's hours
    so far plus these fit into the new span's own days (at the flag pace if its start is unknown).
    Spares reading the person's records for most items."""
    share = Decimal(1) if new.first_known else PACE_FLAG_SHARE
    return hours_already + new.hours <= share * daily * new.days


def judge(new: Span, others: Iterable[Span], daily: Decimal) -> Verdict:
    """The verdict on adding `new` to a person's `others` (their counting records of the year)."""
    if new.hours > daily * new.days:
        return Verdict(False, message=_alone_message(new, daily))
    inside_candidates = [s for s in others if s.first <= s.last]
    firsts = sorted({s.first for s in inside_candidates if s.first <= new.first} | {new.first})
    lasts = sorted({s.last for s in inside_candidates if s.last >= new.last} | {new.last})
    worst_load, worst = Decimal(-1), None
    for x in firsts:
        inside = sorted((s for s in inside_candidates if s.first >= x), key=lambda s: s.last)
        total, taken = new.hours, 0
        for y in lasts:
            while taken < len(inside) and inside[taken].last <= y:
                total += inside[taken].hours
                taken += 1
            load = total / (daily * ((y - x).days + 1))
            if load > worst_load:
                worst_load, worst = load, (x, y, total, tuple(inside[:taken]))
    x, y, total, involved = worst
    ids = tuple(s.record_id for s in involved if s.record_id is not None)
    if worst_load > 1:
        return Verdict(False, message=_limit_message(x, y, total, daily), involved=ids)
    if not new.first_known and worst_load > PACE_FLAG_SHARE:
        return Verdict(True, suspicious=True, message=_pace_message(x, y, total, daily), involved=ids)
    return FINE


def _alone_message(new: Span, daily: Decimal) -> str:
    if new.first_known:
        return _("学时：%(days)s 天的学习最多计 %(limit)s 学时（每日不超过 %(daily)s 学时）。") % {
            "days": new.days,
            "limit": format_hours(daily * new.days),
            "daily": format_hours(daily),
        }
    return _(
        "学时：%(hours)s 学时不可能在 %(first)s 至 %(last)s 的 %(days)s 天内完成"
        "（每日不超过 %(daily)s 学时）。"
    ) % {
        "hours": format_hours(new.hours),
        "first": format_day(new.first),
        "last": format_day(new.last),
        "days": new.days,
        "daily": format_hours(daily),
    }


def _limit_message(x: dt.date, y: dt.date, total: Decimal, daily: Decimal) -> str:
    days = (y - x).days + 1
    return _(
        "学时：%(first)s 至 %(last)s 共 %(days)s 天最多计 %(limit)s 学时（每日不超过 %(daily)s 学时），"
        "该期间本人已有的学时记录连同本次共 %(total)s 学时，超过上限。"
    ) % {
        "first": format_day(x),
        "last": format_day(y),
        "days": days,
        "limit": format_hours(daily * days),
        "daily": format_hours(daily),
        "total": format_hours(total),
    }


def _pace_message(x: dt.date, y: dt.date, total: Decimal, daily: Decimal) -> str:
    days = (y - x).days + 1
    return _(
        "%(first)s 至 %(last)s 共 %(days)s 天计 %(total)s 学时，平均每日 %(pace)s 学时"
        "（上限 %(daily)s 学时）；未报开始日期，请核实学习过程。"
    ) % {
        "first": format_day(x),
        "last": format_day(y),
        "days": days,
        "total": format_hours(total),
        "pace": format_hours((total / days).quantize(Decimal("0.1"))),
        "daily": format_hours(daily),
    }
