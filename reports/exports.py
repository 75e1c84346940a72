"""Spreadsheet exports (openpyxl write-only mode: rows stream to the file, so a province's whole
staff never sits in memory; the export job reports its progress as the rows are written)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from core.dates import local_time
from core.hours import format_hours
from core.sheets import set_up_pages, text_cell
from credits.rules import compliance

_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_SHORT_FILL = PatternFill("solid", fgColor="FDE9D9")
HEADER_ROW = 3  # title, export time, then the column headers
HEADERS = [
    gettext_lazy("工作单位"),
    gettext_lazy("姓名"),
    gettext_lazy("身份证号码"),
    gettext_lazy("职称系列"),
    gettext_lazy("公需科目"),
    gettext_lazy("专业科目"),
    gettext_lazy("合计"),
    gettext_lazy("审核中"),
    gettext_lazy("要求（总/公需/专业）"),
    gettext_lazy("公需还差"),
    gettext_lazy("专业还差"),
    gettext_lazy("是否达标"),
]
# In column units (one Latin character; a CJK character takes two): each column holds its
# header on one line, 要求（总/公需/专业） (20 units, bold) included; a unit name longer than
# its column shrinks to fit (a wrapped one would need row heights a streamed sheet cannot set).
COLUMN_WIDTHS = [34, 14, 21, 14, 10, 10, 8, 8, 23, 10, 10, 10]
_CENTER = Alignment(horizontal="center")


def _n(value) -> float:
    """An hour figure as a number cell, exactly the figure `format_hours` prints (General
    format shows 24 and 12.5; subtracting in Decimal keeps 0.30000000000000004 out)."""
    return float(format_hours(value))


def write_compliance(
    rows: Iterable,
    year: int,
    scope_name: str,
    target: str | BinaryIO,
    on_progress: Callable[[int], None] | None = None,
    every: int = 500,
) -> int:
    """Staff compliance for `year` into `target` (a path or a binary file): one row per
    confirmed member, masked ID numbers only. `on_progress(n)` is called every `every` rows
    and once at the end. Returns the number of people written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("%(year)s年度学时达标情况") % {"year": year})
    # 12 columns on one landscape A4 page wide (fit to width prints them at about 80 %).
    for letter, width in zip("ABCDEFGHIJKL", COLUMN_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    set_up_pages(ws, landscape=True, header_rows=(HEADER_ROW, HEADER_ROW), freeze_below=HEADER_ROW + 1)

    def cell(value, bold=False, fill=None, alignment=None):
        c = text_cell(ws, value)
        if bold:
            c.font = Font(bold=True)
        if fill:
            c.fill = fill
        if alignment:
            c.alignment = alignment
        return c

    shrink = Alignment(shrink_to_fit=True)

    title = _("%(scope)s %(year)s 年度专业技术人员继续教育学时达标情况") % {"scope": scope_name, "year": year}
    ws.append([cell(title, bold=True)])
    generated = local_time(timezone.now())
    ws.append([cell(_("导出时间：%(t)s（北京时间）；学时为已审核通过并计入的学时。") % {"t": generated})])
    header_cells = []
    for h in HEADERS:
        c = cell(str(h), bold=True, fill=_HEADER_FILL)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(c)
    ws.append(header_cells)
    count = 0
    for m in rows:
        count += 1
        short = compliance.shortfall_of_row(m)
        fill = None if m.compliant else _SHORT_FILL
        ws.append(
            [
                cell(m.unit.name, alignment=shrink),
                cell(m.person.name),
                cell(m.person.id_number_masked),
                cell(m.person.profession.name),
                cell(_n(m.public)),
                cell(_n(m.professional)),
                cell(_n(m.total)),
                cell(_n(m.pending)),
                cell(
                    "/".join(format_hours(v) for v in (m.req_total, m.req_public, m.req_professional)),
                    alignment=_CENTER,
                ),
                cell(_n(short.public)),
                cell(_n(short.professional)),
                cell(_("达标") if m.compliant else _("未达标"), fill=fill, alignment=_CENTER),
            ]
        )
        if on_progress is not None and count % every == 0:
            on_progress(count)
    ws.append([])
    ws.append([cell(_("共 %(n)s 人。") % {"n": count})])
    wb.save(target)
    if on_progress is not None:
        on_progress(count)
    return count
