"""Text shown to people: sentences put together from pieces that users typed, and numbers
shown only in part.

A reviewer's comment usually ends with its own full stop ("请补充考核成绩。"); a message that
appends "。请修改后重新提交。" or "；请于…前重新提交" to it would print "成绩。。" or "成绩。；".
`tidy_punctuation` keeps the first mark of such a run.
"""

from __future__ import annotations

import re

_RUN = re.compile(r"([。！？；，、：])[。！？；，、：]+")


def tidy_punctuation(text: str) -> str:
    """ "成绩。。请修改" → "成绩。请修改"; "成绩。；请" → "成绩。请"."""
    return _RUN.sub(r"\1", text)


def mask_phone(phone: str) -> str:
    """13912345678 → 139****5678 (a phone number on a page or in a log is never shown whole)."""
    return phone[:3] + "****" + phone[-4:] if len(phone) == 11 else "****"


# C0 and C1 control characters other than tab, line feed and carriage return, and UTF-16
# surrogates: PostgreSQL refuses NUL, SQLite and every encoder refuse a lone surrogate, and
# none of them has a place in a name, a title or a comment.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def has_forbidden_characters(text: str) -> bool:
    return _FORBIDDEN.search(text) is not None
