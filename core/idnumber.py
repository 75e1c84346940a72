"""Resident identity numbers (居民身份证号码, GB 11643-1999): validation and masking."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CODES = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")


def normalise(raw: str) -> str:
    return (raw or "").strip().upper()


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
    try:
        born = birth_date(number)
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期不存在。"), code="birth_date") from None
    if born.year < 1900 or born > date.today():
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
