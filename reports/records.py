"""The person's printable record of a year (专业技术人员继续教育学时证明) as an A4 PDF.

Drawn with reportlab in the embedded Noto Serif SC (core.pdf: prints and shows in any viewer,
no system font needed) and saved as PDF/A-2b (core.pdf.as_pdfa_2b), the archival form of PDF. It
carries the masked ID number only, never the full one, and a verification code with the address
(and QR code) of the public page where an employer checks a printout.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from core.dates import local_time
from core.hours import format_hours
from core.pdf import as_pdfa_2b, canvas_maker, cjk_font
from credits.rules import compliance

PLATFORM_NAME = "专业技术人员继续教育管理平台"


def issuer_name() -> str:
    """The issuing platform, as on every page header: the platform and who runs it."""
    owner = getattr(settings, "SITE_OWNER_NAME", "三门峡市人力资源和社会保障局")
    return f"{owner}{PLATFORM_NAME}"


def format_code(code: str) -> str:
    """ABCD2345EFGH → ABCD-2345-EFGH (easier to read out and type)."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class RecordLine:
    completed_on: dt.date
    title: str
    organizer: str
    category: str
    method: str
    source: str
    hours: Decimal


@dataclass(frozen=True)
class RecordSheet:
    """Everything the printout shows (already resolved through the actor's scope)."""

    year: int
    name: str
    id_number_masked: str
    profession: str
    unit: str
    public_hours: Decimal
    professional_hours: Decimal
    total_hours: Decimal
    required_public: Decimal
    required_professional: Decimal
    required_total: Decimal
    compliant: bool
    short_public: Decimal
    short_professional: Decimal
    short_total: Decimal
    lines: list[RecordLine]
    issued_at: dt.datetime
    code: str
    verify_url: str

    @property
    def conclusion(self) -> str:
        if self.compliant:
            return _("已达到 %(year)s 年度学时要求") % {"year": self.year}
        short = compliance.Shortfall(self.short_public, self.short_professional, self.short_total)
        return _("未达到 %(year)s 年度学时要求（还差%(missing)s）") % {
            "year": self.year,
            "missing": short.in_words(),
        }


def _escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def paragraph_maker(font: str, default_size: float):
    """A function making CJK-wrapped, escaped paragraphs in `font`, one style per (alignment,
    size, colour), for the printed records and certificates."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    where = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
    styles: dict[tuple, ParagraphStyle] = {}

    def para(text: str, align: str = "left", size: float = default_size, color=colors.black) -> Paragraph:
        key = (align, size, color)
        if key not in styles:
            styles[key] = ParagraphStyle(
                f"p{len(styles)}",
                fontName=font,
                fontSize=size,
                leading=size * 1.4,
                alignment=where[align],
                wordWrap="CJK",
                textColor=color,
            )
        return Paragraph(_escape(text), styles[key])

    return para


def qr_drawing(url: str, size: float):
    """A QR code of `url`, `size` points square, drawn in the embedded font (a PDF/A file names
    no other)."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    qr = QrCodeWidget(url)
    x0, y0, x1, y1 = qr.getBounds()
    scale = [size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0]
    drawing = Drawing(size, size, transform=scale, initialFontName=cjk_font())
    drawing.add(qr)
    return drawing


