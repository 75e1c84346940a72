"""The official forms: produced files are opened with their libraries and their cells checked."""

import io
import os

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from filings import exports
from filings import services as filing_services
from filings.models import TrainingPlan
from tests import factories
from tests.factories import accepted_plan, accepted_platform, plan_input, plan_item_data

pytestmark = pytest.mark.django_db

DUMP = os.environ.get("FILINGS_EXPORT_DUMP")  # a folder: write the files there to look at them


def _dump(name, content):
    if DUMP:
        os.makedirs(DUMP, exist_ok=True)
        with open(os.path.join(DUMP, name), "wb") as fh:
            fh.write(content)


@pytest.fixture
def plan(world):
    items = [
        plan_item_data(project="建筑节能新技术研修班", hours=24),
        plan_item_data(
            project="公需科目：数字技术普及", category="public", hours=12.5, remark="线上线下结合"
        ),
    ]
    return accepted_plan(world, items=items)


def _docx_cells(content):
    doc = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return text, tables


def test_plan_docx_has_the_form_layout(plan):
    content, ctype, name = exports.export_plan(plan, "docx")
    _dump("plan.docx", content)
    assert ctype.endswith("wordprocessingml.document") and name.endswith(".docx")
    text, tables = _docx_cells(content)
    assert "2025年度三门峡市专业技术人员继续教育培训计划申报表" in text
    assert "联系人：乔宇" in text and "电话：0398-2850937" in text and "一式三份" in text
    grid = tables[-1]
    assert grid[0] == exports.PLAN_HEADERS
    assert grid[1][:5] == ["1", "建筑节能新技术研修班", "建筑设计人员 60人", "2025-10-20", "24"]
    assert grid[2][4] == "12.5" and grid[2][9] == "公需科目；线上线下结合"
    assert [row[0] for row in grid[3:6]] == ["3", "4", "5"]  # the numbered empty rows of the form
    opinion = grid[6]
    assert opinion[0].replace("\n", "") == "申报单位（基地）意见"
    assert "同意申报" in opinion[2] and "公  章" in opinion[2] and "2025年9月1日" in opinion[2]
    assert "行业主管单位意见" in opinion[5] and "同意" in opinion[7] and "年" in opinion[7]
    subtitle = tables[0][0]
    assert subtitle[1] == "申报日期：2025年9月1日"


def test_plan_xlsx_cells_and_reimport(plan):
    content, _ctype, _name = exports.export_plan(plan, "xlsx")
    _dump("plan.xlsx", content)
    ws = load_workbook(io.BytesIO(content)).active
    assert ws["A1"].value == "2025年度三门峡市专业技术人员继续教育培训计划申报表"
    assert "申报日期：2025年9月1日" in [ws.cell(row=2, column=c).value for c in range(1, 11)]
    assert [ws.cell(row=3, column=c).value for c in range(1, 11)] == exports.PLAN_HEADERS
    assert ws["A4"].value == 1 and ws["B4"].value == "建筑节能新技术研修班" and ws["E4"].value == 24
    assert ws["D4"].value.date().isoformat() == "2025-10-20"
    assert ws["E5"].value == 12.5 and ws["J5"].value == "公需科目；线上线下结合"
    assert ws["A9"].value == "申报单位\n（基地）\n意见" and "同意申报" in ws["C9"].value
    assert ws.page_setup.orientation == "landscape"
    # the export is re-importable into a new plan in the same layout
    upload = io.BytesIO(content)
    upload.name = "plan.xlsx"
    from filings.imports import read_plan_rows

    rows = read_plan_rows(upload, 2025)
    assert [r["project"] for r in rows] == ["建筑节能新技术研修班", "公需科目：数字技术普及"]
    assert rows[1]["category"] == "public" and rows[1]["remark"] == "线上线下结合"
    assert rows[0]["category"] == "professional" and rows[0]["remark"] == ""


def test_plan_pdf_text(plan):
    content, ctype, _name = exports.export_plan(plan, "pdf")
    _dump("plan.pdf", content)
    assert ctype == "application/pdf"
    reader = PdfReader(io.BytesIO(content))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    text = page.extract_text()
    for expected in [
        "培训计划申报表",
        "培训对象及人数",
        "建筑节能新技术研修班",
        "申报日期",
        "公",
        "联系人：乔宇",
    ]:
        assert expected in text


