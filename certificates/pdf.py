"""The printable certificate: 《河南省专业技术人员继续教育证书》 (electronic, photo-free) with its
register of every year, as an A4 PDF/A-2b in the embedded font (core.pdf), the same way as the
yearly record (reports.records: its QR drawing and numbered pages are reused). The ID number is
printed masked; the certificate number, the verification code and a QR code of the public
verification page are printed on it, and number and code on every page's footer.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from certificates.numbering import display
from core.dates import local_time
from core.pdf import as_pdfa_2b, cjk_font
from reports.records import format_code, numbered_canvas, paragraph_maker, qr_drawing

TITLE = "河南省专业技术人员继续教育证书"  # the name the Measures gives it


@dataclass(frozen=True)
class CertificateSheet:
    number: str
    name: str
    id_number_masked: str
    profession: str
    unit: str
    bureau: str
    level: str
    issued_on: dt.date
    register: list[dict]
    printed_at: dt.datetime
    code: str
    verify_url: str


def render_certificate_pdf(sheet: CertificateSheet) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()
    grey = colors.Color(0.93, 0.93, 0.93)
    line = colors.Color(0.2, 0.2, 0.2)

    para = paragraph_maker(font, 10)

    def grid(rows, widths, header=True, extra=()):
        table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
        commands = [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("GRID", (0, 0), (-1, -1), 0.5, line),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            *extra,
        ]
        if header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), grey))
        table.setStyle(TableStyle(commands))
        return table

    number = display(sheet.number)
    code = format_code(sheet.code)
    story = [
        para(TITLE, "center", 18),
        Spacer(1, 1.5 * mm),
        para(_("（电子证书）"), "center", 11),
        Spacer(1, 4 * mm),
        para(_("证书编号：%(n)s") % {"n": number}, "right", 11),
        Spacer(1, 2 * mm),
    ]
    who = [
        [para(_("姓名")), para(sheet.name), para(_("身份证号码")), para(sheet.id_number_masked)],
        [para(_("职称系列")), para(sheet.profession), para(_("现工作单位")), para(sheet.unit)],
        [
            para(_("发证机关")),
            para(f"{sheet.bureau}（{sheet.level}）"),
            para(_("发证日期")),
            para(sheet.issued_on.isoformat()),
        ],
    ]
    story += [
        grid(
            who,
            [24 * mm, 60 * mm, 24 * mm, 66 * mm],
            header=False,
            extra=[("BACKGROUND", (0, 0), (0, -1), grey), ("BACKGROUND", (2, 0), (2, -1), grey)],
        ),
        Spacer(1, 5 * mm),
        para(_("继续教育登记（各年度学时）"), size=12),
        Spacer(1, 2 * mm),
    ]
    rows = [
        [
            para(h, "center", 9.5)
            for h in (
                _("年度"),
                _("公需科目"),
                _("专业科目"),
                _("合计"),
                _("年度要求（公需/专业/合计）"),
                _("结论"),
            )
        ]
    ]
    for y in sheet.register:
        r = y["required"]
        rows.append(
            [
                para(str(y["year"]), "center", 9.5),
                para(y["public"], "center", 9.5),
                para(y["professional"], "center", 9.5),
                para(y["total"], "center", 9.5),
                para(f"{r['public']} / {r['professional']} / {r['total']}", "center", 9.5),
                para(_("达标") if y["compliant"] else _("未达标"), "center", 9.5),
            ]
        )
    story += [grid(rows, [18 * mm, 24 * mm, 24 * mm, 24 * mm, 54 * mm, 30 * mm]), Spacer(1, 5 * mm)]

    for y in sheet.register:
        story += [
            para(
                _("%(year)s 年度已计入学时明细（%(n)s 条）") % {"year": y["year"], "n": len(y["records"])},
                size=10.5,
            ),
            Spacer(1, 1.5 * mm),
        ]
        detail = [
            [
                para(h, "center", 9)
                for h in (
                    _("完成日期"),
                    _("学习内容（举办单位/施教机构）"),
                    _("科目类别"),
                    _("学习方式 / 来源"),
                    _("学时"),
                )
            ]
        ]
        for r in y["records"]:
            title = r["title"] + (f"（{r['organizer']}）" if r["organizer"] else "")
            detail.append(
                [
                    para(r["completed_on"], "center", 9),
                    para(title, "left", 9),
                    para(r["category_label"], "center", 9),
                    para(f"{r['method']} / {r['source']}", "left", 9),
                    para(r["hours"], "right", 9),
                ]
            )
        extra = []
        if not y["records"]:
            detail.append([para(_("本年度暂无已计入的学时。"), "center", 9), "", "", "", ""])
            extra.append(("SPAN", (0, 1), (-1, 1)))
        story += [grid(detail, [22 * mm, 78 * mm, 18 * mm, 42 * mm, 14 * mm], extra=extra), Spacer(1, 4 * mm)]

    notes = [
        _(
            "说明：1. 本证书依据《河南省专业技术人员继续教育证书管理办法》（豫人社〔2017〕121号）出具，"
            "一人一证，证书编号终身不变。"
        ),
        _("2. 登记内容为打印时已审核通过并计入的学时；审核中或未通过的学时不计入。身份证号码已作隐藏处理。"),
        _("3. 凭证书编号和核验码可在平台核验页面查验打印时的登记内容，以及此后是否有变化。"),
    ]
    story += [para(n, size=8.5, color=colors.Color(0.25, 0.25, 0.25)) for n in notes]
    story.append(Spacer(1, 4 * mm))
    issuer = [
        para(_("发证机关：%(b)s") % {"b": sheet.bureau}),
        para(_("打印时间：%(t)s（北京时间）") % {"t": local_time(sheet.printed_at)}),
        para(_("证书编号：%(n)s") % {"n": number}),
        para(_("核验码：%(code)s") % {"code": code}, size=12),
        para(_("核验网址：%(url)s") % {"url": sheet.verify_url}, size=8.5),
    ]
    width = 174 * mm
    tail = Table([[issuer, qr_drawing(sheet.verify_url, 30 * mm)]], colWidths=[width - 34 * mm, 34 * mm])
    tail.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("BOX", (0, 0), (-1, -1), 0.6, line),
                ("LEFTPADDING", (0, 0), (0, 0), 6),
            ]
        )
    )
    story.append(KeepTogether([tail]))

    footer = _("%(name)s 继续教育证书 %(number)s　核验码：%(code)s") % {
        "name": sheet.name,
        "number": number,
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
        title=TITLE,
        author=sheet.bureau,
        subject=_("证书编号 %(n)s 核验码 %(code)s") % {"n": number, "code": code},
        creator=_("专业技术人员继续教育管理平台"),
    )
    doc.build(story, canvasmaker=numbered_canvas(footer))
    return as_pdfa_2b(buffer.getvalue())
