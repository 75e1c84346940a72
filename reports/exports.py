"""Spreadsheet exports (openpyxl write-only mode: rows stream to the file, so a province's whole
staff never sits in memory; the export job reports its progress as the rows are written)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from policy.selectors import SHANGHAI

_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_SHORT_FILL = PatternFill("solid", fgColor="FDE9D9")


def _n(value) -> float:
    return float(value or 0)


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
    widths = [28, 10, 22, 14, 10, 10, 10, 10, 12, 12, 12, 10]
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width

    def cell(value, bold=False, fill=None):
        c = WriteOnlyCell(ws, value=value)
        if bold:
            c.font = Font(bold=True)
        if fill:
            c.fill = fill
        return c

    title = _("%(scope)s %(year)s 年度专业技术人员继续教育学时达标情况") % {"scope": scope_name, "year": year}
    ws.append([cell(title, bold=True)])
    generated = timezone.localtime(timezone.now(), SHANGHAI).strftime("%Y-%m-%d %H:%M")
    ws.append([cell(_("导出时间：%(t)s（北京时间）；学时为已审核通过并计入的学时。") % {"t": generated})])
    headers = [
        _("工作单位"),
        _("姓名"),
        _("身份证号码"),
        _("职称系列"),
        _("公需科目"),
        _("专业科目"),
        _("合计"),
        _("审核中"),
        _("要求（总/公需/专业）"),
        _("公需还差"),
        _("专业还差"),
        _("是否达标"),
    ]
    header_cells = []
    for h in headers:
        c = cell(h, bold=True, fill=_HEADER_FILL)
        c.alignment = Alignment(horizontal="center")
        header_cells.append(c)
    ws.append(header_cells)
    count = 0
    for m in rows:
        count += 1
        short_public = max(0.0, _n(m.req_public) - _n(m.public))
        short_prof = max(0.0, _n(m.req_professional) - _n(m.professional))
        fill = None if m.compliant else _SHORT_FILL
        ws.append(
            [
                cell(m.unit.name),
                cell(m.person.name),
                cell(m.person.id_number_masked),
                cell(m.person.profession.name),
                cell(_n(m.public)),
                cell(_n(m.professional)),
                cell(_n(m.total)),
                cell(_n(m.pending)),
                cell(f"{_n(m.req_total):g}/{_n(m.req_public):g}/{_n(m.req_professional):g}"),
                cell(short_public),
                cell(short_prof),
                cell(_("达标") if m.compliant else _("未达标"), fill=fill),
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
