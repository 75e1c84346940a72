"""抽查结果: audit samples of the year with their outcomes and revocation rates, and by unit."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.actors import Actor, Role
from core.dates import local_day
from core.errors import Forbidden
from core.replica import reporting_alias
from organisations.models import Organisation
from organisations.selectors import organisations_in_scope
from sampling.models import AuditSample, SampledDeclaration
from supervision.selectors.scoping import check_year, scope
from supervision.selectors.tables import Column, Row, Statistic, Table

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
