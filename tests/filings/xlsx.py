"""Hand-written `.xlsx` archives for the import limits (and bench/imports.py): what a hostile
or careless file looks like inside, built part by part so that a 2,000 × 16,384 sheet costs
seconds to write rather than openpyxl's minutes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator

from openpyxl.utils import get_column_letter

# The header row of the training-plan form (培训计划申报表).
PLAN_HEADER = [
    "序号",
    "培训项目",
    "培训对象及人数",
    "开班时间",
    "培训学时数",
    "培训师资",
    "培训方式",
    "办班地点",
    "经费来源",
    "备注",
]
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{NS}" xmlns:r="{REL}">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}
EMPTY_STRINGS = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="0"/>'


def _text(value) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;")


def _cell(ref: str, value) -> str:
    if value is None:
        return f'<c r="{ref}"/>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{_text(value)}</t></is></c>'


def sheet_xml(rows: Iterable[tuple[int, Iterable]], dimension: str | None) -> Iterator[str]:
    """The worksheet part in pieces: (row number, cell values from column A) per row."""
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{NS}">'
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>"
    letters: list[str] = []
    for number, values in rows:
        cells = []
        for index, value in enumerate(values):
            while len(letters) <= index:
                letters.append(get_column_letter(len(letters) + 1))
            cells.append(_cell(f"{letters[index]}{number}", value))
        yield f'<row r="{number}">{"".join(cells)}</row>'
    yield "</sheetData></worksheet>"


def workbook(
    rows: Iterable[tuple[int, Iterable]],
    dimension: str | None = None,
    shared_strings: bytes = b"",
    name: str = "hostile.xlsx",
) -> io.BytesIO:
    """An `.xlsx` in memory with one sheet of `rows`, compressed as Excel does (deflate)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in PARTS.items():
            archive.writestr(part, content)
        archive.writestr("xl/sharedStrings.xml", shared_strings or EMPTY_STRINGS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            for piece in sheet_xml(rows, dimension):
                part.write(piece.encode())
    buffer.seek(0)
    buffer.name = name
    return buffer


def wide(rows: int = 2000, columns: int = 16384, dimension: str | None = "auto", value="1") -> io.BytesIO:
    """The attacker's sheet: `rows` × `columns` cells without coordinates (Excel may omit
    them), so every row is the same bytes and 2,000 × 16,384 deflates to about 1 MB.
    `value=None` writes empty cells (`<c/>`); `dimension="auto"` declares the true size."""
    if dimension == "auto":
        dimension = f"A1:{get_column_letter(columns)}{rows}"
    cell = "<c/>" if value is None else f"<c><v>{value}</v></c>"
    line = ("<row>" + cell * columns + "</row>").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in PARTS.items():
            archive.writestr(part, content)
        archive.writestr("xl/sharedStrings.xml", EMPTY_STRINGS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{NS}">'
            part.write(head.encode())
            if dimension:
                part.write(f'<dimension ref="{dimension}"/>'.encode())
            part.write(b"<sheetData>")
            for _ in range(rows):
                part.write(line)
            part.write(b"</sheetData></worksheet>")
    buffer.seek(0)
    buffer.name = "wide.xlsx"
    return buffer


def bomb(megabytes: int) -> io.BytesIO:
    """A zip bomb: a shared-strings part of `megabytes` MB of one repeated string, which
    deflates about a thousandfold (1,000 MB → ~1 MB)."""
    buffer = io.BytesIO()
    chunk = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in PARTS.items():
            archive.writestr(part, content)
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">'.encode())
            block = chunk * 1024
            for _ in range(megabytes * 1024 * 1024 // len(block) + 1):
                part.write(block)
            part.write(b"</sst>")
        archive.writestr(
            "xl/worksheets/sheet1.xml", "".join(sheet_xml([(1, ["身份证号码", "姓名", "学时"])], None))
        )
    buffer.seek(0)
    buffer.name = "bomb.xlsx"
    return buffer
