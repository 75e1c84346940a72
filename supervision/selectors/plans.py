"""计划执行: accepted training plans against what happened."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from core.actors import Actor
from core.replica import reporting_alias
from credits.models import Source
from filings.models import FilingState, PlanItem, TrainingPlan
from supervision.models import HoursTally
from supervision.selectors._shared import ZERO, filers_in
from supervision.selectors.scoping import check_year, scope
from supervision.selectors.tables import Column, Row, Statistic, Table

PLAN_COLUMNS = [
    Column("filer", "申报单位（基地）", "text"),
    Column("classes", "计划班次"),
    Column("planned_hours", "计划学时（每人）", "hours"),
    Column("attendance", "报送参训人次"),
    Column("classes_held", "已报送班次"),
    Column("credited_hours", "已计入学时", "hours"),
]


def plans(actor: Actor, year: int, **narrow) -> Statistic:
    """Accepted training plans of the year against what happened: classes and hours planned,
    attendance the bases reported and hours credited for the plan's classes."""
    s = scope(actor, **narrow)
    alias = reporting_alias()
    accepted = TrainingPlan.objects.using(alias).filter(
        year=check_year(year), state=FilingState.ACCEPTED, filer__in=filers_in(s)
    )
    planned = {
        p: (n, h or ZERO, name)
        for p, name, n, h in accepted.values_list("pk", "filer__name")
        .annotate(Count("items"), Sum("items__hours"))
        .order_by()
    }
    actual: dict = defaultdict(lambda: {"attendance": 0, "credited_hours": ZERO})
    for plan_id, source, n, h in (
        HoursTally.objects.using(alias)
        .filter(plan__in=list(planned))
        .values_list("plan_id", "source")
        .annotate(Sum("records"), Sum("hours"))
        .order_by()
    ):
        if source == Source.ATTENDANCE:
            actual[plan_id]["attendance"] += n or 0
        actual[plan_id]["credited_hours"] += h or ZERO
    held = dict(
        PlanItem.objects.using(alias)
        .filter(plan__in=list(planned), hour_records__source=Source.ATTENDANCE)
        .values_list("plan_id")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    rows, totals = (
        [],
        {"classes": 0, "planned_hours": ZERO, "attendance": 0, "classes_held": 0, "credited_hours": ZERO},
    )
    for plan_id, (classes, planned_hours, filer) in sorted(planned.items(), key=lambda kv: kv[1][2]):
        values = {
            "filer": filer,
            "classes": classes,
            "planned_hours": planned_hours,
            "attendance": actual[plan_id]["attendance"],
            "classes_held": held.get(plan_id, 0),
            "credited_hours": actual[plan_id]["credited_hours"],
        }
        rows.append(
            Row(str(plan_id), _("%(year)s 年度培训计划 · %(filer)s") % {"year": year, "filer": filer}, values)
        )
        for name in totals:
            totals[name] += values[name]
    totals["filer"] = ""
    return Statistic(
        key="plans",
        title=_("培训计划执行情况"),
        year=year,
        scope=s.label,
        tables=[
            Table(
                "by_plan",
                _("%(year)s 年度培训计划：计划与实际") % {"year": year},
                PLAN_COLUMNS,
                rows,
                totals,
                _("培训计划"),
            )
        ],
        notes=[
            _("计划学时为各班次每人学时之和；已计入学时为本计划班次计入人员的学时（基地报送与个人申报）。"),
            _("参训人次与学时按已确认单位的人员统计。"),
        ],
    )
