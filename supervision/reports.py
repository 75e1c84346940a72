"""The yearly report for the province (or the bureau's region): the figures by region and by
industry (the authority over each unit) and the other statistics' main tables, in the layout
README "统计 / Statistics" documents."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.actors import Actor
from supervision import exports, selectors


def sections(actor: Actor, *, year: int) -> list[tuple[str, selectors.Table]]:
    hours = selectors.hours(actor, year)
    reviews = selectors.reviews(actor, year)
    return [
        (_("按地区达标"), selectors.completion(actor, year, by="region").tables[0]),
        (_("按行业达标"), selectors.completion(actor, year, by="authority").tables[0]),
        (_("按职称系列达标"), selectors.completion(actor, year, by="profession").tables[0]),
        (_("各月学时"), hours.table("by_month")),
        (_("学时来源"), hours.table("by_source")),
        (_("学习方式"), hours.table("by_method")),
        (_("审核时效"), reviews.table("by_level")),
        (_("备案情况"), selectors.filings(actor, year).table("by_kind")),
        (_("计划执行"), selectors.plans(actor, year).tables[0]),
        (_("抽查结果"), selectors.sampling(actor, year).table("by_sample")),
    ]


def yearly_report(actor: Actor, *, year: int) -> bytes:
    s = selectors.scope(actor)
    return exports.report_workbook(year, s.label, sections(actor, year=year))
