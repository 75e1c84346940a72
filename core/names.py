"""Names in the order people look them up: by pinyin (张三 after 李四), not by code point.

pypinyin reads each character by its most common reading; a surname often has its own (曾 is
zēng, 单 shàn, 解 xiè), and pypinyin has no surname mode, so the leading surname is read from
the list below first. Tones are kept as digits so that homophones still sort apart in a stable
way (`zhang1 san1`).
"""

from __future__ import annotations

from functools import lru_cache

# Surnames whose reading differs from the character's common one (two-character ones first).
SURNAME_READINGS = {
    "万俟": "mo4 qi2",
    "尉迟": "yu4 chi2",
    "单于": "chan2 yu2",
    "曾": "zeng1",
    "单": "shan4",
    "解": "xie4",
    "仇": "qiu2",
    "区": "ou1",
    "查": "zha1",
    "朴": "piao2",
    "重": "chong2",
    "翟": "zhai2",
    "乐": "yue4",
    "缪": "miao4",
    "覃": "qin2",
    "盖": "ge3",
    "华": "hua4",
    "种": "chong2",
    "秘": "bi4",
    "冼": "xian3",
    "过": "guo1",
    "纪": "ji3",
    "宿": "su4",
    "员": "yun4",
}
SORT_KEY_LENGTH = 200


def _read(text: str) -> str:
    # pypinyin loads its phrase dictionary on import (about 55 MB of a web worker's memory):
    # only a process that keys a name (registration, a name change, a migration) pays for it.
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)).lower()


@lru_cache(maxsize=65536)
def sort_key(name: str) -> str:
    """`张三` → `zhang1 san1`; `曾小明` → `zeng1 xiao3 ming2`."""
    name = name.strip()
    for surname in (name[:2], name[:1]):
        if surname and surname in SURNAME_READINGS:
            rest = _read(name[len(surname) :])
            return f"{SURNAME_READINGS[surname]} {rest}".strip()[:SORT_KEY_LENGTH]
    return _read(name)[:SORT_KEY_LENGTH]
