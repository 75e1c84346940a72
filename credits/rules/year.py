"""The year's rules applied to one piece of learning: hours, dates, the declaration deadline.

Pure checks shared by declarations, platform pushes and attendance reports. Each returns a
Chinese message naming the field, or raises `DomainError` with it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from core import dates
from core.errors import Invalid
from core.hours import format_hours
from policy import selectors as policy_selectors
from policy.models import PolicyYear
from policy.years import policy_year

MAX_HOURS = Decimal("9999.9")  # Decimal(5, 1)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


format_day = dates.format_day
local_day = dates.local_day


def other_year_problem(started_on: dt.date, ended_on: dt.date) -> str | None:
    """Why learning that began in another year than it ended cannot be one record, or None.

    Hours belong to the year the learning happened and are never carried over (不得结转或顺延):
    a span over New Year is declared (or pushed) once per year."""
    if started_on.year == ended_on.year:
        return None
    return _(
        "开始日期：应与结束（完成）日期在同一年度（%(year)s 年）。%(other)s 年的学习属于 %(other)s 年度，"
        "学时不得结转或顺延至其他年度，请按年度分别申报。"
    ) % {"year": ended_on.year, "other": started_on.year}


def year_closed_message(policy: PolicyYear) -> str:
    return _("%(year)s 年度学时申报已于 %(deadline)s 截止，学时不得结转或顺延至下一年度。") % {
        "year": policy.year,
        "deadline": format_day(policy.declaration_deadline),
    }


def policy_for(year: int) -> PolicyYear | None:
    """The year's rules; the current year exists from 1 January (carried forward on first use)."""
    return policy_year(year)


def year_is_closed(policy: PolicyYear, now: dt.datetime | None = None) -> bool:
    return policy_selectors.is_past(policy.declaration_deadline, now or timezone.now())


def parse_hours(value) -> Decimal | None:
    """A positive number with at most one decimal place, or None. Booleans and text that is
    not a number are refused; "12.50" is 12.5; a number of a million or more comes back as it
    is, for the caller to refuse as too large."""
    if value is None or isinstance(value, bool):
        return None
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not hours.is_finite():
        return None
    if hours.adjusted() >= 6:
        # Far above any limit (callers refuse it as too large); quantizing 1e27 to tenths
        # would need more digits than the decimal context has.
        return hours
    if hours != hours.quantize(Decimal("0.1")):
        return None
    return hours.quantize(Decimal("0.1"))


def hours_problem(value, days: int, policy: PolicyYear | None, ceiling: Decimal | None = None) -> str | None:
    """Why `value` is not acceptable as the hours of learning spanning `days` days, or None."""
    hours = parse_hours(value)
    if hours is None:
        return _("学时：应为数字，最多保留一位小数（如 12 或 12.5）。")
    if hours <= 0:
        return _("学时：应大于 0。")
    if hours > MAX_HOURS:
        return _("学时：数值过大。")
    if policy is not None:
        limit = policy.max_daily_hours * max(days, 1)
        if hours > limit:
            return _("学时：%(days)s 天的学习最多计 %(limit)s 学时（每日不超过 %(daily)s 学时）。") % {
                "days": max(days, 1),
                "limit": format_hours(limit),
                "daily": format_hours(policy.max_daily_hours),
            }
    if ceiling is not None and hours > ceiling:
        return _("学时：不能超过培训计划项目的学时数（%(hours)s）。") % {"hours": format_hours(ceiling)}
    return None


def parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not _ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def reporting_closed(policy: PolicyYear, now: dt.datetime | None = None) -> bool:
    """Learning finished in the year may be reported by a platform or a base until the year's
    reporting deadline (default 31 January of the next year), 23:59:59 Shanghai."""
    return policy_selectors.is_past(policy.reporting_deadline, now or timezone.now())


def reporting_closed_message(policy: PolicyYear) -> str:
    return _(
        "%(year)s 年度学时报送（学习平台推送、继续教育基地报送出勤）已于 %(deadline)s 截止，"
        "不再接收该年度的学时。"
    ) % {"year": policy.year, "deadline": format_day(policy.reporting_deadline)}


def require_reporting_open(year: int, field: str, now: dt.datetime | None = None) -> PolicyYear:
    """The year's policy, or a 422 naming `field` when it has none or its reporting has closed."""
    policy = policy_for(year)
    if policy is None:
        raise Invalid.field(field, _("%(year)s 年度政策尚未设置。") % {"year": year})
    if reporting_closed(policy, now):
        raise Invalid.field(field, reporting_closed_message(policy))
    return policy


def require_open_year(year: int, field: str, now: dt.datetime | None = None) -> PolicyYear:
    """The year's policy, or a 422 naming `field` when the year is unknown or closed."""
    policy = policy_for(year)
    if policy is None:
        raise Invalid.field(field, _("%(year)s 年度政策尚未设置，暂不能申报。") % {"year": year})
    if year_is_closed(policy, now):
        raise Invalid.field(field, year_closed_message(policy))
    return policy
