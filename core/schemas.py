"""The base of every API schema: in a request, no text with control characters or lone
surrogates and no integer beyond what the database stores, whatever field it arrives in."""

from __future__ import annotations

from typing import Any

from ninja import Schema as NinjaSchema
from pydantic import ValidationInfo, field_validator
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


def is_request_input(info: ValidationInfo) -> bool:
    """django-ninja validates a request's parameters and body with the request in the context,
    and answers with `response_status` beside it; a view building an answer passes none. Only
    the first is checked: what the platform answers is its own data, refused on the way in."""
    context = info.context
    return isinstance(context, dict) and "request" in context and "response_status" not in context


class Schema(NinjaSchema):
    @field_validator("*", mode="after")
    @classmethod
    def _safe_input(cls, value, info: ValidationInfo):
        if is_request_input(info):
            check_value(value)
        return value
