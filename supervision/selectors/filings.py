"""备案情况: training plans and platform filings filed, accepted, late, and who has filed no
plan."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.actors import Actor
from core.replica import reporting_alias
from filings.models import FilingState, PlatformFiling, TrainingPlan
from filings.selectors import FILED_STATES
from organisations.models import Organisation
from supervision.selectors._shared import filers_in
from supervision.selectors.scoping import check_year, scope
from supervision.selectors.tables import Column, Row, Statistic, Table

FILING_COLUMNS = [
    Column("filed", "已申报"),
    Column("accepted", "已备案"),
    Column("late", "逾期（特批）"),
    Column("missing", "未申报"),
]


def filings(actor: Actor, year: int, **narrow) -> Statistic:
    """Training plans and platform filings of the year: filed, accepted, late (under the
    bureau's exception) and who has filed no plan."""
    s = scope(actor, **narrow)
    alias = reporting_alias()
    filers = filers_in(s)
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
