"""The `.xlsx` of a statistic (its tables, one sheet each) and the yearly report for the
province (README "统计 / Statistics" documents the layout). Formula-safe and print-ready through
core.sheets."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core import sheets
from core.dates import local_time
from supervision.cells import cell_value
from supervision.selectors import Statistic, Table

BOLD = Font(bold=True)


def _sheet_title(text: str, used: set) -> str:
    title = "".join(ch for ch in text if ch not in "[]:*?/\\")[:28] or "Sheet"
    base, n = title, 2
    while title in used:
        title = f"{base[:25]}{n}"
        n += 1
    used.add(title)
    return title


def write_table(ws, table: Table, heading: list[str]) -> None:
    """Heading lines, the header row (repeated on every printed page), the rows and a 合计 row."""
    columns = [table.label_name or _("项目"), *(c.label for c in table.columns)]
    for r, line in enumerate(heading, start=1):
        sheets.put(ws.cell(row=r, column=1), line)
    if heading:
        ws["A1"].font = Font(bold=True, size=13)
    header_row = len(heading) + 1
    for i, name in enumerate(columns, start=1):
        cell = ws.cell(row=header_row, column=i, value=name)
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(table.rows, start=header_row + 1):
        sheets.put(ws.cell(row=r, column=1), row.label)
        for i, c in enumerate(table.columns, start=2):
            sheets.put(ws.cell(row=r, column=i), cell_value(row.values.get(c.key), c.kind))
    if table.totals is not None:
        r = header_row + len(table.rows) + 1
        ws.cell(row=r, column=1, value=_("合计")).font = BOLD
        for i, c in enumerate(table.columns, start=2):
            cell = sheets.put(ws.cell(row=r, column=i), cell_value(table.totals.get(c.key), c.kind))
            cell.font = BOLD
    widths = [max(12, min(40, sheets.display_width(str(columns[0])) + 2))]
    widths[0] = max(
        widths[0], min(40, max((sheets.display_width(r.label) for r in table.rows), default=8) + 2)
    )
    for c in table.columns:
        widths.append(max(8, min(18, sheets.display_width(c.label) + 2)))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    sheets.set_up_pages(
        ws, landscape=len(columns) > 7, header_rows=(header_row, header_row), freeze_below=header_row + 1
    )


def _heading(title: str, scope: str) -> list[str]:
    issued = local_time(timezone.now())
    return [title, _("统计范围：%(scope)s　　生成时间：%(at)s（北京时间）") % {"scope": scope, "at": issued}]


def statistic_workbook(statistic: Statistic) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set = set()
    for table in statistic.tables:
        ws = wb.create_sheet(_sheet_title(table.title.split("年度", 1)[-1].strip() or table.key, used))
        write_table(ws, table, _heading(table.title, statistic.scope))
    if statistic.notes:
        ws = wb.create_sheet(_sheet_title(_("说明"), used))
        for r, note in enumerate(statistic.notes, start=1):
            sheets.put(ws.cell(row=r, column=1), note)
        ws.column_dimensions["A"].width = 100
        sheets.set_up_pages(ws, landscape=False)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_workbook(year: int, scope: str, sections: list[tuple[str, Table]]) -> bytes:
    """The yearly report: a cover sheet (说明) and one sheet per section, in the README order."""
    wb = Workbook()
    cover = wb.active
    cover.title = _("说明")
    lines = [
        _("%(year)s 年度专业技术人员继续教育统计报告") % {"year": year},
        _("统计范围：%(scope)s") % {"scope": scope},
        _("生成时间：%(at)s（北京时间）") % {"at": local_time(timezone.now())},
        "",
        _("工作表："),
        *(f"{i}. {name}" for i, (name, _t) in enumerate(sections, start=1)),
        "",
        _(
            "口径：人数为已确认的单位人员；达标指公需、专业和总学时三项均达到本人职称系列的年度要求；"
            "学时为已计入的学时，审核中的不计。"
        ),
    ]
    for r, line in enumerate(lines, start=1):
        sheets.put(cover.cell(row=r, column=1), line)
    cover["A1"].font = Font(bold=True, size=14)
    cover.column_dimensions["A"].width = 100
    sheets.set_up_pages(cover, landscape=False)
    used = {cover.title}
    for name, table in sections:
        ws = wb.create_sheet(_sheet_title(name, used))
        write_table(ws, table, _heading(f"{year} 年度 · {name}", scope))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
