"""Every PDF of the platform (the yearly record, the two filing forms, the 2025 notice it
publishes) embeds its Chinese font: the text extracts, the font programs are in the file, and a
renderer without poppler-data (which a non-embedded CID font needs) draws the glyphs. The
yearly record is PDF/A-2b; a long domain breaks at its dots."""

import io
import os
import shutil
import subprocess
import tempfile

import pikepdf
import pytest
from django.test import Client
from PIL import Image
from pypdf import PdfReader

from core.actors import Role
from filings import exports
from filings.exports import DOMAIN_BREAKS, break_at
from provisioning import notice as demo_notice
from tests.factories import accepted_plan, accepted_platform, actor, plan_item_data

pytestmark = pytest.mark.django_db

LONG_DOMAIN = "continuing-education-platform.henan-yucai-online-learning.com.cn"
POPPLER_DATA = "/usr/share/poppler"


def record_pdf(world) -> bytes:
    client = Client()
    client.force_login(world.person.user)
    response = client.get("/reports/record.pdf", {"year": 2026})
    assert response.status_code == 200
    return response.content


def plan_pdf(world) -> bytes:
    plan = accepted_plan(world, items=[plan_item_data(project="建筑节能新技术研修班", hours=24)])
    return exports.export_plan(plan, "pdf")[0]


def platform_pdf(world) -> bytes:
    filing, _token = accepted_platform(world, domain=LONG_DOMAIN, url=f"https://{LONG_DOMAIN}/courses/")
    return exports.export_platform(filing, "pdf")[0]


def notice_pdf(world) -> bytes:
    """The 2025 notice as published with its files (provisioning.notice)."""
    notice = demo_notice.publish_notice_2025(actor(world.bureau_user, Role.BUREAU))
    (pdf,) = [a for a in notice.attachments.all() if a.original_name.endswith(".pdf")]
    with pdf.file.open("rb") as fh:
        return fh.read()


MAKERS = {"record": (record_pdf, "专业技术人员继续教育学时证明"), "plan": (plan_pdf, "培训计划申报表"),
          "platform": (platform_pdf, "网络学习平台备案登记表"),
          "notice": (notice_pdf, demo_notice.TITLE)}  # fmt: skip


def fonts_of(content: bytes) -> list[dict]:
    fonts = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            fonts.append(font)
    return fonts


def render_without_poppler_data(content: bytes) -> Image.Image:
    """Page 1 at 72 dpi as pdftoppm draws it with no poppler-data (hidden under an empty
    tmpfs in a private mount namespace when the machine has it)."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm missing: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "in.pdf")
        with open(source, "wb") as fh:
            fh.write(content)
        render = f"pdftoppm -r 72 -f 1 -l 1 -png {source} {folder}/page"
        if os.path.isdir(POPPLER_DATA):
            render = f"mount -t tmpfs none {POPPLER_DATA} && {render}"
            command = ["unshare", "--mount", "sh", "-c", render]
        else:
            command = ["sh", "-c", render]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if done.returncode != 0 and "unshare" in command[0]:
            pytest.skip(f"cannot hide poppler-data here: {done.stderr.strip()}")
        (png,) = [f for f in os.listdir(folder) if f.endswith(".png")]
        return Image.open(os.path.join(folder, png)).convert("L")


def dark_pixels(image: Image.Image, box=None) -> int:
    region = image.crop(box) if box else image
    return sum(count for value, count in enumerate(region.histogram()) if value < 128)


@pytest.mark.parametrize("which", list(MAKERS))
def test_the_font_is_embedded_and_the_text_extracts(world, hours, which):
    make, title = MAKERS[which]
    content = make(world)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).replace(" ", "")
    assert title in text.replace("\n", "")
    fonts = fonts_of(content)
    assert fonts
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
        assert "NotoSerifSC" in font["/BaseFont"]


@pytest.mark.parametrize("which", list(MAKERS))
def test_a_renderer_without_poppler_data_draws_the_glyphs(world, hours, which):
    make, _title = MAKERS[which]
    page = render_without_poppler_data(make(world))
    width, height = page.size
    title_band = (0, int(height * 0.03), width, int(height * 0.16))  # every PDF's title is up there
    assert dark_pixels(page, title_band) > 400
    assert dark_pixels(page) > 5000


def test_the_control_a_non_embedded_cid_font_renders_blank_there():
    """What the platform printed before: the same check sees nothing, so it can fail."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("STSong-Light", 28)
    page.drawString(60, 760, "专业技术人员继续教育学时证明")
    page.save()
    assert dark_pixels(render_without_poppler_data(buffer.getvalue())) == 0


def test_the_record_is_pdf_a_2b(world, hours):
    content = record_pdf(world)
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert not pdf.is_encrypted and len(pdf.trailer.ID) == 2
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B")
        assert meta["dc:title"] == str(pdf.docinfo["/Title"]) == "专业技术人员继续教育学时证明（2026 年度）"
        assert "/Trapped" not in pdf.docinfo
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 3
        profile = intent.DestOutputProfile.read_bytes()
        assert profile[36:40] == b"acsp" and profile[12:16] == b"mntr" and profile[16:20] == b"RGB "
        assert str(pdf.Root.Lang) == "zh-CN"
    for font in fonts_of(content):  # PDF/A: symbolic TrueType subsets with one cmap, no /Encoding
        assert "/Encoding" not in font and font["/FontDescriptor"]["/Flags"] & 4


def test_a_long_domain_breaks_only_at_its_dots(world):
    """The domain cell and the URL cell beside it both hold pieces of the domain; each piece
    ends at a dot (or, inside a label too long for a line, at a hyphen) or ends the domain."""
    content = platform_pdf(world)
    lines = PdfReader(io.BytesIO(content)).pages[0].extract_text().split("\n")
    pieces = [line.strip() for line in lines if len(line.strip()) > 3 and line.strip() in LONG_DOMAIN]
    assert len(pieces) >= 3
    assert all(p.endswith((".", "-")) or LONG_DOMAIN.endswith(p) for p in pieces), pieces


def test_break_at_prefers_dots_then_hyphens_then_characters():
    def fits(n):
        return lambda text: len(text) <= n

    assert break_at("learn.example.com.cn", DOMAIN_BREAKS, fits(14)) == ["learn.example.", "com.cn"]
    assert break_at("henan-yucai-online.cn", DOMAIN_BREAKS, fits(12)) == ["henan-yucai-", "online.cn"]
    assert break_at("abcdefghij", DOMAIN_BREAKS, fits(4)) == ["abcd", "efgh", "ij"]
    assert break_at("short.cn", DOMAIN_BREAKS, fits(20)) == ["short.cn"]
