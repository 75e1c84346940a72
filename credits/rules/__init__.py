"""The one home of the notice's rules that credits applies, a module per rule.

- `year`: the year window, the declaration and reporting deadlines, hours and dates of one
  piece of learning.
- `compliance`: 90 hours of which 公需 and 专业 each their own figure; what is still short.
- `review_clock`: each level's review time limit in working days, the due date, overdue.
- `recognition`: training outside a filed plan (or on an unfiled platform) is not recognised.
- `plausibility`: the daily limit per person and day, across every source of hours.

Callers may import the module that holds the rule (`from credits.rules import year`); the
names of `year` are re-exported here for the callers that predate the package.
"""

from credits.rules.year import (
    MAX_HOURS,
    format_day,
    hours_problem,
    local_day,
    other_year_problem,
    parse_date,
    parse_hours,
    policy_for,
    reporting_closed,
    reporting_closed_message,
    require_open_year,
    require_reporting_open,
    year_closed_message,
    year_is_closed,
)

__all__ = [
    "MAX_HOURS",
    "format_day",
    "hours_problem",
    "local_day",
    "other_year_problem",
    "parse_date",
    "parse_hours",
    "policy_for",
    "reporting_closed",
    "reporting_closed_message",
    "require_open_year",
    "require_reporting_open",
    "year_closed_message",
    "year_is_closed",
]
