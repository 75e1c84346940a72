"""The chart of each statistic where people would rather look than read (core.charts:
server-side SVG with the same figures as a table beside it)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core import charts
from supervision.selectors import Statistic

TOP = 15  # bars in one chart; the table below the chart lists every row


def _completion(stat: Statistic) -> list[charts.Chart]:
    table = stat.tables[0]
    rows = [r for r in table.rows if r.values["confirmed"]][:TOP]
    title = _("%(year)s 年度按%(dim)s的达标情况") % {"year": stat.year, "dim": table.label_name}
    return [
        charts.stacked_bar_chart(
            "completion",
            title,
            [r.label for r in rows],
            [
                charts.Series(_("已达标"), [r.values["compliant"] for r in rows], "ok"),
                charts.Series(_("未达标"), [r.values["short"] for r in rows], "short"),
            ],
            unit=_("人"),
            category_name=table.label_name,
        )
    ]


def _hours(stat: Statistic) -> list[charts.Chart]:
    month = stat.table("by_month")
    source = stat.table("by_source")
    return [
        charts.line_chart(
            "hours-by-month",
            month.title,
            [r.label for r in month.rows],
            [
                charts.Series(_("公需"), [float(r.values["public"]) for r in month.rows], "info"),
                charts.Series(_("专业"), [float(r.values["professional"]) for r in month.rows], "primary"),
            ],
            unit=_("学时"),
            x_name=_("月份"),
        ),
        charts.bar_chart(
            "hours-by-source",
            source.title,
            [(r.label, float(r.values["hours"])) for r in source.rows],
            unit=_("学时"),
            value_name=_("学时"),
            category_name=_("来源"),
        ),
    ]


def _reviews(stat: Statistic) -> list[charts.Chart]:
    dist = stat.table("distribution")
    return [
        charts.bar_chart(
            "review-time",
            dist.title,
            [(r.label, r.values["decided"]) for r in dist.rows],
            unit=_("件"),
            value_name=_("已审件数"),
            orientation="vertical",
            category_name=_("用时（工作日）"),
        )
    ]


def _plans(stat: Statistic) -> list[charts.Chart]:
    rows = stat.tables[0].rows[:TOP]
    return [
        charts.stacked_bar_chart(
            "plan-vs-actual",
            _("%(year)s 年度培训计划班次：已报送与未报送") % {"year": stat.year},
            [r.values["filer"] for r in rows],
            [
                charts.Series(_("已报送参训"), [r.values["classes_held"] for r in rows], "ok"),
                charts.Series(
                    _("尚未报送"),
                    [max(0, r.values["classes"] - r.values["classes_held"]) for r in rows],
                    "muted",
                ),
            ],
            unit=_("班次"),
            category_name=_("申报单位（基地）"),
        )
    ]


def _filings(stat: Statistic) -> list[charts.Chart]:
    plan = stat.table("by_kind").rows[0].values
    return [
        charts.bar_chart(
            "filings",
            _("%(year)s 年度培训计划申报情况") % {"year": stat.year},
            [
                (_("已申报"), plan["filed"]),
                (_("已备案"), plan["accepted"]),
                (_("逾期（特批）"), plan["late"]),
                (_("未申报"), plan["missing"] or 0),
            ],
            unit=_("个"),
            value_name=_("数量"),
        )
    ]


def _sampling(stat: Statistic) -> list[charts.Chart]:
    rows = stat.table("by_sample").rows[:TOP]
    return [
        charts.stacked_bar_chart(
            "sampling",
            _("%(year)s 年度抽查结果") % {"year": stat.year},
            [r.label for r in rows],
            [
                charts.Series(_("核验属实"), [r.values["confirmed"] for r in rows], "ok"),
                charts.Series(_("撤销"), [r.values["revoked"] for r in rows], "danger"),
                charts.Series(_("待核验"), [r.values["pending"] for r in rows], "muted"),
            ],
            unit=_("件"),
            category_name=_("抽查批次"),
        )
    ]


_CHARTS = {
    "completion": _completion,
    "hours": _hours,
    "reviews": _reviews,
    "plans": _plans,
    "filings": _filings,
    "sampling": _sampling,
}


def charts_for(stat: Statistic) -> list[charts.Chart]:
    return _CHARTS[stat.key](stat)
