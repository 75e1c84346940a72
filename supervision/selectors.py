"""The statistics, read from the summary rows (supervision.models) through the actor's scope.

Every statistic is a `Statistic` of one or more `Table`s: the page draws them (with a chart
where one helps), the `.xlsx` export writes them and the API answers them, so the three always
show the same figures. Reads go to `core.replica.reporting_alias()`.

Scope: a unit sees its own staff, an authority the units it supervises, a bureau its region and
below; `region`, `authority` and `unit` narrow it, and one outside it is a 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from core.actors import Actor, Role
from core.dates import local_day
from core.errors import Forbidden, Invalid, NotFound
from core.replica import reporting_alias
from credits import selectors as credit_selectors
from credits.models import Review, Source
from credits.rules import review_clock
from filings.models import FilingState, PlanItem, PlatformFiling, TrainingPlan
from filings.selectors import FILED_STATES
from organisations.models import Organisation, Region
from organisations.selectors import organisations_in_scope, units_in_scope
from policy import selectors as policy_selectors
from policy.models import Category, Method, PolicyYear, Profession
from sampling.models import AuditSample, SampledDeclaration
from supervision import tally
from supervision.models import HoursTally, MemberTally, ReviewTally, StandingTally

ZERO = Decimal(0)
STAFF_ROLES = (Role.UNIT, Role.AUTHORITY, Role.BUREAU)
DIMENSIONS = ("region", "authority", "unit", "profession")
# Bins of the review-time distribution, in working days (the last is "and more").
REVIEW_BINS = (0, 1, 2, 3, 4, 5, 6, 8, 11, 16)


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


# ---------------------------------------------------------------------------------------------
# scope


@dataclass
class Scope:
    actor: Actor
    units: QuerySet[Organisation]
    label: str
    region: Region | None = None
    authority: Organisation | None = None
    unit: Organisation | None = None

    @property
    def params(self) -> dict:
        return {
            k: getattr(self, k).pk for k in ("region", "authority", "unit") if getattr(self, k) is not None
        }


def _require_staff(actor: Actor) -> None:
    if actor is None or not actor.is_role(*STAFF_ROLES) or actor.organisation is None:
        raise Forbidden(_("只有用人单位、行业主管部门和人社局可以查看统计。"))


def scope(
    actor: Actor, region: int | None = None, authority: int | None = None, unit: int | None = None
) -> Scope:
    """The units the statistics of `actor` cover, narrowed by a region, an authority or a unit
    of its scope (another scope's id → NotFound)."""
    _require_staff(actor)
    alias = reporting_alias()
    units = units_in_scope(actor).using(alias)
    result = Scope(actor=actor, units=units, label=actor.organisation.name)
    if region:
        found = Region.objects.using(alias).filter(pk=region).first()
        if found is None:
            raise NotFound()
        if actor.is_role(Role.BUREAU):
            if found.pk not in actor.organisation.region.descendant_ids():
                raise NotFound()
        elif not units.filter(region_id=found.pk).exists():
            raise NotFound()
        units = units.filter(region_id__in=found.descendant_ids())
        result.region = found
    if authority:
        found = (
            organisations_in_scope(actor)
            .using(alias)
            .filter(pk=authority, kind=Organisation.Kind.AUTHORITY)
            .first()
        )
        if found is None and not actor.is_role(Role.BUREAU):
            found = (
                Organisation.objects.using(alias)
                .filter(pk=authority, kind=Organisation.Kind.AUTHORITY, supervised__in=units)
                .first()
            )
        if found is None:
            raise NotFound()
        units = units.filter(supervisor_id=found.pk)
        result.authority = found
    if unit:
        found = units.filter(pk=unit).first()
        if found is None:
            raise NotFound()
        units = units.filter(pk=found.pk)
        result.unit = found
    result.units = units
    narrowed = [x.name for x in (result.region, result.authority, result.unit) if x is not None]
    if narrowed:
        result.label = f"{actor.organisation.name} · {' · '.join(narrowed)}"
    return result


def years() -> list[int]:
    today = policy_selectors.today().year
    return sorted(
        (y for y in PolicyYear.objects.values_list("year", flat=True) if y <= today), reverse=True
    ) or [today]


def check_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Invalid.field("year", _("年度：应在 2000 至 2100 之间。"))
    return year


# ---------------------------------------------------------------------------------------------
# completion (registered, confirmed, compliant, short of what) by region, authority, unit, title


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
_SUMMED = [c.key for c in COMPLETION_COLUMNS if c.key not in ("short", "rate")]


def _unit_profession_figures(s: Scope, year: int) -> dict[tuple[int, int], dict]:
    """(unit, title series) → the completion figures, from the member and standing rows."""
    alias = reporting_alias()
    figures: dict[tuple[int, int], dict] = defaultdict(lambda: dict.fromkeys(_SUMMED, 0))
    for unit_id, profession_id, registered, confirmed in (
        MemberTally.objects.using(alias)
        .filter(unit__in=s.units)
        .values_list("unit_id", "profession_id")
        .annotate(Sum("registered"), Sum("confirmed"))
        .order_by()
    ):
        row = figures[(unit_id, profession_id)]
        row["registered"] += registered
        row["confirmed"] += confirmed
    sums = [Sum(name) for name in tally.STANDING_SUMS]
    for unit_id, profession_id, *values in (
        StandingTally.objects.using(alias)
        .filter(year=year, unit__in=s.units)
        .values_list("unit_id", "profession_id")
        .annotate(*sums)
        .order_by()
    ):
        row = figures[(unit_id, profession_id)]
        for name, value in zip(tally.STANDING_SUMS, values, strict=True):
            row[name] += value or 0
    reqs = tally.requirements(year)
    for (_unit, profession_id), row in figures.items():
        req = reqs.get(profession_id)
        if req is None:
            continue
        nothing = tally.standing(ZERO, ZERO, req)
        for name, value in zip(tally.STANDING, nothing, strict=True):
            row[name] += row["confirmed"] * value
    return figures


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
    figures = _unit_profession_figures(s, check_year(year))
    alias = reporting_alias()
    units = {u: (r, a, n) for u, r, a, n in s.units.values_list("pk", "region_id", "supervisor_id", "name")}
    groups: dict = defaultdict(lambda: dict.fromkeys(_SUMMED, 0))
    for (unit_id, profession_id), row in figures.items():
        if unit_id not in units:
            continue
        region_id, authority_id, _name = units[unit_id]
        key = {"region": region_id, "authority": authority_id, "unit": unit_id, "profession": profession_id}[
            by
        ]
        for name in _SUMMED:
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
    totals = dict.fromkeys(_SUMMED, 0)
    for r in rows:
        for name in _SUMMED:
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


_STANDING_COUNTS = ("confirmed", "compliant", "short_public", "short_professional", "short_total")


@dataclass(frozen=True)
class UnitStanding:
    """A unit's confirmed staff in a year: how many, how many compliant, how many short of
    each figure (the counts of `credits.selectors.staff_compliance`, from the summary rows)."""

    unit: Organisation
    members: int
    compliant: int
    short_public: int
    short_professional: int
    short_total: int

    @property
    def short(self) -> int:
        return self.members - self.compliant


def standing_by_unit(actor: Actor, year: int) -> list[UnitStanding]:
    """Every unit of the actor's scope, by name, with its staff's standing in `year` (the
    homes' figures). A year without a requirement → DomainError, as the compliance list."""
    credit_selectors.year_requirements(year)
    s = scope(actor)
    counts: dict[int, dict] = defaultdict(lambda: dict.fromkeys(_STANDING_COUNTS, 0))
    for (unit_id, _profession), row in _unit_profession_figures(s, year).items():
        for name in _STANDING_COUNTS:
            counts[unit_id][name] += row[name]
    return [
        UnitStanding(
            unit=unit,
            members=counts[unit.pk]["confirmed"],
            compliant=counts[unit.pk]["compliant"],
            short_public=counts[unit.pk]["short_public"],
            short_professional=counts[unit.pk]["short_professional"],
            short_total=counts[unit.pk]["short_total"],
        )
        for unit in s.units.order_by("name")
    ]


# ---------------------------------------------------------------------------------------------
# hours by source, by way of learning and by month


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


# ---------------------------------------------------------------------------------------------
# review timeliness per level


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


# ---------------------------------------------------------------------------------------------
# filings filed / late / missing, and plan versus actual


FILING_COLUMNS = [
    Column("filed", "已申报"),
    Column("accepted", "已备案"),
    Column("late", "逾期（特批）"),
    Column("missing", "未申报"),
]


def _filers(s: Scope) -> QuerySet[Organisation]:
    """Who files in the scope: its units, and for a bureau or authority the bases of its scope."""
    alias = reporting_alias()
    filers = Q(pk__in=s.units.values("pk"))
    if not s.actor.is_role(Role.UNIT) and s.unit is None:
        bases = organisations_in_scope(s.actor).filter(kind=Organisation.Kind.BASE)
        if s.region is not None:
            bases = bases.filter(region_id__in=s.region.descendant_ids())
        if s.authority is not None:
            bases = bases.filter(supervisor_id=s.authority.pk)
        filers |= Q(pk__in=bases.values("pk"))
    return Organisation.objects.using(alias).filter(filers, is_active=True)


def filings(actor: Actor, year: int, **narrow) -> Statistic:
    """Training plans and platform filings of the year: filed, accepted, late (under the
    bureau's exception) and who has filed no plan."""
    s = scope(actor, **narrow)
    alias = reporting_alias()
    filers = _filers(s)
    rows = []
    for key, label, model in (
        ("plan", _("年度培训计划"), TrainingPlan),
        ("platform", _("网络学习平台备案"), PlatformFiling),
    ):
        qs = model.objects.using(alias).filter(year=check_year(year), filer__in=filers)
        figures = qs.aggregate(
            filed=Count("id", filter=Q(state__in=FILED_STATES)),
            accepted=Count("id", filter=Q(state=FilingState.ACCEPTED)),
            late=Count("id", filter=Q(state__in=FILED_STATES, late_exception__isnull=False)),
        )
        figures["missing"] = (
            filers.filter(kind__in=[Organisation.Kind.UNIT, Organisation.Kind.BASE])
            .exclude(
                pk__in=TrainingPlan.objects.using(alias)
                .filter(year=year, state__in=FILED_STATES)
                .values("filer_id")
            )
            .count()
            if model is TrainingPlan
            else None
        )
        rows.append(Row(key, str(label), figures))
    missing = (
        filers.filter(kind__in=[Organisation.Kind.UNIT, Organisation.Kind.BASE])
        .exclude(
            pk__in=TrainingPlan.objects.using(alias)
            .filter(year=year, state__in=FILED_STATES)
            .values("filer_id")
        )
        .select_related("region")
        .order_by("kind", "region__code", "name")[:500]
    )
    kinds = dict(Organisation.Kind.choices)
    missing_rows = [
        Row(str(o.pk), o.name, {"kind": str(kinds[o.kind]), "region": o.region.name}) for o in missing
    ]
    return Statistic(
        key="filings",
        title=_("培训计划与平台备案统计"),
        year=year,
        scope=s.label,
        tables=[
            Table(
                "by_kind",
                _("%(year)s 年度备案情况") % {"year": year},
                FILING_COLUMNS,
                rows,
                None,
                _("备案类别"),
            ),
            Table(
                "missing",
                _("%(year)s 年度未申报培训计划的单位和基地") % {"year": year},
                [Column("kind", "类别", "text"), Column("region", "地区", "text")],
                missing_rows,
                None,
                _("名称"),
            ),
        ],
        notes=[
            _(
                "已申报含已提交待受理和已备案；"
                "未申报为本范围内尚无已提交或已备案培训计划的单位和基地（最多列出 500 个）。"
            )
        ],
    )


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
        year=check_year(year), state=FilingState.ACCEPTED, filer__in=_filers(s)
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


# ---------------------------------------------------------------------------------------------
# audit sampling


SAMPLING_COLUMNS = [
    Column("sampled", "抽查件数"),
    Column("confirmed", "核验属实"),
    Column("revoked", "撤销"),
    Column("pending", "待核验"),
    Column("revocation_rate", "撤销率", "percent"),
]


def _rates(sampled, confirmed, revoked, pending) -> dict:
    decided = confirmed + revoked
    return {
        "sampled": sampled,
        "confirmed": confirmed,
        "revoked": revoked,
        "pending": pending,
        "revocation_rate": round(revoked * 100 / decided, 1) if decided else None,
    }


def sampling(actor: Actor, year: int, **narrow) -> Statistic:
    """Audit samples of the year in scope with their outcomes and rates, and by unit."""
    if not actor.is_role(Role.AUTHORITY, Role.BUREAU):
        raise Forbidden(_("只有行业主管部门和人社局可以查看抽查统计。"))
    s = scope(actor, **narrow)
    alias = reporting_alias()
    if actor.is_role(Role.BUREAU):
        drawers = organisations_in_scope(actor).filter(
            kind__in=[Organisation.Kind.AUTHORITY, Organisation.Kind.BUREAU]
        )
    else:
        drawers = Organisation.objects.filter(pk=actor.organisation.pk)
    items = SampledDeclaration.objects.using(alias).filter(
        sample__year=check_year(year),
        sample__organisation__in=drawers.using(alias),
        declaration__unit__in=s.units,
    )
    counted = {
        "n": Count("id"),
        "c": Count("id", filter=Q(outcome=SampledDeclaration.Outcome.CONFIRMED)),
        "r": Count("id", filter=Q(outcome=SampledDeclaration.Outcome.REVOKED)),
        "p": Count("id", filter=Q(outcome=SampledDeclaration.Outcome.PENDING)),
    }
    samples = AuditSample.objects.using(alias).in_bulk(items.values_list("sample_id", flat=True).distinct())
    orgs = dict(
        Organisation.objects.using(alias)
        .filter(pk__in={x.organisation_id for x in samples.values()})
        .values_list("pk", "name")
    )
    sample_rows = []
    for sample_id, n, c, r, p in items.values_list("sample_id").annotate(**counted).order_by("sample_id"):
        sample = samples[sample_id]
        label = _("%(org)s %(day)s 抽查（种子 %(seed)s）") % {
            "org": orgs.get(sample.organisation_id, ""),
            "day": local_day(sample.drawn_at).isoformat(),
            "seed": sample.seed,
        }
        sample_rows.append(Row(str(sample_id), label, _rates(n, c, r, p)))
    unit_rows = [
        Row(str(u), name, _rates(n, c, r, p))
        for u, name, n, c, r, p in items.values_list("declaration__unit_id", "declaration__unit__name")
        .annotate(**counted)
        .order_by("declaration__unit__name")
    ]
    total = items.aggregate(**counted)
    totals = _rates(total["n"], total["c"], total["r"], total["p"])
    return Statistic(
        key="sampling",
        title=_("学时抽查统计"),
        year=year,
        scope=s.label,
        tables=[
            Table(
                "by_sample",
                _("%(year)s 年度抽查批次") % {"year": year},
                SAMPLING_COLUMNS,
                sample_rows,
                totals,
                _("抽查批次"),
            ),
            Table(
                "by_unit",
                _("%(year)s 年度各单位抽查结果") % {"year": year},
                SAMPLING_COLUMNS,
                unit_rows,
                totals,
                _("单位"),
            ),
        ],
        notes=[_("撤销率 = 撤销 ÷（核验属实 + 撤销），尚无核验结果时不计算。")],
    )


STATISTICS = {
    "completion": completion,
    "hours": hours,
    "reviews": reviews,
    "filings": filings,
    "plans": plans,
    "sampling": sampling,
}


def statistic(actor: Actor, key: str, year: int, **params) -> Statistic:
    if key not in STATISTICS:
        raise NotFound()
    return STATISTICS[key](actor, year, **params)
