"""What the selector modules share: this year (every read's default year) and the reader
of list filters out of query parameters."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from core.errors import Invalid
from policy import selectors as policy_selectors


def current_year() -> int:
    return policy_selectors.today().year


class QueryReader:
    """Typed values out of query parameters (a QueryDict or a plain mapping). Strict, a bad
    value is noted with its field and Chinese message and `done` raises them all; lenient (the
    pages' filter bars, where a hand-edited link shows the default list), it is dropped."""

    def __init__(self, params: Mapping, lenient: bool):
        self.params, self.lenient, self.errors = params, lenient, []

    def _raw(self, name: str) -> str:
        value = self.params.get(name)
        return "" if value is None else str(value).strip()

    def _bad(self, name: str, message: str, default):
        if not self.lenient:
            self.errors.append({"field": name, "message": message})
        return default

    def text(self, name: str) -> str:
        return self._raw(name)

    def choice(self, name: str, allowed, message: str, default: str = "") -> str:
        value = self._raw(name)
        if not value:
            return default
        return value if value in allowed else self._bad(name, message, default)

    def integer(self, name: str, message: str) -> int | None:
        value = self._raw(name)
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            return self._bad(name, message, None)
        if not number.is_finite() or number != number.to_integral_value():
            return self._bad(name, message, None)
        return int(number)

    def flag(self, name: str, message: str) -> bool:
        value = self._raw(name).lower()
        if value in ("", "0", "f", "false", "n", "no", "off"):
            return False
        if value in ("1", "t", "true", "y", "yes", "on"):
            return True
        return self._bad(name, message, False)

    def done(self) -> None:
        if self.errors:
            raise Invalid(self.errors[0]["message"], self.errors)
