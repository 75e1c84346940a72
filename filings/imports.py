"""Reading uploaded `.xlsx` files: plan rows in the form's layout, and attendance sheets.

Both report every bad row with its row number in the sheet (RowErrors) and return nothing
unless every row is good, so the caller writes all rows or none. They run outside any
database transaction (in a background job) and read a sheet as a stream of rows, within
limits checked before and while reading, so that a hostile file is refused in a moment:

- the archive: declared uncompressed sizes (all parts, shared strings) and the number of
  parts, from the zip directory before anything is decompressed (Python's zipfile never
  inflates a part beyond its declared size, so the declaration binds);
- the sheet: its declared dimension (if it claims too many rows or columns it is believed),
  a count of its row and cell tags in the raw bytes, then while streaming — rows numbered
  past the row limit, a value in a column past the column limit, and more cells in all than
  the cell limit, empty cells included.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from accounts.models import Person
from core import crypto, idnumber
from core.errors import DomainError, Invalid
from filings import rules, validators
from filings.models import PlanItem
from policy.models import Category

HEADER_SCAN_ROWS = 12
PROGRESS_EVERY = 2000  # rows between two progress reports of a reader


@dataclass(frozen=True)
class Limits:
    upload_bytes: int
    rows: int  # data rows, below the header
    columns: int
    cells: int  # cells the sheet's XML holds, empty ones included
    unpacked_bytes: int  # every part of the archive, uncompressed
    strings_bytes: int  # the shared-strings part, uncompressed (read whole by openpyxl)
    parts: int = 200


MB = 1024 * 1024
PLAN_LIMITS = Limits(
    upload_bytes=getattr(settings, "FILINGS_MAX_UPLOAD_BYTES", 5 * MB),
    rows=600,
    columns=30,
    cells=30_000,
    unpacked_bytes=40 * MB,
    strings_bytes=10 * MB,
)
ATTENDANCE_LIMITS = Limits(
    upload_bytes=getattr(settings, "FILINGS_ATTENDANCE_MAX_UPLOAD_BYTES", 10 * MB),
    rows=getattr(settings, "FILINGS_ATTENDANCE_MAX_ROWS", 100_000),
    columns=20,
    cells=600_000,
    unpacked_bytes=150 * MB,
    strings_bytes=60 * MB,
)
PLAN_COLUMNS = {
    "序号": "seq",
    "培训项目": "project",
    "培训对象及人数": "audience",
    "开班时间": "starts_on",
    "培训学时数": "hours",
    "培训师资": "teachers",
    "培训方式": "mode",
    "办班地点": "venue",
    "经费来源": "funding",
    "备注": "remark",
    "科目类别": "category",
}
PLAN_REQUIRED = [k for k in PLAN_COLUMNS if k not in ("科目类别",)]
ATTENDANCE_COLUMNS = {"身份证号码": "id_number", "姓名": "name", "学时": "hours"}
_SPACE = re.compile(r"[\s\u3000]+")
_CATEGORY_PREFIX = re.compile(r"^(公需科目|专业科目)\s*[;；,，]?\s*")


class RowErrors(Invalid):
    """A bulk import refused: every bad row, with its row number in the file."""

    def __init__(self, detail: str, rows: list[dict]):
        errors = [{"field": r["field"], "message": r["message"]} for r in rows]
        super().__init__(detail, errors)
        self.rows = rows


def _label(value) -> str:
    return _SPACE.sub("", str(value or ""))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _refuse(message: str) -> DomainError:
    return Invalid.field("file", message)


def _unreadable() -> DomainError:
    return _refuse(_("文件：无法读取，请确认是 Excel（.xlsx）文件。"))


def check_upload(upload, limits: Limits) -> None:
    """What can be judged without decompressing anything: the name, the size and the zip
    directory (declared sizes of the parts). Cheap enough for the request itself."""
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if not name.lower().endswith(".xlsx"):
        raise _refuse(_("文件：请上传 .xlsx 格式的 Excel 文件。"))
    if size is not None and size > limits.upload_bytes:
        raise _refuse(_("文件：不能超过 %(mb)s MB。") % {"mb": limits.upload_bytes // MB})
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _unreadable() from None
    finally:
        upload.seek(0)
    if len(parts) > limits.parts:
        raise _refuse(_("文件：包含的部件过多（%(n)s 个），不像正常的 Excel 文件。") % {"n": len(parts)})
    if sum(p.file_size for p in parts) > limits.unpacked_bytes:
        raise _refuse(
            _("文件：解压后超过 %(mb)s MB，无法导入。请删除多余的工作表、行和列后重新保存。")
            % {"mb": limits.unpacked_bytes // MB}
        )
    strings = sum(p.file_size for p in parts if p.filename.lower().endswith("sharedstrings.xml"))
    if strings > limits.strings_bytes:
        raise _refuse(
            _("文件：文字内容解压后超过 %(mb)s MB，无法导入。") % {"mb": limits.strings_bytes // MB}
        )


_ROW = f"{{{SHEET_MAIN_NS}}}row"
_DIMENSION = f"{{{SHEET_MAIN_NS}}}dimension"
_DATA = f"{{{SHEET_MAIN_NS}}}sheetData"
_CELL = f"{{{SHEET_MAIN_NS}}}c"


def _too_many_rows(limits: Limits) -> DomainError:
    return _refuse(_("文件：数据超过 %(n)s 行，请分成多个文件上传。") % {"n": limits.rows})


class _BoundedParser(WorkSheetParser):
    """openpyxl's cell parser driven by a stream that stops at the limits. openpyxl's own
    loop builds a whole row, however wide, before looking at it, and fills every missing
    row up to the next one's number: a row of 16,384 cells or a row numbered 1,048,576
    would be read to the end before anything could refuse it."""

    def __init__(self, source, shared_strings, limits: Limits, workbook):
        super().__init__(
            source,
            shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        self.limits = limits
        self.last_row = limits.rows + HEADER_SCAN_ROWS + 20

    def rows(self) -> Iterator[tuple[int, tuple]]:
        limits, cells, values = self.limits, 0, []
        for event, element in iterparse(self.source, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == _ROW:
                    number = element.get("r")
                    self.row_counter = int(number) if number else self.row_counter + 1
                    self.col_counter, values = 0, []
                    if self.row_counter > self.last_row:
                        raise _too_many_rows(limits)
                continue
            if tag == _CELL:
                cells += 1
                if cells > limits.cells:
                    raise _too_many_cells(limits)
                ref = element.get("r")
                column = coordinate_to_tuple(ref)[1] if ref else self.col_counter + 1
                if column > limits.columns:
                    self.col_counter = column
                    if len(element):  # a value (or formula) past the last column read
                        raise _refuse(
                            _("文件：第%(row)s行第 %(col)s 列有内容，最多 %(max)s 列（到 %(letter)s 列）。")
                            % {
                                "row": self.row_counter,
                                "col": column,
                                "max": limits.columns,
                                "letter": get_column_letter(limits.columns),
                            }
                        )
                else:
                    cell = self.parse_cell(element)
                    values += [None] * (cell["column"] - len(values) - 1)
                    values.append(cell["value"])
                element.clear()
            elif tag == _ROW:
                element.clear()
                yield self.row_counter, tuple(values)


@dataclass
class Sheet:
    """The first worksheet of an upload, opened for streaming; `declared_rows` is what its
    dimension claims (a progress estimate, not a fact)."""

    rows: Iterator[tuple[int, tuple]]
    declared_rows: int | None
    close: Callable[[], None]


def open_sheet(upload, limits: Limits) -> Sheet:
    check_upload(upload, limits)
    try:
        workbook, archive, strings, path = _workbook(upload)
    except DomainError:
        raise
    except Exception:  # a missing or malformed part (zip, expat, openpyxl): not a workbook
        raise _unreadable() from None
    try:
        max_row, max_col = _dimension(archive, path)
        if (max_col or 0) > limits.columns or (max_row or 0) > limits.rows + HEADER_SCAN_ROWS + 20:
            raise _refuse(
                _("文件：工作表范围（%(ref)s）超过 %(rows)s 行或 %(cols)s 列，请删除多余的行和列后重新保存。")
                % {
                    "ref": f"{get_column_letter(max_col)}{max_row}",
                    "rows": limits.rows,
                    "cols": limits.columns,
                }
            )
        _count_tags(archive, path, limits)
        source = archive.open(path)
    except DomainError:
        archive.close()
        raise
    except Exception:
        archive.close()
        raise _unreadable() from None
    parser = _BoundedParser(source, strings, limits, workbook)

    def close() -> None:
        source.close()
        archive.close()

    return Sheet(rows=_guarded(parser.rows()), declared_rows=max_row, close=close)


def _workbook(upload):
    """openpyxl's read-only load without its worksheet step, which reads every sheet that
    declares no dimension from end to end just to size it (openpyxl 3.1, pinned)."""
    reader = ExcelReader(upload, read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        for _sheet, rel in reader.parser.find_sheets():
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
                return reader.wb, reader.archive, reader.shared_strings, rel.target
    except Exception:
        reader.archive.close()
        raise
    reader.archive.close()
    raise _refuse(_("文件：没有工作表。"))


def _dimension(archive: zipfile.ZipFile, path: str) -> tuple[int | None, int | None]:
    """(last row, last column) the sheet declares, read up to the start of its data."""
    with archive.open(path) as source:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == _DIMENSION:
                _min_col, _min_row, max_col, max_row = range_boundaries(element.get("ref"))
                return max_row, max_col
            if element.tag == _DATA:
                break
    return None, None


_ROW_TAGS = (b"<row ", b"<row>")
_CELL_TAGS = (b"<c ", b"<c>", b"<c/>")


def _count_tags(archive: zipfile.ZipFile, path: str, limits: Limits) -> None:
    """Count rows and cells in the sheet's bytes before parsing them (bytes.count runs at
    memory speed; the parser at a few hundred thousand cells a second), so that a sheet over
    the row or cell limit is refused in a fraction of a second. Writers that prefix the
    namespace escape this count, not the parser's own checks."""
    rows = cells = 0
    tail = b""
    with archive.open(path) as part:
        while chunk := part.read(4 * MB):
            data = tail + chunk
            # a tag split between two chunks is counted once: the tail was counted before
            rows += sum(data.count(t) - tail.count(t) for t in _ROW_TAGS)
            cells += sum(data.count(t) - tail.count(t) for t in _CELL_TAGS)
            if rows > limits.rows + HEADER_SCAN_ROWS + 20:
                raise _too_many_rows(limits)
            if cells > limits.cells:
                raise _too_many_cells(limits)
            tail = data[-5:]


