"""Format checks for the fields of the two forms, each answering a Chinese message or None."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from core.hours import format_hours

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
SERVICE_LINE = re.compile(r"^[48]00-?\d{3}-?\d{4}$")
# 豫ICP备2025000001号, 京ICP证030173号, 豫ICP备12345678号-1
ICP = re.compile(r"^[\u4e00-\u9fa5]ICP[备证]\d{6,12}号(-\d{1,3})?$")
DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
TLD = re.compile(r"^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
MAX_HOURS = Decimal("999.9")


def mobile_error(value: str) -> str | None:
    if not MOBILE.match(value):
        return _("手机号码应为11位数字，以1开头，如 13800000000。")
    return None


def phone_error(value: str) -> str | None:
    """A mobile or a landline (0398-2850937, 03982850937)."""
    if MOBILE.match(value) or LANDLINE.match(value):
        return None
    return _("电话号码格式不正确：手机号为11位，固定电话如 0398-2850937。")


def office_phone_error(value: str) -> str | None:
    if LANDLINE.match(value) or SERVICE_LINE.match(value) or MOBILE.match(value):
        return None
    return _("办公电话格式不正确：如 0398-2850937 或 400-123-4567。")


def icp_error(value: str) -> str | None:
    if not ICP.match(value):
        return _("网站备案号格式不正确，应如“豫ICP备2025000001号”或“豫ICP备12345678号-1”。")
    return None


def normalise_domain(value: str) -> str:
    return (value or "").strip().lower().rstrip(".")


def domain_error(value: str) -> str | None:
    message = _("域名格式不正确，应如 www.example.cn（不含 http:// 和路径）。")
    if not value or len(value) > 253 or "." not in value:
        return message
    labels = value.split(".")
    if not all(DOMAIN_LABEL.match(label) for label in labels) or not TLD.match(labels[-1]):
        return message
    return None


def url_error(value: str, domain: str = "") -> str | None:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return _("网址格式不正确，应以 http:// 或 https:// 开头，如 https://www.example.cn/。")
    host = (urlsplit(value).hostname or "").lower()
    if domain and host != domain and not host.endswith("." + domain):
        return _("网址的域名（%(host)s）与填写的域名（%(domain)s）不一致。") % {
            "host": host,
            "domain": domain,
        }
    return None


def parse_hours(value, limit: Decimal | None = None) -> tuple[Decimal | None, str | None]:
    """Hours as Decimal(5,1): positive, at most one decimal, not above `limit`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, _("必须填写。")
    if isinstance(value, bool):
        return None, _("应为数字。")
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        return None, _("应为数字，如 8 或 2.5。")
    if not hours.is_finite():
        return None, _("应为数字，如 8 或 2.5。")
    if hours <= 0:
        return None, _("应大于 0。")
    if hours > MAX_HOURS:
        return None, _("不能超过 %(max)s。") % {"max": MAX_HOURS}
    if hours != hours.quantize(Decimal("0.1")):
        return None, _("最多保留 1 位小数。")
    if limit is not None and hours > limit:
        return None, _("不能超过该培训项目的学时数 %(limit)s。") % {"limit": format_hours(limit)}
    return hours.quantize(Decimal("0.1")), None


def parse_date(value) -> tuple[dt.date | None, str | None]:
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    text = str(value or "").strip()
    if not text:
        return None, _("必须填写。")
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date(), None
        except ValueError:
            continue
    return None, _("日期格式应为 YYYY-MM-DD，如 2025-10-20。")
