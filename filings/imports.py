"""Reading uploaded `.xlsx` files: plan rows in the form's layout, and attendance sheets.

Both report every bad row with its row number in the sheet (RowErrors) and return nothing
unless every row is good, so the caller writes all rows or none.
"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from accounts.models import Person
from core import crypto, idnumber
from core.errors import DomainError
from filings import validators
from filings.models import Category, PlanItem

MAX_UPLOAD_BYTES = getattr(settings, "FILINGS_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
MAX_ROWS = 5000
HEADER_SCAN_ROWS = 12

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


def _label(value) -> str:
    return _SPACE.sub("", str(value or ""))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _open(upload):
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if not name.lower().endswith(".xlsx"):
        raise DomainError.field("file", _("文件：请上传 .xlsx 格式的 Excel 文件。"))
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise DomainError.field(
            "file", _("文件：不能超过 %(mb)s MB。") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    try:
        upload.seek(0)
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise DomainError.field("file", _("文件：无法读取，请确认是 Excel（.xlsx）文件。")) from None
    return workbook.worksheets[0]


def _find_header(
    rows: list[tuple], wanted: dict[str, str], required: list[str]
) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        labels = {_label(v): i for i, v in enumerate(row) if v is not None}
        if all(name in labels for name in required):
            return index, {wanted[name]: labels[name] for name in wanted if name in labels}
    raise DomainError.field(
        "file",
        _("文件：未找到表头，第一张工作表应有列：%(cols)s。") % {"cols": "、".join(required)},
    )


def _rows(sheet) -> list[tuple]:
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(row)
        if len(rows) > MAX_ROWS + HEADER_SCAN_ROWS + 20:
            raise DomainError.field("file", _("文件：最多 %(n)s 行。") % {"n": MAX_ROWS})
    return rows


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


def read_plan_rows(upload, year: int) -> list[dict]:
    """Rows of the training-plan form (序号 … 备注, optional 科目类别) → cleaned item dicts."""
    from filings.services import RowErrors, clean_item

    sheet = _open(upload)
    rows = _rows(sheet)
    header, columns = _find_header(rows, PLAN_COLUMNS, PLAN_REQUIRED)
    cleaned_rows, errors = [], []
    for offset, row in enumerate(rows[header + 1 :], start=header + 2):
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
        cleaned, row_errors = clean_item(raw, year)
        errors += [_row_error(offset, e["field"], e["message"]) for e in row_errors]
        cleaned_rows.append(cleaned)
        if len(cleaned_rows) > 500:
            raise DomainError.field("file", _("文件：培训项目最多 500 行。"))
    if errors:
        bad = len({e["row"] for e in errors})
        raise RowErrors(_("导入失败：%(n)s 行有误，未导入任何行。请修改后重新上传。") % {"n": bad}, errors)
    if not cleaned_rows:
        raise DomainError.field("file", _("文件：表格中没有填写任何培训项目。"))
    return cleaned_rows


def read_attendance_rows(upload, item: PlanItem) -> list[tuple[Person, Decimal]]:
    """An attendance sheet (身份证号码, 姓名, 学时) → [(Person, hours)], every row checked:
    ID number, a registered person, the name, hours (> 0, ≤ the item's hours), duplicates."""
    from filings.services import RowErrors

    sheet = _open(upload)
    rows = _rows(sheet)
    header, columns = _find_header(rows, ATTENDANCE_COLUMNS, list(ATTENDANCE_COLUMNS))
    parsed, errors = [], []
    seen: dict[str, int] = {}
    for row_no, row in enumerate(rows[header + 1 :], start=header + 2):
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
                    _row_error(row_no, "id_number", _("身份证号码：与第%(n)s行重复。") % {"n": seen[number]})
                )
                number = None
            else:
                seen[number] = row_no
        if not name:
            errors.append(_row_error(row_no, "name", _("姓名：必须填写。")))
        hours, error = validators.parse_hours(raw_hours, limit=item.hours)
        if error:
            errors.append(_row_error(row_no, "hours", _("学时：") + error))
        parsed.append((row_no, number, name, hours))
    if len(parsed) > MAX_ROWS:
        raise DomainError.field("file", _("文件：最多 %(n)s 行。") % {"n": MAX_ROWS})
    hashes = {crypto.lookup_hash(n): n for _r, n, _name, _h in parsed if n}
    people = {hashes[p.id_number_hash]: p for p in Person.objects.filter(id_number_hash__in=list(hashes))}
    result = []
    for row_no, number, name, hours in parsed:
        if number is None:
            continue
        person = people.get(number)
        if person is None:
            errors.append(_row_error(row_no, "id_number", _("身份证号码：平台上没有该人员（请先注册）。")))
            continue
        if name and _label(person.name) != name:
            errors.append(_row_error(row_no, "name", _("姓名：与该身份证号码登记的姓名不一致。")))
            continue
        if hours is not None:
            result.append((person, hours))
    if errors:
        errors.sort(key=lambda e: e["row"])
        bad = len({e["row"] for e in errors})
        raise RowErrors(_("名单有 %(n)s 行有误，未计入任何学时。请修改后重新上传。") % {"n": bad}, errors)
    if not result:
        raise DomainError.field("file", _("文件：名单中没有任何人员。"))
    return result


def category_label(value: str) -> str:
    return str(dict(Category.choices).get(value, value))
