"""The demo's notice: the 2025 notice itself, published by the city bureau to everyone, with the
notice as a PDF and its training-plan form as .docx and .xlsx — made through the services, as a
bureau would (provisioning.demo calls `publish_notice_2025`)."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from bulletins import services
from bulletins.models import AUDIENCE_ROLES, Notice
from core.actors import Actor

TITLE = "三门峡市人力资源和社会保障局关于做好2025年全市专业技术人员继续教育工作的通知"
NUMBER = "三人社专技〔2025〕1号"
BODY_FILE = Path(settings.BASE_DIR) / "data" / "notices" / "2025-notice.txt"


def publish_notice_2025(bureau: Actor) -> Notice:
    """Once: a later run finds the notice by its number and leaves it as the bureau left it."""
    found = Notice.objects.filter(document_number=NUMBER).first()
    if found is not None:
        return found
    body = BODY_FILE.read_text(encoding="utf-8").strip()
    notice = services.create_notice(
        bureau,
        content=services.NoticeInput(
            title=TITLE,
            document_number=NUMBER,
            body=body,
            region_id=bureau.organisation.region_id,
            is_public=True,
            audience=[r.value for r in AUDIENCE_ROLES],
            pinned=True,
        ),
    )
    for upload in _attachments(body):
        services.attach_file(bureau, notice_id=notice.pk, uploaded=upload)
    return services.publish_notice(bureau, notice_id=notice.pk)


def _attachments(body: str) -> list[SimpleUploadedFile]:
    from filings.exports import DOCX, XLSX, plan_spec, render_docx, render_xlsx

    form = plan_spec(None, 2025)
    stem = "2025年度三门峡市专业技术人员继续教育培训计划申报表"
    return [
        SimpleUploadedFile(f"{NUMBER}.pdf", _notice_pdf(body), content_type="application/pdf"),
        SimpleUploadedFile(f"{stem}.docx", render_docx(form), content_type=DOCX),
        SimpleUploadedFile(f"{stem}.xlsx", render_xlsx(form), content_type=XLSX),
    ]


def _notice_pdf(body: str) -> bytes:
    """The notice on A4 in the platform's embedded Chinese font (core.pdf), as every PDF it makes."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from core.pdf import canvas_maker, cjk_font

    font = cjk_font()
    text = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    head = ParagraphStyle("head", parent=text, fontSize=16, leading=26, alignment=1)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, title=TITLE)
    story = [Paragraph(escape(NUMBER), ParagraphStyle("no", parent=text, alignment=1)), Spacer(1, 4 * mm)]
    story += [Paragraph(escape(TITLE), head), Spacer(1, 6 * mm)]
    for paragraph in body.split("\n\n"):
        story += [Paragraph(escape(paragraph).replace("\n", "<br/>"), text), Spacer(1, 2 * mm)]
    doc.build(story, canvasmaker=canvas_maker())
    return out.getvalue()
