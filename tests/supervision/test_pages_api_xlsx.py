"""The page, its `.xlsx` and the API show the same figures; the sheet is formula-safe and set
up for printing; the yearly report has the documented sheets; the menus link the pages."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from supervision import selectors
from supervision.cells import format_cell
from tests import factories
from tests.supervision import scenario
from web import nav

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(world, today):
    return scenario.build(world, today)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def as_number(value):
    return float(value) if isinstance(value, Decimal) else value


@pytest.mark.parametrize("key", ["completion", "hours", "reviews", "filings", "plans", "sampling"])
def test_page_api_and_sheet_agree(world, year, api_as, key):
    user = world.bureau_user
    stat = selectors.statistic(
        factories.actor(user), key, 2026, **({"by": "region"} if key == "completion" else {})
    )
    page = logged_in(user).get(f"/statistics/{key}/", {"year": 2026})
    assert page.status_code == 200
    html = page.content.decode()
    answer = api_as(user).get(f"statistics/{key}", year=2026).json()
    assert [t["key"] for t in answer["tables"]] == [t.key for t in stat.tables]
    sheet = load_workbook(io.BytesIO(logged_in(user).get(f"/statistics/{key}.xlsx", {"year": 2026}).content))
    assert len(sheet.worksheets) >= len(stat.tables)
    for table, out, ws in zip(stat.tables, answer["tables"], sheet.worksheets, strict=False):
        assert [r["label"] for r in out["rows"]] == [r.label for r in table.rows]
        written = {row[0]: row[1:] for row in ws.iter_rows(min_row=4, values_only=True)}
        for row, api_row in zip(table.rows, out["rows"], strict=True):
            for column in table.columns:
                value = row.values.get(column.key)
                assert api_row["values"][column.key] == as_number(value)
                assert format_cell(value, column.kind) in html
            cells = written[row.label]
            for i, column in enumerate(table.columns):
                value = row.values.get(column.key)
                assert (cells[i] if cells[i] is not None else None) == (
                    None
                    if value is None
                    else (value if column.kind == "text" else pytest.approx(float(value)))
                )


def test_the_completion_page_has_its_chart_and_drill_down(world, year):
    html = logged_in(world.bureau_user).get("/statistics/completion/", {"year": 2026}).content.decode()
    assert 'data-testid="chart-completion"' in html and "<svg" in html and 'role="img"' in html
    region = next(r for r in selectors.completion(factories.actor(world.bureau_user), 2026).tables[0].rows)
    assert f"by=unit&amp;region={region.key}" in html
    for key, chart in (("hours", "hours-by-month"), ("reviews", "review-time"), ("plans", "plan-vs-actual")):
        html = logged_in(world.bureau_user).get(f"/statistics/{key}/", {"year": 2026}).content.decode()
        assert f'data-testid="chart-{chart}"' in html


def test_the_sheet_is_formula_safe_and_prints_on_a4(world, year):
    world.unit.name = '=HYPERLINK("http://e.cn","单位")'
    world.unit.save()
    content = (
        logged_in(world.bureau_user).get("/statistics/completion.xlsx", {"year": 2026, "by": "unit"}).content
    )
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    cell = next(c for row in ws.iter_rows(min_row=4) for c in row[:1] if c.value == world.unit.name)
    assert cell.data_type == "s" and cell.quotePrefix
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$3:$3" and ws.freeze_panes == "A4"
    assert ws["A3"].value == "单位" and ws["B3"].value == "注册人数"


def test_the_yearly_report_has_the_documented_layout(world, year):
    response = logged_in(world.bureau_user).get("/statistics/report.xlsx", {"year": 2026})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "说明",
        "按地区达标",
        "按行业达标",
        "按职称系列达标",
        "各月学时",
        "学时来源",
        "学习方式",
        "审核时效",
        "备案情况",
        "计划执行",
        "抽查结果",
    ]
    by_region = {row[0]: row for row in book["按地区达标"].iter_rows(min_row=4, values_only=True)}
    assert by_region["湖滨区"][1:5] == (4, 3, 1, 2)
    by_industry = {row[0]: row for row in book["按行业达标"].iter_rows(min_row=4, values_only=True)}
    assert by_industry["测试住建局"][2:4] == (3, 1)
    assert by_region["合计"][1:4] == (5, 4, 1)
    assert logged_in(world.unit_user).get("/statistics/report.xlsx").status_code == 403


@pytest.mark.parametrize("role", ["unit", "authority", "bureau"])
def test_each_staff_menu_links_the_statistics(world, role):
    urls = [item.url for item in nav.items_for(role, "/")]
    assert "/statistics/" in urls
    html = logged_in(world.user_of_each_role()[role]).get("/statistics/").content.decode()
    assert "/statistics/completion/" in html and "/statistics/reviews/" in html
    assert ("/statistics/sampling/" in html) == (role != "unit")


def test_the_api_documents_its_operations(api):
    schema = api.get("openapi.json").json()
    operation = schema["paths"]["/api/v1/statistics/completion"]["get"]
    assert operation["operationId"] == "get_statistics_completion"
    assert operation["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorOut")
    assert {p["name"] for p in operation["parameters"]} >= {"year", "by", "region", "authority", "unit"}
