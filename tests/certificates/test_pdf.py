"""The printed certificate: its text extracts (title, number, code, masked ID only, register),
its fonts are embedded, it is PDF/A-2b like the yearly record, and each print is kept with the
PDF's hash."""

import hashlib
import io

import pikepdf
import pytest
from django.test import Client
from pypdf import PdfReader

from certificates import numbering
from certificates.models import CertificatePrint
from reports.records import format_code
from tests.reports.test_pdf_embedding import fonts_of

pytestmark = pytest.mark.django_db


def test_the_certificate_pdf_reads_back_with_its_fonts_embedded(world, hours):
    client = Client()
    client.force_login(world.person.user)
    content = client.get("/certificates/print.pdf").content
    printout = CertificatePrint.objects.get()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    flat = text.replace(" ", "").replace("\n", "")
    assert "河南省专业技术人员继续教育证书" in flat
    assert numbering.display(printout.certificate.number) in flat
    assert format_code(printout.code) in flat
    assert hours.id_number_masked in flat and hours.reveal_id_number() not in flat
    assert "三门峡市人力资源和社会保障局（市级）" in flat
    assert "建筑节能新技术研修班" in flat and "审核中的自学" not in flat
    assert "未达标" in flat  # 2026: 48 of 60 professional hours
    fonts = fonts_of(content)
    assert fonts
    for font in fonts:
        descriptor = font["/FontDescriptor"]
        assert "/FontFile2" in descriptor, font["/BaseFont"]
        assert "Helvetica" not in str(font["/BaseFont"])
    with pikepdf.open(io.BytesIO(content)) as pdf, pdf.open_metadata() as meta:
        assert meta["pdfaid:part"] == "2"
    assert printout.pdf_sha256 == hashlib.sha256(content).hexdigest()
    assert printout.snapshot["register"][-1]["year"] == 2026
