"""The hour standard of a kind in words, from its terms (what a declaration stores at submit,
or what the catalogue says now): the same sentence on the declare page and the review page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.hours import format_hours

REVIEWER = _("由审核人员认定")


def standard_text(terms: dict) -> str:
    rule = terms.get("hour_rule")
    if rule == "per_day":
        daily = terms.get("hours_per_day")
        return (
            _("按天计算：每天最多 %(n)s 学时") % {"n": format_hours(daily)}
            if daily is not None
            else _("按天计算：每天学时由审核人员认定")
        )
    if rule == "per_item":
        levels = terms.get("levels")
        if levels is None and terms.get("level"):
            levels = [terms["level"]]
        parts = [
            f"{lv['name']} {format_hours(lv['hours'])} 学时"
            if lv.get("hours") is not None
            else f"{lv['name']} {REVIEWER}"
            for lv in levels or []
        ]
        return _("按项计算：每项 %(parts)s") % {"parts": "、".join(parts) or REVIEWER}
    return _("按申报学时，由审核人员认定")


def cap_text(terms: dict) -> str:
    cap = terms.get("yearly_cap")
    return _("每年最多计入 %(n)s 学时") % {"n": format_hours(cap)} if cap is not None else _("不设年度上限")


def current_terms(kind) -> dict:
    """A kind's terms as the catalogue has them now, with every level (for the declare page)."""
    terms = kind.terms()
    terms["levels"] = [
        {"code": lv.code, "name": lv.name, "hours": None if lv.hours is None else float(lv.hours)}
        for lv in kind.levels.all()
    ]
    return terms
