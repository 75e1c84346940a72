"""core.sheets: text a spreadsheet would evaluate is written inert, and sheets print on A4."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from core.sheets import FORMULA_PREFIXES, display_width, put, set_up_pages, text_cell

HOSTILE = [
    '=HYPERLINK("http://e.cn","张")',
    "+1+2",
    "-3+4",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def _reopen(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


@pytest.mark.parametrize("write_only", [False, True])
def test_text_that_starts_like_a_formula_reads_back_as_the_same_text(write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("s") if write_only else wb.active
    values = [*HOSTILE, "张三", "A=B", 24, 12.5]
    if write_only:
        for value in values:
            ws.append([text_cell(ws, value)])
    else:
        for row, value in enumerate(values, start=1):
            put(ws.cell(row=row, column=1), value)
    sheet = _reopen(wb).worksheets[0]
    cells = [sheet.cell(row=r, column=1) for r in range(1, len(values) + 1)]
    assert [c.value for c in cells] == values
    assert all(c.data_type != "f" for c in cells)
    assert [c.quotePrefix for c in cells[: len(HOSTILE)]] == [True] * len(HOSTILE)
    assert not any(c.quotePrefix for c in cells[len(HOSTILE) :])
    assert {v[0] for v in HOSTILE} == set(FORMULA_PREFIXES)


def test_without_put_openpyxl_would_write_a_live_formula():
    """The hazard the helper exists for (if openpyxl stopped doing this, put would be moot)."""
    wb = Workbook()
    wb.active["A1"] = HOSTILE[0]
    assert _reopen(wb).active["A1"].data_type == "f"


@pytest.mark.parametrize("write_only", [False, True])
def test_page_setup(write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("s") if write_only else wb.active
    set_up_pages(ws, landscape=True, header_rows=(3, 3), freeze_below=4)
    for _ in range(5):
        ws.append(["x"])
    sheet = _reopen(wb).worksheets[0]
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$3:$3" and sheet.freeze_panes == "A4"
    assert "&P" in sheet.oddFooter.center.text


def test_display_width_counts_cjk_twice():
    assert display_width("要求（总/公需/专业）") == 20 and display_width("ABC") == 3
