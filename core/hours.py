"""How hours are written for people: 45 (not 45.0), 12.5 — the same in pages, PDFs, sheets
and messages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def format_hours(value) -> str:
    """45.0 → "45", 12.50 → "12.5", None → "0"."""
    if value is None or value == "":
        return "0"
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except InvalidOperation:
        return str(value)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