def _too_many_cells(limits: Limits) -> DomainError:
    return _refuse(
        _("文件：单元格超过 %(n)s 个（含空白单元格），请删除多余的行和列后重新保存。") % {"n": limits.cells}
    )


def _guarded(rows: Iterator[tuple[int, tuple]]) -> Iterator[tuple[int, tuple]]:
    try:
        yield from rows
    except DomainError:
        raise
    except Exception:  # a malformed part found while streaming: expat/lxml, a bad number
        raise _unreadable() from None


def _find_header(rows: Iterator, wanted: dict[str, str], required: list[str]) -> dict[str, int]:
    """Read rows until the header (within the first HEADER_SCAN_ROWS rows); `rows` then
    continues with the row below it."""
    for row_no, row in rows:
        if row_no > HEADER_SCAN_ROWS:
            break
        labels = {_label(v): i for i, v in enumerate(row) if v is not None}
        if all(name in labels for name in required):
            return {wanted[name]: labels[name] for name in wanted if name in labels}
    raise _refuse(_("文件：未找到表头，第一张工作表应有列：%(cols)s。") % {"cols": "、".join(required)})


def _counted(rows: Iterator, limits: Limits, on_progress, declared: int | None) -> Iterator:
    """Rows below the header, reporting progress; more than the limit is refused."""
    for count, (row_no, row) in enumerate(rows, start=1):
        if count > limits.rows:
            raise _too_many_rows(limits)
        if on_progress and count % PROGRESS_EVERY == 0:
            on_progress(count, declared)
        yield row_no, row


