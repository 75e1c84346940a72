"""Typed inputs of services that change some fields of a row and leave the others.

None cannot say "leave it" where None is a value the field may take (a cleared figure, no
supervisor): such inputs default their fields to KEEP, and `given` is what a caller set.
"""

from __future__ import annotations

from dataclasses import fields
from enum import Enum


class Keep(Enum):
    KEEP = "keep"


KEEP = Keep.KEEP


def given(typed, exclude: tuple[str, ...] = ()) -> dict:
    """The fields of the dataclass instance `typed` that are not KEEP, by name."""
    values = {f.name: getattr(typed, f.name) for f in fields(typed) if f.name not in exclude}
    return {name: value for name, value in values.items() if value is not KEEP}
