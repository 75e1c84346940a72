"""学时来源: credited hours by source, by way of learning and by month."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext as _

from core.actors import Actor
from core.replica import reporting_alias
from credits.models import Source
from policy.models import Category, Method
from supervision.models import HoursTally
from supervision.selectors._shared import ZERO
from supervision.selectors.scoping import check_year, scope
from supervision.selectors.tables import Column, Row, Statistic, Table

HOURS_COLUMNS = [
    Column("records", "记录数"),
    Column("public", "公需学时", "hours"),
    Column("professional", "专业学时", "hours"),
    Column("hours", "合计学时", "hours"),
]


def _hours_table(key, title, label_name, groups: dict, labels: list[tuple[str, str]]) -> Table:
    rows, totals = [], {"records": 0, "public": ZERO, "professional": ZERO, "hours": ZERO}
    for value, label in labels:
        row = groups.get(value, {"records": 0, "public": ZERO, "professional": ZERO})
        values = {**row, "hours": row["public"] + row["professional"]}
        rows.append(Row(str(value), str(label), values))
        for name in totals:
            totals[name] += values[name]
    return Table(key, title, HOURS_COLUMNS, rows, totals, label_name)


def hours(actor: Actor, year: int, **narrow) -> Statistic:
    """Credited hours of the staff in scope by source (platform / base / declaration), by way
    of learning and by month of completion."""
    s = scope(actor, **narrow)
    rows = (
        HoursTally.objects.using(reporting_alias())
        .filter(year=check_year(year), unit__in=s.units)
        .values_list("source", "method", "month", "category")
        .annotate(Sum("records"), Sum("hours"))
        .order_by()
    )
    by = {"source": {}, "method": {}, "month": {}}
    for source, method, month, category, n, h in rows:
        for dim, value in (("source", source), ("method", method), ("month", month)):
            row = by[dim].setdefault(value, {"records": 0, "public": ZERO, "professional": ZERO})
            row["records"] += n or 0
            row["public" if category == Category.PUBLIC else "professional"] += h or ZERO
    months = [(m, _("%(m)s 月") % {"m": m}) for m in range(1, 13)]
    return Statistic(
        key="hours",
        title=_("学时来源与学习方式统计"),
        year=year,
        scope=s.label,
        tables=[
            _hours_table(
                "by_month", _("%(year)s 年度各月计入学时") % {"year": year}, _("月份"), by["month"], months
            ),
            _hours_table(
                "by_source",
                _("%(year)s 年度学时来源") % {"year": year},
                _("来源"),
                by["source"],
                Source.choices,
            ),
            _hours_table(
                "by_method",
                _("%(year)s 年度学习方式") % {"year": year},
                _("学习方式"),
                by["method"],
                Method.choices,
            ),
        ],
        notes=[_("已计入的学时，按完成日期所在月份；人员按当前确认的单位统计。")],
    )
