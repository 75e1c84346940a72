"""How a statistic's cell prints: hours as core.hours prints them, percentages with %, none as —."""

from decimal import Decimal

from django import template

from core.hours import format_hours

register = template.Library()


def format_cell(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "hours":
        return format_hours(Decimal(value))
    if kind == "percent":
        return f"{format_hours(Decimal(str(value)))}%"
    if kind == "days":
        return format_hours(Decimal(str(value)))
    return str(value)


@register.simple_tag
def cell(values, column) -> str:
    return format_cell((values or {}).get(column.key), column.kind)
