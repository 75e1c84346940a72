"""Rebuild data/gbt2260.csv, the region codes an ID number may begin with (core.idnumber).

Source: the CSV summary (result.csv) of github.com/yescallop/areacodes, CC0 1.0, compiled from
the Ministry of Civil Affairs' yearly lists of county-level and higher administrative division
codes (GB/T 2260) since 1981 and the State Council gazette, with every retired code and its
years in use. Download it and run

    python scripts/gbt2260.py result.csv <commit of areacodes> > data/gbt2260.csv

Kept: every county-level code ever in use, and the 市辖区 code (xxxx01) of every prefecture-
level city and the 市辖区/县 codes (xx0100, xx0200) of the four municipalities, which
GB/T 2260 lists and which ID numbers issued by a city's public security bureau carry (the
source, a list of divisions, leaves those groupings out). A code is assigned when a number is
issued, not at birth, and stays valid after its county is renamed or merged: no year is
checked against the birth date.
"""

import csv
import sys

MUNICIPALITIES = ("11", "12", "31", "50")


def main(source: str, commit: str) -> None:
    with open(source, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    kept: dict[tuple[str, str], tuple[str, str, str, str]] = {}

    def keep(code, name, level, start, end):
        kept.setdefault((code, start), (code, name, level, start, end))

    for row in rows:
        code, name, level = row["代码"], row["名称"], row["级别"]
        start, end = row["启用时间"], row["变更/弃用时间"]
        if level == "县级":
            keep(code, name, "county", start, end)
        elif level == "地级" and name.endswith("市"):
            keep(code[:4] + "01", name + "市辖区", "city-districts", start, end)
        elif level == "省级" and code[:2] in MUNICIPALITIES:
            keep(code[:2] + "0100", name + "市辖区", "city-districts", start, end)
            keep(code[:2] + "0200", name + "县", "city-districts", start, end)
    out = csv.writer(sys.stdout, lineterminator="\n")
    origin = f"yescallop/areacodes@{commit} (CC0 1.0)"
    out.writerow([f"# GB/T 2260 region codes from {origin}; scripts/gbt2260.py"])
    out.writerow(["code", "name", "level", "since", "until"])
    for key in sorted(kept):
        out.writerow(kept[key])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
