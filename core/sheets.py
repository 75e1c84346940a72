"""What every `.xlsx` the platform writes has in common: user text stays text, and the sheet
prints on A4.

Formula safety. openpyxl stores any string that starts with "=" as a formula, so a person
registered as `=HYPERLINK("http://e.cn","张")` would become a live link in a unit's export; a
spreadsheet program also reads "+", "-", "@", a tab or a carriage return at the start of what
a user types again as the start of a formula. `put` writes such a value as a string cell
with the quote prefix (what a spreadsheet program sets for text typed after an apostrophe): it
shows exactly what was typed, is never evaluated, stays text when the cell is edited, and
reads back unchanged (the plan export imports back).

Page setup. `set_up_pages` gives a sheet A4 paper in the orientation its columns need, all
columns on one page wide (fit to width, as many pages down as needed), the header rows
repeated on every printed page and frozen on screen.

Both reports (write-only sheets) and filings (ordinary sheets) use this module; it imports
nothing of the platform.
"""

from __future__ import annotations

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_MM_PER_INCH = 25.4


def starts_like_a_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def put(cell: Cell | WriteOnlyCell, value) -> Cell | WriteOnlyCell:
    """Set `value` on `cell`; text that a spreadsheet would read as a formula stays inert text."""
    cell.value = value
    if starts_like_a_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def text_cell(ws, value) -> WriteOnlyCell:
    """A cell for a write-only sheet (`ws.append([...])`), formula-safe."""
    return put(WriteOnlyCell(ws), value)


def display_width(text: str) -> int:
    """Width of `text` in spreadsheet column units: a CJK character is two, others one."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def set_up_pages(
    ws,
    *,
    landscape: bool,
    header_rows: tuple[int, int] | None = None,
    freeze_below: int | None = None,
    margins_mm: float = 12.0,
) -> None:
    """A4 in the given orientation, fit to one page wide, `header_rows` (first, last; 1-based)
    repeated on every page, rows above `freeze_below` frozen, page numbers in the footer.
    Call before writing rows when `ws` is a write-only sheet."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    side = margins_mm / _MM_PER_INCH
    ws.page_margins = PageMargins(
        left=side, right=side, top=side * 1.2, bottom=side * 1.2, header=0.2, footer=0.2
    )
    if header_rows is not None:
        first, last = header_rows
        ws.print_title_rows = f"{first}:{last}"
    if freeze_below is not None:
        ws.freeze_panes = f"A{freeze_below}"
    ws.HeaderFooter.oddFooter.center.text = "第 &P 页，共 &N 页"
