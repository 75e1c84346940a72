"""The README's table "Where each rule of the notice lives" names real functions.

A rule moved or renamed without the table following would send the next engineer to a name that
no longer exists; this reads every name the table gives and imports it.
"""

import importlib
import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
_DOTTED = re.compile(r"`([a-z_]+(?:\.[A-Za-z_]+)+)`")
_PLAIN = re.compile(r"`([A-Za-z_]+)`")


def _table_rows() -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index("### Where each rule of the notice lives")
    end = text.index("\n#", start + 1)
    return [
        line
        for line in text[start:end].splitlines()
        if line.startswith("|") and not line.startswith("|---") and "Its one home" not in line
    ]


def _resolve(dotted: str):
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(dotted)


def test_every_rule_of_the_table_names_a_function_that_exists():
    rows = _table_rows()
    assert len(rows) >= 20
    missing = []
    for row in rows:
        home = row.split("|")[2]
        dotted = _DOTTED.findall(home)
        assert dotted, f"no home named in: {row}"
        # `module` (`a`, `b`): the names in brackets belong to the module just before them.
        for ref in dotted:
            try:
                module = _resolve(ref)
            except (ImportError, AttributeError):
                missing.append(ref)
                continue
            after = home.split(f"`{ref}`", 1)[1]
            if after.startswith(" ("):
                bracket = after[2 : after.index(")")]
                missing += [f"{ref}.{name}" for name in _PLAIN.findall(bracket) if not hasattr(module, name)]
    assert missing == []
