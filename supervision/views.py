"""Statistics pages (统计分析): one page per statistic with its chart(s) and tables, its
`.xlsx`, and the yearly report. Thin: figures come from supervision.selectors (scoped; another
scope's region, authority or unit → 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actors import Role
from core.errors import Forbidden
from core.views import actor_in_role
from policy import selectors as policy_selectors
from supervision import charts, exports, reports, selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PAGES = [
    (
        "completion",
        gettext_lazy("学时达标"),
        gettext_lazy("注册、确认、达标与未达标人数，按地区、行业、单位和职称系列"),
    ),
    ("hours", gettext_lazy("学时来源"), gettext_lazy("各月计入学时、学时来源和学习方式")),
    ("reviews", gettext_lazy("审核时效"), gettext_lazy("各级审核用时中位数、按期率、超期待审")),
    ("filings", gettext_lazy("备案情况"), gettext_lazy("培训计划与平台备案：已申报、逾期、未申报")),
    ("plans", gettext_lazy("计划执行"), gettext_lazy("培训计划的班次和学时与实际报送、计入")),
    ("sampling", gettext_lazy("抽查结果"), gettext_lazy("抽查批次、核验结果与撤销率")),
]


def pages_for(role: str) -> list[tuple[str, str, str]]:
    return [p for p in PAGES if p[0] != "sampling" or role in (Role.AUTHORITY, Role.BUREAU)]


def _actor(request):
    return actor_in_role(
        request, *selectors.STAFF_ROLES, message=_("只有用人单位、行业主管部门和人社局可以查看统计。")
    )


def _int(request, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Http404()
    return int(raw)


def _year(request) -> int:
    year = _int(request, "year")
    return year if year and 2000 <= year <= 2100 else policy_selectors.today().year


def _params(request) -> dict:
    return {name: _int(request, name) for name in ("region", "authority", "unit")}


def _read(request, key: str):
    if key not in selectors.STATISTICS:
        raise Http404()
    actor = _actor(request)
    params = _params(request)
    if key == "completion":
        by = request.GET.get("by") or ("unit" if actor.is_role(Role.UNIT, Role.AUTHORITY) else "region")
        if by not in selectors.DIMENSIONS:
            raise Http404()
        params["by"] = by
    return actor, selectors.statistic(actor, key, _year(request), **params)


@login_required
def index(request):
    actor = _actor(request)
    return render(
        request,
        "supervision/index.html",
        {"pages": pages_for(actor.role), "year": _year(request), "years": selectors.years(), "actor": actor},
    )


@login_required
def statistic_page(request, key: str):
    actor, stat = _read(request, key)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/statistic.html",
        {
            "stat": stat,
            "charts": charts.charts_for(stat),
            "pages": pages_for(actor.role),
            "years": selectors.years(),
            "year": stat.year,
            "by": request.GET.get("by", ""),
            "dimensions": [
                (d, label)
                for d, label in (
                    ("region", _("地区")),
                    ("authority", _("行业主管部门")),
                    ("unit", _("单位")),
                    ("profession", _("职称系列")),
                )
                if not (actor.is_role(Role.UNIT) and d in ("region", "authority"))
            ],
            "query": query.urlencode(),
            "is_bureau": actor.is_role(Role.BUREAU),
        },
    )


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def statistic_xlsx(request, key: str):
    _, stat = _read(request, key)
    return _xlsx(exports.statistic_workbook(stat), f"{stat.year}年度{stat.title}.xlsx")


@login_required
def yearly_report(request):
    actor = actor_in_role(request, Role.BUREAU, message=_("只有人社局可以导出年度统计报告。"))
    if actor.organisation is None:
        raise Forbidden()
    year = _year(request)
    return _xlsx(reports.yearly_report(actor, year=year), f"{year}年度继续教育统计报告.xlsx")
