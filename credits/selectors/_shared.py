"""What the selector modules share: this year (every read's default year) and the reader
of the pages' list filters out of query parameters."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from policy import selectors as policy_selectors


def current_year() -> int:
    return policy_selectors.today().year


class QueryReader:
    """Typed values out of the query parameters of a page's filter bar (a QueryDict or a plain
    mapping). A value that is not one the bar offers (a hand-edited link) is dropped for the
    default, as the page shows its default list; the API's parameters are typed by its schema."""

    def __init__(self, params: Mapping):
        self.params = params

    def text(self, name: str) -> str:
        value = self.params.get(name)
        return "" if value is None else str(value).strip()

    def choice(self, name: str, allowed, default: str = "") -> str:
        value = self.text(name)
        return value if value in allowed else default

    def integer(self, name: str) -> int | None:
        try:
            number = Decimal(self.text(name))
        except InvalidOperation:
            return None
        if not number.is_finite() or number != number.to_integral_value():
            return None
        return int(number)

    def flag(self, name: str) -> bool:
        return self.text(name).lower() in ("1", "t", "true", "y", "yes", "on")
