"""How hours are written for people: 45 (not 45.0), 12.5 — the same in pages, PDFs, sheets
and messages.

Hours carry at most one decimal (credits.rules), so "24.0" says nothing "24" does not, while
"12.5" must stay. The template filter `|hours` (web.templatetags.web_ui) is a thin wrapper;
the PDFs, the sheets, form values and the messages call `format_hours` directly.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_TENTH = Decimal("0.1")


def format_hours(value) -> str:
    """45 / 45.0 / Decimal("45.00") → "45"; 12.5 → "12.5"; None or "" → "0"."""
    if value is None or value == "":
        return "0"
    try:
        number = Decimal(str(value)).quantize(_TENTH, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return str(value)
    if number == 0:
        return "0"  # never "-0"
    text = f"{number:f}"
    return text[:-2] if text.endswith(".0") else text
