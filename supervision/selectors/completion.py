"""学时达标: registered, confirmed, compliant and short of what, by region, authority, unit or
title series."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from core.actors import Actor
from core.errors import Invalid
from core.replica import reporting_alias
from organisations.models import Organisation, Region
from policy.models import Profession
from supervision.selectors._shared import FIGURES, unit_profession_figures
from supervision.selectors.scoping import check_year, scope
from supervision.selectors.tables import Column, Row, Statistic, Table

DIMENSIONS = ("region", "authority", "unit", "profession")

COMPLETION_COLUMNS = [
    Column("registered", "注册人数"),
    Column("confirmed", "已确认人数"),
    Column("compliant", "达标人数"),
    Column("short", "未达标人数"),
    Column("rate", "达标率", "percent"),
    Column("short_public", "公需未达标人数"),
    Column("short_professional", "专业未达标人数"),
    Column("short_total", "总学时未达标人数"),
    Column("lack_public", "公需尚缺学时", "hours"),
    Column("lack_professional", "专业尚缺学时", "hours"),
    Column("lack_total", "总学时尚缺学时", "hours"),
    Column("public_hours", "公需已计入", "hours"),
    Column("professional_hours", "专业已计入", "hours"),
    Column("pending_hours", "审核中学时", "hours"),
]


def _finish(values: dict) -> dict:
    out = {c.key: values.get(c.key, 0) for c in COMPLETION_COLUMNS}
    out["short"] = out["confirmed"] - out["compliant"]
    out["rate"] = round(out["compliant"] * 100 / out["confirmed"], 1) if out["confirmed"] else None
    for c in COMPLETION_COLUMNS:
        if c.kind == "hours":
            out[c.key] = Decimal(out[c.key] or 0)
    return out


def completion(actor: Actor, year: int, by: str = "region", **narrow) -> Statistic:
    """People registered and confirmed, compliant, short (of which category, by how many hours),
    by region, authority, unit or title series."""
    if by not in DIMENSIONS:
        raise Invalid.field("by", _("分组：应为 region、authority、unit 或 profession。"))
    s = scope(actor, **narrow)
    figures = unit_profession_figures(s, check_year(year))
    alias = reporting_alias()
    units = {u: (r, a, n) for u, r, a, n in s.units.values_list("pk", "region_id", "supervisor_id", "name")}
    groups: dict = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for (unit_id, profession_id), row in figures.items():
        if unit_id not in units:
            continue
        region_id, authority_id, _name = units[unit_id]
        key = {"region": region_id, "authority": authority_id, "unit": unit_id, "profession": profession_id}[
            by
        ]
        for name in FIGURES:
            groups[key][name] += row[name]
    if by == "region":
        names = dict(
            Region.objects.using(alias).filter(pk__in=[k for k in groups if k]).values_list("pk", "name")
        )
    elif by == "authority":
        names = dict(
            Organisation.objects.using(alias)
            .filter(pk__in=[k for k in groups if k])
            .values_list("pk", "name")
        )
    elif by == "unit":
        names = {u: n for u, (_r, _a, n) in units.items()}
    else:
        names = dict(Profession.objects.using(alias).values_list("pk", "name"))
    rows = [
        Row(str(key or ""), names.get(key) or _("（未设主管部门）"), _finish(values))
        for key, values in groups.items()
        if values["registered"] or values["confirmed"]
    ]
    rows.sort(key=lambda r: (-r.values["confirmed"], r.label))
    totals = dict.fromkeys(FIGURES, 0)
    for r in rows:
        for name in FIGURES:
            totals[name] += r.values[name]
    label_name = {
        "region": _("地区"),
        "authority": _("行业主管部门"),
        "unit": _("单位"),
        "profession": _("职称系列"),
    }[by]
    table = Table(
        key=f"by_{by}",
        title=_("%(year)s 年度学时达标情况（按%(dim)s）") % {"year": year, "dim": label_name},
        columns=COMPLETION_COLUMNS,
        rows=rows,
        totals=_finish(totals),
        label_name=label_name,
    )
    return Statistic(
        key="completion",
        title=_("学时达标统计"),
        year=year,
        scope=s.label,
        tables=[table],
        notes=[
            _("人数为当前已确认的单位人员；达标指公需、专业和总学时三项均达到本人职称系列的年度要求。"),
            _("尚缺学时为未达标人员距要求还差的学时之和；审核中的学时尚未计入。"),
        ],
    )
