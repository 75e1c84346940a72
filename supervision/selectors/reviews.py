"""审核时效: review timeliness per reviewing organisation and level, and the distribution of
review times."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from core.actors import Actor, Role
from core.replica import reporting_alias
from credits.models import Review
from credits.rules import review_clock
from organisations.models import Organisation
from policy import selectors as policy_selectors
from supervision.models import ReviewTally
from supervision.selectors.scoping import Scope, check_year, scope
from supervision.selectors.tables import Column, Row, Statistic, Table

# Bins of the review-time distribution, in working days (the last is "and more").
REVIEW_BINS = (0, 1, 2, 3, 4, 5, 6, 8, 11, 16)

REVIEW_COLUMNS = [
    Column("level", "级别", "text"),
    Column("decided", "已审"),
    Column("median_days", "用时中位数（工作日）", "days"),
    Column("on_time", "按期办结"),
    Column("on_time_rate", "按期率", "percent"),
    Column("open", "待审"),
    Column("overdue", "已超期待审"),
]


def _review_orgs(s: Scope) -> QuerySet[Organisation]:
    """Reviewing organisations of the scope: its units and the authorities over them (an
    authority actor: itself)."""
    alias = reporting_alias()
    authorities = Organisation.objects.using(alias).filter(
        kind=Organisation.Kind.AUTHORITY, pk__in=s.units.values("supervisor_id")
    )
    if s.actor.is_role(Role.AUTHORITY):
        authorities = authorities.filter(pk=s.actor.organisation.pk)
    if s.actor.is_role(Role.UNIT):
        authorities = authorities.none()
    if s.authority is not None:
        authorities = authorities.filter(pk=s.authority.pk)
    return Organisation.objects.using(alias).filter(Q(pk__in=s.units.values("pk")) | Q(pk__in=authorities))


def median(distribution: dict[int, int]) -> float | None:
    """The median of values given as {value: count} (the mean of the middle two if even)."""
    n = sum(distribution.values())
    if not n:
        return None
    ordered = sorted(distribution.items())

    def nth(k: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if seen > k:
                return value
        return ordered[-1][0]

    if n % 2:
        return float(nth(n // 2))
    return (nth(n // 2 - 1) + nth(n // 2)) / 2


def reviews(actor: Actor, year: int, **narrow) -> Statistic:
    """Per reviewing organisation and level: decisions, median working days, share within the
    limit, and what is open and overdue now; with the distribution of review times."""
    s = scope(actor, **narrow)
    alias = reporting_alias()
    orgs = _review_orgs(s)
    today = policy_selectors.today()
    per: dict = defaultdict(lambda: {"dist": defaultdict(int), "on_time": 0, "open": 0, "overdue": 0})
    overall: dict[int, int] = defaultdict(int)
    for org_id, level, days, decided, on_time in (
        ReviewTally.objects.using(alias)
        .filter(year=check_year(year), organisation__in=orgs)
        .values_list("organisation_id", "level", "working_days")
        .annotate(Sum("decided"), Sum("on_time"))
        .order_by()
    ):
        if not decided:
            continue
        row = per[(org_id, level)]
        row["dist"][days] += decided
        row["on_time"] += on_time
        overall[days] += decided
    for org_id, level, n_open, n_overdue in (
        Review.objects.using(alias)
        .filter(decided_at__isnull=True, declaration__year=year, organisation__in=orgs)
        .values_list("organisation_id", "level")
        .annotate(n_open=Count("id"), n_overdue=Count("id", filter=review_clock.overdue_q(today)))
        .order_by()
    ):
        per[(org_id, level)]["open"] += n_open
        per[(org_id, level)]["overdue"] += n_overdue
    names = dict(
        Organisation.objects.using(alias).filter(pk__in={k[0] for k in per}).values_list("pk", "name")
    )
    levels = dict(Review.Level.choices)
    rows = []
    totals = {"decided": 0, "on_time": 0, "open": 0, "overdue": 0}
    by_level: dict[str, dict] = {}
    for (org_id, level), row in per.items():
        decided = sum(row["dist"].values())
        values = {
            "level": str(levels.get(level, level)),
            "decided": decided,
            "median_days": median(row["dist"]),
            "on_time": row["on_time"],
            "on_time_rate": round(row["on_time"] * 100 / decided, 1) if decided else None,
            "open": row["open"],
            "overdue": row["overdue"],
        }
        rows.append(Row(f"{org_id}:{level}", names.get(org_id, ""), values))
        for name in totals:
            totals[name] += values[name]
        lv = by_level.setdefault(level, {"dist": defaultdict(int), "on_time": 0, "open": 0, "overdue": 0})
        for d, c in row["dist"].items():
            lv["dist"][d] += c
        for name in ("on_time", "open", "overdue"):
            lv[name] += row[name]
    rows.sort(key=lambda r: (-r.values["overdue"], -(r.values["decided"] - r.values["on_time"]), r.label))
    totals.update(
        level="",
        median_days=median(overall),
        on_time_rate=round(totals["on_time"] * 100 / totals["decided"], 1) if totals["decided"] else None,
    )
    level_rows = []
    for level, label in Review.Level.choices:
        lv = by_level.get(level, {"dist": {}, "on_time": 0, "open": 0, "overdue": 0})
        decided = sum(lv["dist"].values())
        level_rows.append(
            Row(
                level,
                str(label),
                {
                    "level": str(label),
                    "decided": decided,
                    "median_days": median(lv["dist"]),
                    "on_time": lv["on_time"],
                    "on_time_rate": round(lv["on_time"] * 100 / decided, 1) if decided else None,
                    "open": lv["open"],
                    "overdue": lv["overdue"],
                },
            )
        )
    bins = []
    for i, low in enumerate(REVIEW_BINS):
        high = REVIEW_BINS[i + 1] if i + 1 < len(REVIEW_BINS) else None
        count = sum(c for d, c in overall.items() if d >= low and (high is None or d < high))
        if high is None:
            label = _("%(n)s 个及以上") % {"n": low}
        elif high - low == 1:
            label = _("%(n)s 个") % {"n": low}
        else:
            label = f"{low}–{high - 1}"
        bins.append(Row(str(low), label, {"decided": count}))
    return Statistic(
        key="reviews",
        title=_("审核时效统计"),
        year=year,
        scope=s.label,
        tables=[
            Table(
                "by_level",
                _("%(year)s 年度各级审核时效") % {"year": year},
                REVIEW_COLUMNS,
                level_rows,
                totals,
                _("级别"),
            ),
            Table(
                "by_organisation",
                _("%(year)s 年度各审核机构时效") % {"year": year},
                REVIEW_COLUMNS,
                rows,
                totals,
                _("审核机构"),
            ),
            Table(
                "distribution",
                _("%(year)s 年度审核用时分布") % {"year": year},
                [Column("decided", "已审件数")],
                bins,
                {"decided": totals["decided"]},
                _("用时（工作日）"),
            ),
        ],
        notes=[
            _("用时为到达当日之后至办结当日的工作日数（按工作日历）；按期指在审核期限当日或之前办结。"),
            _("待审与已超期待审为当前数字。"),
        ],
    )
