"""Fixtures of the notice and help tests: bureau actors, notices made through the services, and
real PDF / DOCX / XLSX files."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bulletins import services
from core.actors import Role
from tests import factories
from tests.browser.conftest import certificate_pdf


@pytest.fixture
def city(world):
    return factories.actor(world.bureau_user, Role.BUREAU)


@pytest.fixture
def county(world):
    return factories.actor(world.county_bureau_user, Role.BUREAU)


def make_notice(actor, publish=True, **fields):
    data = {
        "title": "关于做好年度继续教育工作的通知",
        "body": "各单位：\n\n请按时完成学时。",
        "audience": [],
        "is_public": False,
    }
    data.update(fields)
    notice = services.create_notice(actor, content=services.NoticeInput(**data))
    return services.publish_notice(actor, notice_id=notice.pk) if publish else notice


@pytest.fixture
def notice():
    return make_notice


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_upload(name="通知.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, certificate_pdf("三人社专技〔2025〕1号"), content_type="application/pdf")


def docx_bytes() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("2025年度三门峡市专业技术人员继续教育培训计划申报表")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["序号", "培训项目", "培训学时数"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def macro_xlsm_bytes() -> bytes:
    """An Excel package whose main part says macro-enabled (what .xlsm files carry)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
        )
        package.writestr("xl/workbook.xml", "<workbook/>")
        package.writestr("xl/vbaProject.bin", b"\x00" * 16)
    return out.getvalue()
