"""The one home of the notice's rules that credits applies, a module per rule.

- `year`: the year window, the declaration and reporting deadlines, hours and dates of one
  piece of learning.

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