def _value(row: tuple, columns: dict[str, int], name: str):
    index = columns.get(name)
    if index is None or index >= len(row):
        return None
    return row[index]


def _row_error(row_no: int, field: str, message: str) -> dict:
    return {
        "row": row_no,
        "field": f"rows.{row_no}.{field}",
        "message": _("第%(n)s行 ") % {"n": row_no} + message,
    }


def read_plan_rows(upload, year: int, on_progress=None) -> list[dict]:
    """Rows of the training-plan form (序号 … 备注, optional 科目类别) → cleaned item dicts.
    `on_progress(rows_read, declared_rows)` is called every PROGRESS_EVERY rows."""
    sheet = open_sheet(upload, PLAN_LIMITS)
    try:
        columns = _find_header(sheet.rows, PLAN_COLUMNS, PLAN_REQUIRED)
        cleaned_rows, errors = [], []
        for row_no, row in _counted(sheet.rows, PLAN_LIMITS, on_progress, sheet.declared_rows):
            first = _label(row[0] if row else "")
            if first.startswith(("申报单位", "联系人", "电话", "注")) or "意见" in first:
                break
            values = {name: _value(row, columns, name) for name in columns}
            content = [v for k, v in values.items() if k != "seq" and _cell_text(v)]
            if not content:
                continue  # blank or only numbered (the template's empty rows)
            raw = {k: (_cell_text(v) if k not in ("starts_on", "hours") else v) for k, v in values.items()}
            remark = raw.get("remark", "")
            match = _CATEGORY_PREFIX.match(remark)
            if match:
                raw.setdefault("category", "")
                if not raw["category"]:
                    raw["category"] = match.group(1)
                raw["remark"] = remark[match.end() :]
            cleaned, row_errors = rules.clean_plan_item(raw, year)
            errors += [_row_error(row_no, e["field"], e["message"]) for e in row_errors]
            cleaned_rows.append(cleaned)
            if len(cleaned_rows) > rules.MAX_ITEMS:
                raise _refuse(_("文件：培训项目最多 %(n)s 行。") % {"n": rules.MAX_ITEMS})
    finally:
        sheet.close()
    if errors:
        bad = len({e["row"] for e in errors})
        raise RowErrors(_("导入失败：%(n)s 行有误，未导入任何行。请修改后重新上传。") % {"n": bad}, errors)
    if not cleaned_rows:
        raise _refuse(_("文件：表格中没有填写任何培训项目。"))
    return cleaned_rows