def test_platform_docx_and_pdf(world):
    filing, _token = accepted_platform(world, offers_public=True, offers_professional=True)
    content, ctype, name = exports.export_platform(filing, "docx")
    _dump("platform.docx", content)
    assert ctype == exports.DOCX and name == "网络学习平台备案登记表-豫才继续教育在线-2025.docx"
    text, tables = _docx_cells(content)
    assert "三门峡市专业技术人员继续教育网络学习平台备案登记表" in text
    grid = tables[-1]
    assert grid[0][0] == "网站名称" and grid[0][1] == "豫才继续教育在线"
    assert grid[2] == [
        "网站备案号",
        "豫ICP备2025000001号",
        "域名",
        "learn.example.cn",
        "网址",
        "https://learn.example.cn/",
    ]
    assert grid[3][1] == "公需科目（√）" and grid[3][3] == "专业科目（√）"
    assert (
        grid[4][1] == "收费主体" and grid[6][1] == "批准部门及文号" and grid[6][2] == "三发改收费〔2025〕1号"
    )
    assert grid[10][2] == "手机：13800000000" and grid[10][4] == "办公电话：0398-2850937"
    assert "同意备案" in grid[11][1] and "（单位公章）" in grid[11][1]
    assert grid[11][3].replace("\n", "") == "行业主管单位意见" and "同意" in grid[11][4]
    content, _ctype, _name = exports.export_platform(filing, "pdf")
    _dump("platform.pdf", content)
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text().replace("\n", "").replace(" ", "")
    for expected in [
        "网络学习平台备案登记表",
        "豫ICP备2025000001号",
        "learn.example.cn",
        "收费标准",
        "单位公章",
    ]:
        assert expected in text


def test_blank_template(world):
    content = exports.plan_template_xlsx(2025)
    _dump("template.xlsx", content)
    wb = load_workbook(io.BytesIO(content))
    ws = wb["申报表"]
    assert [ws.cell(row=3, column=c).value for c in range(1, 11)] == exports.PLAN_HEADERS
    assert [ws.cell(row=r, column=1).value for r in range(4, 9)] == [1, 2, 3, 4, 5]
    assert "填写说明" in wb.sheetnames


def test_unaccepted_plan_exports_with_blank_dates(world):
    actor = factories.actor(world.unit_user)
    plan = filing_services.create_plan(actor, plan=plan_input(factories.plan_data(), [plan_item_data()]))
    _text, tables = _docx_cells(exports.export_plan(plan, "docx")[0])
    assert tables[0][0][1] == "申报日期：年    月    日"


HOSTILE_ROW = {
    "project": '=HYPERLINK("http://e.cn","张")',
    "audience": "+86 全体人员",
    "teachers": "-王工",
    "mode": "@面授",
    "venue": "=1+1",
    "funding": "-",
    "remark": "@SUM(A1)",
}


def test_plan_rows_typed_like_formulas_export_and_reimport_as_text(world, api_as):
    item = {**plan_item_data(**HOSTILE_ROW), "starts_on": "2025-10-20"}
    created = api_as(world.unit_user).post("filings/plans", {**factories.plan_data(), "items": [item]})
    assert created.status_code == 201, created.json()
    plan = TrainingPlan.objects.get(pk=created.json()["id"])
    content, _ctype, _name = exports.export_plan(plan, "xlsx")
    ws = load_workbook(io.BytesIO(content)).active
    assert [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"] == []
    row = {ws.cell(row=3, column=c).value: ws.cell(row=4, column=c) for c in range(1, 11)}
    assert row["培训项目"].value == HOSTILE_ROW["project"] and row["培训项目"].quotePrefix
    assert row["办班地点"].value == "=1+1" and row["培训师资"].value == "-王工"
    upload = io.BytesIO(content)
    upload.name = "plan.xlsx"
    from filings.imports import read_plan_rows

    (back,) = read_plan_rows(upload, 2025)
    assert {k: back[k] for k in ("project", "audience", "teachers", "mode", "venue")} == {
        k: HOSTILE_ROW[k] for k in ("project", "audience", "teachers", "mode", "venue")
    }


@pytest.mark.parametrize("which", ["plan", "template"])
def test_every_sheet_prints_on_a4_with_its_header_repeated_and_frozen(which, plan):
    content = exports.export_plan(plan, "xlsx")[0] if which == "plan" else exports.plan_template_xlsx(2025)
    book = load_workbook(io.BytesIO(content))
    form = book["申报表"]
    assert (str(form.page_setup.paperSize), form.page_setup.orientation) == (form.PAPERSIZE_A4, "landscape")
    assert form.sheet_properties.pageSetUpPr.fitToPage and form.page_setup.fitToWidth == 1
    assert form.print_title_rows == "$3:$3" and form.freeze_panes == "A4"
    assert [form.cell(row=3, column=c).value for c in range(1, 11)] == exports.PLAN_HEADERS
    if which == "template":
        notes = book["填写说明"]
        assert notes.page_setup.orientation == "portrait" and notes.freeze_panes == "A2"
