"""How a size limit is written for people: in megabytes, 10 (not 10.0), 0.5 — the same in
every "不能超过 … MB" message of the uploads and of the API's body limit."""

from __future__ import annotations

_MEGABYTE = 1024 * 1024


def format_megabytes(size: int) -> str:
    """10485760 → "10"; 524288 → "0.5"."""
    return f"{size / _MEGABYTE:g}"