def read_attendance_rows(upload, item: PlanItem, on_progress=None) -> list[tuple[int, Decimal]]:
    """An attendance sheet (身份证号码, 姓名, 学时) → [(person id, hours)], every row checked:
    ID number, a registered person, the name, hours (> 0, ≤ the item's hours), duplicates.
    `on_progress(rows_read, declared_rows)` is called every PROGRESS_EVERY rows."""
    sheet = open_sheet(upload, ATTENDANCE_LIMITS)
    parsed, errors = [], []
    seen: dict[str, int] = {}
    try:
        columns = _find_header(sheet.rows, ATTENDANCE_COLUMNS, list(ATTENDANCE_COLUMNS))
        for row_no, row in _counted(sheet.rows, ATTENDANCE_LIMITS, on_progress, sheet.declared_rows):
            raw_id = _cell_text(_value(row, columns, "id_number"))
            name = _label(_value(row, columns, "name"))
            raw_hours = _value(row, columns, "hours")
            if not raw_id and not name and not _cell_text(raw_hours):
                continue
            number = None
            try:
                number = idnumber.validate(raw_id)
            except ValidationError as exc:
                errors.append(_row_error(row_no, "id_number", _("身份证号码：") + exc.messages[0]))
            if number is not None:
                if number in seen:
                    errors.append(
                        _row_error(
                            row_no, "id_number", _("身份证号码：与第%(n)s行重复。") % {"n": seen[number]}
                        )
                    )
                    number = None
                else:
                    seen[number] = row_no
            if not name:
                errors.append(_row_error(row_no, "name", _("姓名：必须填写。")))
            hours, error = validators.parse_hours(raw_hours, limit=item.hours)
            if error:
                errors.append(_row_error(row_no, "hours", _("学时：") + error))
            parsed.append((row_no, number and crypto.lookup_hash(number), name, hours))
    finally:
        sheet.close()
    hashes = [h for _r, h, _name, _h in parsed if h]
    people = {
        digest: (pk, person_name)
        for pk, digest, person_name in Person.objects.filter(id_number_hash__any_of=hashes).values_list(
            "pk", "id_number_hash", "name"
        )
    }
    result = []
    for row_no, digest, name, hours in parsed:
        if digest is None:
            continue
        person = people.get(digest)
        if person is None:
            errors.append(_row_error(row_no, "id_number", _("身份证号码：平台上没有该人员（请先注册）。")))
            continue
        if name and _label(person[1]) != name:
            errors.append(_row_error(row_no, "name", _("姓名：与该身份证号码登记的姓名不一致。")))
            continue
        if hours is not None:
            result.append((person[0], hours))
    if errors:
        errors.sort(key=lambda e: e["row"])
        bad = len({e["row"] for e in errors})
        raise RowErrors(_("名单有 %(n)s 行有误，未计入任何学时。请修改后重新上传。") % {"n": bad}, errors)
    if not result:
        raise _refuse(_("文件：名单中没有任何人员。"))
    return result


def category_label(value: str) -> str:
    return str(dict(Category.choices).get(value, value))
