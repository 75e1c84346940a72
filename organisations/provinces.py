"""The cities and counties of a province as they exist today, read from data/gbt2260.csv (the
GB/T 2260 codes the ID-number check uses, built by scripts/gbt2260.py).

That file lists every county-level code ever in use with its years (`since`, `until`) and, for
each prefecture-level city, its 市辖区 code (xxxx01, named "<city>市辖区"). A row is current when
its `until` is empty. A city is the xxxx00 code of a current 市辖区 row; a county belongs to the
city whose xxxx00 code it begins with. A county-level code under xx90 (省直辖县级行政区划, in
Henan only 济源市 419001) has no city above it: it is taken as a city-level region of its own,
directly under the province, with its own code and no counties.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

GBT2260 = Path(settings.BASE_DIR) / "data" / "gbt2260.csv"
CITY_DISTRICTS_SUFFIX = "市辖区"
PROVINCE_ADMINISTERED = "90"


@dataclass(frozen=True)
class Province:
    key: str
    code: str
    name: str
    bureau: str


PROVINCES = {
    "henan": Province("henan", "410000", "河南省", "河南省人力资源和社会保障厅"),
}


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # "city" or "county"
    parent: str  # the code of the city (or province) above it


def _current_rows(prefix: str) -> list[dict]:
    with GBT2260.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return [r for r in rows if r["code"].startswith(prefix) and not r["until"]]


def current_divisions(province: Province) -> list[Division]:
    """The province's current cities (by code), then its current counties (by code)."""
    prefix = province.code[:2]
    rows = _current_rows(prefix)
    cities = {
        r["code"][:4] + "00": Division(
            r["code"][:4] + "00", r["name"].removesuffix(CITY_DISTRICTS_SUFFIX), "city", province.code
        )
        for r in rows
        if r["level"] == "city-districts"
    }
    counties = []
    for r in rows:
        if r["level"] != "county":
            continue
        if r["code"][2:4] == PROVINCE_ADMINISTERED:
            cities[r["code"]] = Division(r["code"], r["name"], "city", province.code)
        else:
            counties.append(Division(r["code"], r["name"], "county", r["code"][:4] + "00"))
    missing = {c.parent for c in counties} - cities.keys()
    if missing:
        raise ValueError(f"counties without a current city in {GBT2260.name}: {sorted(missing)}")
    return sorted(cities.values(), key=lambda d: d.code) + sorted(counties, key=lambda d: d.code)


def bureau_name(division: Division, city_name: str) -> str:
    """人力资源和社会保障局 of a city or county; a district (…区) carries its city's name, as the
    districts' bureaus are named (郑州市金水区人力资源和社会保障局)."""
    prefix = city_name if division.level == "county" and division.name.endswith("区") else ""
    return f"{prefix}{division.name}人力资源和社会保障局"
