"""The base of every API input schema: no text with control characters or lone surrogates,
no integer beyond what the database stores, whatever field it arrives in."""

from __future__ import annotations

from typing import Any

from ninja import Schema as NinjaSchema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from core.text import has_forbidden_characters

# SQLite and PostgreSQL store integers in 64 bits; a larger one is no id, year or count of ours.
INT64_MAX = 2**63 - 1


def check_value(value: Any) -> None:
    """Raise the PydanticCustomError (translated in core.api) for the first bad part of value."""
    if isinstance(value, str):
        if has_forbidden_characters(value):
            raise PydanticCustomError("text_forbidden", "control character or lone surrogate")
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if abs(value) > INT64_MAX:
            raise PydanticCustomError("int_out_of_range", "integer out of range")
    elif isinstance(value, list | tuple | set | frozenset):
        for part in value:
            check_value(part)
    elif isinstance(value, dict):
        for key, part in value.items():
            check_value(key)
            check_value(part)


class Schema(NinjaSchema):
    @field_validator("*", mode="after")
    @classmethod
    def _safe_input(cls, value):
        check_value(value)
        return value
