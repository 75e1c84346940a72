"""Resident identity numbers (居民身份证号码, GB 11643-1999): normalisation, validation and
masking.

Every ID number that enters the platform (registration, login, pushes, attendance sheets,
search) passes `normalise` before it is validated, hashed or looked up, so "４１１２０２…Ｘ",
"411202 1988 0612 002x" and "411202198806120020" typed in any of those ways are one person.
"""

import csv
import functools
import re
import unicodedata
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import dates

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CODES = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")


# Spaces (NFKC turns the ideographic space into one) and the dashes people type between groups.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]")
_REGIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "gbt2260.csv"
# Residence permits of people from Hong Kong, Macao and Taiwan (港澳台居民居住证, GB 11643 rules)
# begin with 810000, 820000 and 830000, which are no county codes.
_PERMIT_REGIONS = frozenset({"810000", "820000", "830000"})


def normalise(raw: str) -> str:
    """Full-width digits and Ｘ as ASCII (NFKC), x as X, without spaces and dashes."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or "")).upper()


@functools.cache
def region_codes() -> frozenset[str]:
    """The GB/T 2260 county-level codes ever in use, retired ones included (data/gbt2260.csv,
    built by scripts/gbt2260.py from a maintained compilation of the official lists)."""
    with _REGIONS_FILE.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(line for line in f if not line.startswith("#"))
        next(rows)
        return frozenset(row[0] for row in rows) | _PERMIT_REGIONS


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CODES[total % 11]


def birth_date(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def validate(raw: str) -> str:
    """Return the normalised number or raise ValidationError with a Chinese message."""
    number = normalise(raw)
    if len(number) != 18:
        raise ValidationError(_("身份证号码应为18位。"), code="length")
    if not _PATTERN.match(number):
        raise ValidationError(_("身份证号码格式不正确：前17位应为数字，最后一位为数字或X。"), code="format")
    if number[:6] not in region_codes():
        raise ValidationError(
            _("身份证号码前6位（地址码）%(code)s 不是有效的行政区划代码，请核对。") % {"code": number[:6]},
            code="region",
        )
    try:
        born = birth_date(number)
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期不存在。"), code="birth_date") from None
    if born.year < 1900 or born > dates.today():
        raise ValidationError(_("身份证号码中的出生日期不合理。"), code="birth_date")
    if check_digit(number[:17]) != number[17]:
        raise ValidationError(_("身份证号码校验位错误，请核对后重新输入。"), code="check_digit")
    return number


def mask(number: str) -> str:
    """Keep the first 3 and last 4 characters: enough for staff to tell people apart."""
    if not number:
        return ""
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def complete(first17: str) -> str:
    """Append the check digit (demo data and tests build valid numbers with it)."""
    return first17 + check_digit(first17)
