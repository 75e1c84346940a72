"""How a statistic's cell prints, on the page and in the sheet: hours as core.hours prints
them, percentages with %, none as —. The template tag `cell` (statistics_ui) and the `.xlsx`
(supervision.exports) call these."""

from __future__ import annotations

from decimal import Decimal

from core.hours import format_hours


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


def cell_value(value, kind: str):
    """What a sheet's cell holds: hours as the number format_hours prints, percentages as numbers."""
    if value is None:
        return None
    if kind == "hours":
        text = format_hours(Decimal(value))
        return float(text) if "." in text else int(text)
    if kind in ("percent", "days") and isinstance(value, float | Decimal):
        return float(value)
    return value
