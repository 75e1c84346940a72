"""What a statistic is: tables of rows with their columns and a 合计 row, drawn by the page,
written by the `.xlsx` export and answered by the API alike."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "int"  # int | hours | percent | days | text


@dataclass
class Row:
    key: str
    label: str
    values: dict


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row]
    totals: dict | None = None
    label_name: str = ""


@dataclass
class Statistic:
    key: str
    title: str
    year: int
    scope: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)