def numbered_canvas(footer_text: str):
    """A canvas class that draws `footer_text` and "第 n 页 共 N 页" on every page (a page cannot
    be swapped unseen)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    font = cjk_font()

    class NumberedCanvas(canvas_maker()):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(font, 8.5)
                self.setFillColor(colors.Color(0.35, 0.35, 0.35))
                self.drawString(18 * mm, 10 * mm, footer_text)
                self.drawRightString(
                    A4[0] - 18 * mm,
                    10 * mm,
                    _("第 %(n)s 页 共 %(count)s 页") % {"n": self._pageNumber, "count": count},
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def render_record_pdf(sheet: RecordSheet) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()

    def table_style(commands):
        """Empty cells too are set in the embedded font (a PDF/A file names no other)."""
        return TableStyle([("FONTNAME", (0, 0), (-1, -1), font), *commands])

    para = paragraph_maker(font, 10.5)

    width = 174 * mm
    code = format_code(sheet.code)
    grey = colors.Color(0.93, 0.93, 0.93)
    line = colors.Color(0.2, 0.2, 0.2)

    story = [
        para(_("专业技术人员继续教育学时证明"), "center", 18),
        Spacer(1, 1.5 * mm),
        para(_("（%(year)s 年度）") % {"year": sheet.year}, "center", 12),
        Spacer(1, 5 * mm),
    ]

    # who
    who = Table(
        [
            [para(_("姓名")), para(sheet.name), para(_("身份证号码")), para(sheet.id_number_masked)],
            [para(_("职称系列")), para(sheet.profession), para(_("现工作单位")), para(sheet.unit)],
        ],
        colWidths=[24 * mm, 50 * mm, 26 * mm, 74 * mm],
    )
    who.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, line),
                ("BACKGROUND", (0, 0), (0, -1), grey),
                ("BACKGROUND", (2, 0), (2, -1), grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    story += [who, Spacer(1, 4 * mm)]

    # figures
    h = format_hours
    figures = Table(
        [
            [
                para(_("项目")),
                para(_("公需科目"), "center"),
                para(_("专业科目"), "center"),
                para(_("合计"), "center"),
            ],
            [
                para(_("年度要求（学时）")),
                para(h(sheet.required_public), "center"),
                para(h(sheet.required_professional), "center"),
                para(h(sheet.required_total), "center"),
            ],
            [
                para(_("已计入（学时）")),
                para(h(sheet.public_hours), "center"),
                para(h(sheet.professional_hours), "center"),
                para(h(sheet.total_hours), "center"),
            ],
            [para(_("结论")), para(sheet.conclusion), "", ""],
        ],
        colWidths=[44 * mm, 43 * mm, 43 * mm, 44 * mm],
    )
    figures.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, line),
                ("BACKGROUND", (0, 0), (-1, 0), grey),
                ("BACKGROUND", (0, 0), (0, -1), grey),
                ("SPAN", (1, 3), (3, 3)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    story += [figures, Spacer(1, 5 * mm)]

    # every credited record
    story += [
        para(_("已计入学时明细（%(n)s 条）") % {"n": len(sheet.lines)}, size=11.5),
        Spacer(1, 2 * mm),
    ]
    rows = [
        [
            para(_("序号"), "center", 9.5),
            para(_("完成日期"), "center", 9.5),
            para(_("学习内容（举办单位/施教机构）"), "center", 9.5),
            para(_("科目类别"), "center", 9.5),
            para(_("学习方式 / 来源"), "center", 9.5),
            para(_("学时"), "center", 9.5),
        ]
    ]
    for i, r in enumerate(sheet.lines, start=1):
        title = r.title + (f"（{r.organizer}）" if r.organizer else "")
        rows.append(
            [
                para(str(i), "center", 9.5),
                para(r.completed_on.isoformat(), "center", 9.5),
                para(title, "left", 9.5),
                para(r.category, "center", 9.5),
                para(f"{r.method} / {r.source}", "left", 9.5),
                para(h(r.hours), "right", 9.5),
            ]
        )
    if not sheet.lines:
        rows.append([para(_("本年度暂无已计入的学时。"), "center", 9.5), "", "", "", "", ""])
    rows.append([para(_("合计"), "center", 9.5), "", "", "", "", para(h(sheet.total_hours), "right", 9.5)])
    records = Table(
        rows,
        colWidths=[11 * mm, 22 * mm, 66 * mm, 18 * mm, 43 * mm, 14 * mm],
        repeatRows=1,
    )
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, line),
        ("BACKGROUND", (0, 0), (-1, 0), grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("SPAN", (0, -1), (4, -1)),
    ]
    if not sheet.lines:
        commands.append(("SPAN", (0, 1), (-1, 1)))
    records.setStyle(table_style(commands))
    story += [records, Spacer(1, 4 * mm)]

    # notes, issuer, verification
    notes = [
        _("说明：1. 本证明所列为截至出具时已审核通过并计入的学时，审核中或未通过的学时不计入。"),
        _("2. 公需科目、专业科目和总学时三项均达到要求方为达标；学时只计入学习发生的年度，不得结转或顺延。"),
        _("3. 身份证号码已作隐藏处理。本证明可凭核验码在平台核验页面查验真伪。"),
    ]
    story += [para(n, size=9, color=colors.Color(0.25, 0.25, 0.25)) for n in notes]
    story.append(Spacer(1, 5 * mm))

    drawing = qr_drawing(sheet.verify_url, 28 * mm)
    issuer = [
        para(_("出具平台：%(name)s") % {"name": issuer_name()}),
        para(_("出具时间：%(t)s（北京时间）") % {"t": local_time(sheet.issued_at)}),
        para(_("核验码：%(code)s") % {"code": code}, size=12),
        para(_("核验网址：%(url)s") % {"url": sheet.verify_url}, size=9),
    ]
    tail = Table([[issuer, drawing]], colWidths=[width - 32 * mm, 32 * mm])
    tail.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("BOX", (0, 0), (-1, -1), 0.6, line),
                ("LEFTPADDING", (0, 0), (0, 0), 6),
            ]
        )
    )
    story.append(KeepTogether([tail]))

    footer_text = _("%(name)s（%(id)s）%(year)s 年度学时证明　核验码：%(code)s") % {
        "name": sheet.name,
        "id": sheet.id_number_masked,
        "year": sheet.year,
        "code": code,
    }

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=_("专业技术人员继续教育学时证明（%(year)s 年度）") % {"year": sheet.year},
        author=issuer_name(),
        subject=_("核验码 %(code)s") % {"code": code},
        creator=PLATFORM_NAME,
    )
    doc.build(story, canvasmaker=numbered_canvas(footer_text))
    return as_pdfa_2b(buffer.getvalue())
