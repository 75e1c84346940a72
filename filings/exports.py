"""The two official forms of the notice, in their layout, as .docx, .xlsx and PDF.

Each form is described once as a grid (`FormSpec`: cells with row/column spans, column widths
and row heights in millimetres); three renderers draw the grid with python-docx, openpyxl and
reportlab (the embedded Noto Serif SC of core.pdf). Printed 一式三份 (in triplicate).

Full ID numbers never appear here: the forms hold no personal data but contact names/phones.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from core.dates import format_day, local_day
from core.hours import format_hours
from core.media import DOCX, PDF, XLSX
from core.pdf import canvas_maker, cjk_font
from core.sheets import put, set_up_pages
from filings.imports import category_label
from filings.models import PlatformFiling, TrainingPlan

PLAN_HEADERS = [
    "序号",
    "培训项目",
    "培训对象及人数",
    "开班时间",
    "培训学时数",
    "培训师资",
    "培训方式",
    "办班地点",
    "经费来源",
    "备注",
]
PLAN_MIN_ROWS = 5
DOMAIN_BREAKS = (".", "-")
URL_BREAKS = ("/?&", ".", "-")
BLANK_DATE = "年    月    日"


@dataclass
class Cell:
    row: int
    col: int
    lines: list[tuple[str, str]]  # (text, "left" | "center" | "right")
    rowspan: int = 1
    colspan: int = 1
    bold: bool = False
    valign: str = "center"  # "top" | "center"
    breaks: tuple[str, ...] = ()  # a domain or URL: where its lines may break in the PDF (break_at)
    value: object = None  # a typed value for spreadsheets (date, Decimal, int)

    @property
    def text(self) -> str:
        return "\n".join(t for t, _a in self.lines)


@dataclass
class FormSpec:
    title: str
    subtitle: list[tuple[str, str]]  # lines above the table: (text, align)
    col_widths: list[float]  # mm
    row_heights: list[float]  # mm (minimum)
    cells: list[Cell]
    footer: list[str] = field(default_factory=list)
    landscape: bool = False
    header_rows: int = 0  # rows repeated on each page

    @property
    def nrows(self) -> int:
        return len(self.row_heights)

    @property
    def ncols(self) -> int:
        return len(self.col_widths)


def _c(row, col, text="", align="center", **kw) -> Cell:
    return Cell(row, col, [(str(text), align)], **kw)


def cn_date(day: dt.date | dt.datetime | None) -> str:
    """2025年9月10日, or the blank 年 月 日 of the paper form."""
    if day is None:
        return BLANK_DATE
    return format_day(local_day(day) if isinstance(day, dt.datetime) else day)


def _opinion(text: str, when, seal: str, seal_first: bool) -> list[tuple[str, str]]:
    lines = [(text or "", "left"), ("", "left")]
    if seal_first:
        lines += [(seal, "right"), (cn_date(when), "right")]
    else:
        lines += [(cn_date(when), "right"), (seal, "right")]
    return lines


def city_name(filing) -> str:
    region = filing.filer.region if filing is not None else None
    while region is not None and region.level not in ("city", "province"):
        region = region.parent
    if region is not None and region.level == "city":
        return region.name
    return "三门峡市"


# ---------------------------------------------------------------------------------------------
# the forms as grids


def plan_spec(plan: TrainingPlan | None, year: int | None = None) -> FormSpec:
    """2025年度三门峡市专业技术人员继续教育培训计划申报表 (landscape)."""
    year = plan.year if plan else year
    items = list(plan.items.all()) if plan else []
    widths = [12, 40, 30, 24, 17, 26, 22, 32, 24, 30]
    cells = [_c(0, c, h, bold=True) for c, h in enumerate(PLAN_HEADERS)]
    heights = [12]
    n_rows = max(PLAN_MIN_ROWS, len(items))
    for i in range(n_rows):
        r = i + 1
        heights.append(11)
        if i < len(items):
            it = items[i]
            remark = category_label(it.category) + (f"；{it.remark}" if it.remark else "")
            values = [
                (it.seq, it.seq),
                (it.project, None),
                (it.audience, None),
                (it.starts_on.isoformat(), it.starts_on),
                (format_hours(it.hours), float(it.hours)),
                (it.teachers, None),
                (it.mode, None),
                (it.venue, None),
                (it.funding, None),
                (remark, None),
            ]
            for c, (text, value) in enumerate(values):
                align = "center" if c in (0, 3, 4) else "left"
                cells.append(_c(r, c, text, align, value=value))
        else:
            cells.append(_c(r, 0, i + 1, value=i + 1))
            cells += [_c(r, c, "") for c in range(1, 10)]
    r = n_rows + 1
    heights.append(46)
    seal = "公  章"
    filer_text = plan.filer_opinion if plan else ""
    filer_when = plan.declared_on if plan and plan.filer_opinion and plan.declared_on else None
    authority_text = plan.authority_opinion if plan else ""
    authority_when = plan.authority_opinion_at if plan and plan.authority_opinion else None
    cells += [
        _c(r, 0, "申报单位\n（基地）\n意见", colspan=2, bold=True),
        Cell(r, 2, _opinion(filer_text, filer_when, seal, False), colspan=3, valign="top"),
        _c(r, 5, "行业主管单位意见", colspan=2, bold=True),
        Cell(r, 7, _opinion(authority_text, authority_when, seal, False), colspan=3, valign="top"),
    ]
    for cell in cells:
        if "\n" in cell.lines[0][0] and len(cell.lines) == 1:
            cell.lines = [(line, cell.lines[0][1]) for line in cell.lines[0][0].split("\n")]
    filer = f"申报单位（基地）：{plan.filer.name}" if plan else "申报单位（基地）："
    declared = cn_date(plan.declared_on) if plan and plan.declared_on else BLANK_DATE
    contact = plan.contact_name if plan else ""
    phone = plan.contact_phone if plan else ""
    return FormSpec(
        title=f"{year}年度{city_name(plan)}专业技术人员继续教育培训计划申报表",
        subtitle=[(filer, "left"), (f"申报日期：{declared}", "right")],
        col_widths=widths,
        row_heights=heights,
        cells=cells,
        footer=[f"联系人：{contact}", f"电话：{phone}", "注：本表一式三份。"],
        landscape=True,
        header_rows=1,
    )


def platform_spec(filing: PlatformFiling) -> FormSpec:
    """三门峡市专业技术人员继续教育网络学习平台备案登记表 (portrait)."""
    f = filing
    widths = [22, 42, 16, 40, 16, 44]
    heights = [14, 14, 16, 14, 13, 13, 13, 13, 13, 13, 14, 58]
    mark = {True: "√", False: "  "}
    by_authority = f.filer.kind == "authority"
    base_text = "—（行业主管部门直接备案）" if by_authority else f.base_opinion
    base_when = None if by_authority else (f.base_opinion_at if f.base_opinion else None)
    authority_when = f.authority_opinion_at if f.authority_opinion else None
    seal = "（单位公章）"
    cells = [
        _c(0, 0, "网站名称", bold=True),
        _c(0, 1, f.site_name, "left", colspan=5),
        _c(1, 0, "主办单位", bold=True),
        _c(1, 1, f.host_org, "left", colspan=5),
        _c(2, 0, "网站备案号", bold=True),
        _c(2, 1, f.icp_number, "left"),
        _c(2, 2, "域名", bold=True),
        _c(2, 3, f.domain, "left", breaks=DOMAIN_BREAKS),
        _c(2, 4, "网址", bold=True),
        _c(2, 5, f.url, "left", breaks=URL_BREAKS),
        _c(3, 0, "培训内容", bold=True),
        _c(3, 1, f"公需科目（{mark[f.offers_public]}）", colspan=2),
        _c(3, 3, f"专业科目（{mark[f.offers_professional]}）", colspan=3),
        Cell(4, 0, [("培训", "center"), ("收费", "center"), ("依据", "center")], rowspan=3, bold=True),
        _c(4, 1, "收费主体", bold=True),
        _c(4, 2, f.fee_payer, "left", colspan=4),
        _c(5, 1, "收费标准", bold=True),
        _c(5, 2, f.fee_standard, "left", colspan=4),
        _c(6, 1, "批准部门及文号", bold=True),
        _c(6, 2, f.fee_approval, "left", colspan=4),
        Cell(7, 0, [("网站", "center"), ("运行", "center"), ("管理", "center")], rowspan=2, bold=True),
        _c(7, 1, "负责人", bold=True),
        _c(7, 2, f.manager_name, "left", colspan=4),
        _c(8, 1, "联系电话", bold=True),
        _c(8, 2, f.manager_phone, "left", colspan=4),
        Cell(9, 0, [("网站", "center"), ("技术", "center"), ("支持", "center")], rowspan=2, bold=True),
        _c(9, 1, "单位名称", bold=True),
        _c(9, 2, f.tech_org, "left", colspan=4),
        _c(10, 1, "客服电话", bold=True),
        _c(10, 2, f"手机：{f.tech_mobile}", "left", colspan=2),
        _c(10, 4, f"办公电话：{f.tech_office_phone}", "left", colspan=2),
        Cell(11, 0, [("继续教育", "center"), ("基地", "center"), ("意见", "center")], bold=True),
        Cell(11, 1, _opinion(base_text, base_when, seal, True), colspan=2, valign="top"),
        Cell(11, 3, [("行业主管", "center"), ("单位", "center"), ("意见", "center")], bold=True),
        Cell(11, 4, _opinion(f.authority_opinion, authority_when, seal, True), colspan=2, valign="top"),
    ]
    return FormSpec(
        title=f"{city_name(f)}专业技术人员继续教育网络学习平台备案登记表",
        subtitle=[(f"备案年度：{f.year}年度", "right")],
        col_widths=widths,
        row_heights=heights,
        cells=cells,
        footer=["注：本表一式三份。"],
    )


# ---------------------------------------------------------------------------------------------
# .docx


def _padded(spec: FormSpec, cell: Cell, line_mm: float) -> list[tuple[str, str]]:
    """An opinion box: the opinion at the top, blank lines, then seal and date at the bottom."""
    if cell.valign != "top" or len(cell.lines) < 3:
        return cell.lines
    height = sum(spec.row_heights[cell.row : cell.row + cell.rowspan])
    text_lines = max(1, len(cell.lines[0][0]) // 30 + 1)
    blank = max(1, int(height / line_mm) - text_lines - (len(cell.lines) - 2) - 1)
    return [cell.lines[0], *[("", "left")] * blank, *cell.lines[2:]]


def _flush(text: str, align: str, width_mm: float) -> str:
    """Right-align one line inside a spreadsheet cell with ideographic spaces."""
    if align != "right" or not text:
        return text
    room = int(width_mm / 4.2) - sum(2 if ord(ch) > 127 else 1 for ch in text) // 2 - 1
    return "\u3000" * max(0, room) + text


def render_docx(spec: FormSpec) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    align = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    section = document.sections[0]
    if spec.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(((297 if spec.landscape else 210) - sum(spec.col_widths)) / 2))
    section.top_margin = section.bottom_margin = Mm(15)

    def paragraph(container, text, where, size=None, bold=False, space_after=0):
        p = container.add_paragraph()
        p.alignment = align[where]
        p.paragraph_format.space_after = Pt(space_after)
        p.paragraph_format.space_before = Pt(0)
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        run.font.name = "Times New Roman"
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
        return p

    paragraph(document, spec.title, "center", size=16, bold=True, space_after=6)
    if spec.subtitle:
        sub = document.add_table(rows=1, cols=len(spec.subtitle))
        for i, (text, where) in enumerate(spec.subtitle):
            cell = sub.cell(0, i)
            cell.paragraphs[0].alignment = align[where]
            cell.paragraphs[0].add_run(text)
        paragraph(document, "", "left")

    table = document.add_table(rows=spec.nrows, cols=spec.ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for c, width in enumerate(spec.col_widths):
        table.columns[c].width = Mm(width)
    for r, height in enumerate(spec.row_heights):
        row = table.rows[r]
        row.height = Mm(height)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for c, width in enumerate(spec.col_widths):
            row.cells[c].width = Mm(width)
    for r in range(spec.header_rows):
        tr_pr = table.rows[r]._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        tr_pr.append(header)
    for cell in spec.cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        target.vertical_alignment = (
            WD_CELL_VERTICAL_ALIGNMENT.TOP if cell.valign == "top" else WD_CELL_VERTICAL_ALIGNMENT.CENTER
        )
        first = True
        for text, where in _padded(spec, cell, line_mm=5.2):
            p = target.paragraphs[0] if first else target.add_paragraph()
            first = False
            p.alignment = align[where]
            p.paragraph_format.space_after = Pt(0)
            run = p.add_run(text)
            run.bold = cell.bold
    paragraph(document, "", "left", space_after=2)
    for line in spec.footer:
        paragraph(document, line, "left", space_after=2)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# .xlsx


def render_xlsx(spec: FormSpec, instructions: list[str] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "申报表"
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name="宋体", size=11)
    last = get_column_letter(spec.ncols)
    for c, width in enumerate(spec.col_widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = round(width / 2.0, 1)
    ws.merge_cells(f"A1:{last}1")
    put(ws["A1"], spec.title)
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    top = 2
    if spec.subtitle:
        half = max(1, spec.ncols // 2)
        spans = [(1, half), (half + 1, spec.ncols)] if len(spec.subtitle) == 2 else [(1, spec.ncols)]
        for (text, where), (c1, c2) in zip(spec.subtitle, spans, strict=False):
            ws.merge_cells(start_row=2, start_column=c1, end_row=2, end_column=c2)
            cell = put(ws.cell(row=2, column=c1), text)
            cell.font = font
            cell.alignment = Alignment(horizontal=where, vertical="center")
        top = 3
    for r, height in enumerate(spec.row_heights):
        ws.row_dimensions[top + r].height = round(height * 2.835, 1)  # mm → points
        for c in range(spec.ncols):
            ws.cell(row=top + r, column=c + 1).border = border
    for cell in spec.cells:
        row, col = top + cell.row, cell.col + 1
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(
                start_row=row,
                start_column=col,
                end_row=row + cell.rowspan - 1,
                end_column=col + cell.colspan - 1,
            )
        target = ws.cell(row=row, column=col)
        text = cell.text
        if cell.valign == "top" and len(cell.lines) > 1:
            width = sum(spec.col_widths[cell.col : cell.col + cell.colspan])
            text = "\n".join(_flush(t, a, width) for t, a in _padded(spec, cell, line_mm=5.6))
        put(target, cell.value if cell.value is not None else (text or None))
        if isinstance(cell.value, dt.date):
            target.number_format = "yyyy-mm-dd"
        target.font = Font(name="宋体", size=11, bold=cell.bold)
        where = cell.lines[-1][1] if len(cell.lines) > 1 and cell.valign == "top" else cell.lines[0][1]
        target.alignment = Alignment(
            horizontal="left" if len(cell.lines) > 1 and cell.valign == "top" else where,
            vertical="top" if cell.valign == "top" else "center",
            wrap_text=True,
        )
    row = top + spec.nrows + 1
    for line in spec.footer:
        put(ws.cell(row=row, column=1), line).font = font
        row += 1
    header = (top, top + spec.header_rows - 1) if spec.header_rows else None
    set_up_pages(ws, landscape=spec.landscape, header_rows=header, freeze_below=header and header[1] + 1)
    if instructions:
        notes = wb.create_sheet("填写说明")
        notes.column_dimensions["A"].width = 110
        for i, line in enumerate(instructions, start=1):
            put(notes.cell(row=i, column=1), line).alignment = Alignment(wrap_text=True)
        notes["A1"].font = Font(bold=True)
        set_up_pages(notes, landscape=False, header_rows=(1, 1), freeze_below=2)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# PDF


def break_at(text: str, levels: tuple[str, ...], fits) -> list[str]:
    """`text` in lines that each `fits`, broken only after a character of `levels[0]` (a
    domain after its dots), a piece still too long for a line after a character of the next
    level (a label at its hyphens), and only as a last resort anywhere."""
    if not text or fits(text):
        return [text]
    if not levels:
        lines, line = [], ""
        for ch in text:
            if line and not fits(line + ch):
                lines.append(line)
                line = ""
            line += ch
        return [*lines, line]
    pieces, piece = [], ""
    for ch in text:
        piece += ch
        if ch in levels[0]:
            pieces.append(piece)
            piece = ""
    if piece:
        pieces.append(piece)
    lines, line = [], ""
    for piece in pieces:
        if fits(line + piece):
            line += piece
            continue
        if line:
            lines.append(line)
        *whole, line = break_at(piece, levels[1:], fits)
        lines += whole
    return [*lines, line] if line else lines


def render_pdf(spec: FormSpec) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()

    def table_style(commands):
        """Empty cells too are set in the embedded font (a PDF/A file names no other)."""
        return TableStyle([("FONTNAME", (0, 0), (-1, -1), font), *commands])

    where = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}

    def style(align="left", size=10.5, bold=False):
        return ParagraphStyle(
            f"s{align}{size}{bold}",
            fontName=font,
            fontSize=size + (0.5 if bold else 0),
            leading=size * 1.45,
            alignment=where[align],
            wordWrap="CJK",
        )

    def escape(text):
        return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def para(text, align="left", size=10.5, bold=False):
        return Paragraph(escape(text), style(align, size, bold))

    def broken_lines(cell: Cell, text: str) -> list[str]:
        room = sum(spec.col_widths[cell.col : cell.col + cell.colspan]) * mm - 6  # minus padding
        return break_at(text, cell.breaks, lambda t: stringWidth(t, font, 10.5) <= room)

    pagesize = landscape(A4) if spec.landscape else A4
    width = sum(spec.col_widths) * mm
    margin = (pagesize[0] - width) / 2
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=spec.title,
        author="专业技术人员继续教育管理平台",
    )
    story = [para(spec.title, "center", 16, True), Spacer(1, 4 * mm)]
    if spec.subtitle:
        sub = Table(
            [[para(t, a) for t, a in spec.subtitle]],
            colWidths=[width / len(spec.subtitle)] * len(spec.subtitle),
        )
        sub.setStyle(
            table_style([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
        )
        story += [sub, Spacer(1, 2 * mm)]
    heights = list(spec.row_heights)  # mm; a row grows to hold a broken domain
    grid = [["" for _c in range(spec.ncols)] for _r in range(spec.nrows)]
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for cell in spec.cells:
        if cell.breaks:
            lines = broken_lines(cell, cell.text)
            flow = [Paragraph("<br/>".join(escape(line) for line in lines), style(cell.lines[0][1]))]
            needed = (len(lines) * 10.5 * 1.45 + 8) / mm  # leading and padding
            heights[cell.row] = max(heights[cell.row], needed)
        else:
            flow = [para(text, a, bold=cell.bold) for text, a in cell.lines]
        if cell.valign == "top" and len(cell.lines) > 1:
            height = sum(spec.row_heights[cell.row : cell.row + cell.rowspan]) * mm
            used = (len(cell.lines) + 1) * 10.5 * 1.45 + 8
            flow = [flow[0], Spacer(1, max(2, height - used)), *flow[2:]]
            commands.append(("VALIGN", (cell.col, cell.row), (cell.col, cell.row), "TOP"))
        grid[cell.row][cell.col] = flow if len(flow) > 1 else flow[0]
        if cell.rowspan > 1 or cell.colspan > 1:
            commands.append(
                ("SPAN", (cell.col, cell.row), (cell.col + cell.colspan - 1, cell.row + cell.rowspan - 1))
            )
    table = Table(
        grid,
        colWidths=[w * mm for w in spec.col_widths],
        rowHeights=[h * mm for h in heights],
        repeatRows=spec.header_rows,
    )
    table.setStyle(table_style(commands))
    story += [table, Spacer(1, 3 * mm)]
    story += [para(line) for line in spec.footer]
    doc.build(story, canvasmaker=canvas_maker())
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# what the views and API hand out


TEMPLATE_INSTRUCTIONS = [
    "填写说明（培训计划申报表导入模板）",
    "1. 请在“申报表”工作表的表格中逐行填写培训项目，一行一个培训班；序号可不填，系统按行顺序编号。",
    "2. 必填：培训项目、培训对象及人数、开班时间、培训学时数、培训方式、办班地点；"
    "选填：培训师资、经费来源、备注。",
    "3. 开班时间填写日期，如 2025-10-20，须在申报年度内；培训学时数填写数字，最多 1 位小数。",
    "4. 科目类别：在备注开头写“公需科目”或“专业科目”（后加“；”再写其他备注），不写按专业科目处理。",
    "5. 行数不够时在意见行之前插入行即可；导入时任何一行有误，系统会列出所有有误的行号，且不会导入任何一行。",
    "6. 导入会替换计划中已有的全部培训项目。",
]


def plan_template_xlsx(year: int) -> bytes:
    return render_xlsx(plan_spec(None, year), TEMPLATE_INSTRUCTIONS)


def _filename(stem: str, extension: str) -> str:
    return f"{stem}.{extension}".replace("/", "-").replace("\\", "-")


def export_plan(plan: TrainingPlan, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the plan in `fmt` (docx, xlsx, pdf)."""
    spec = plan_spec(plan)
    stem = f"{plan.year}年度培训计划申报表-{plan.filer.name}"
    if fmt == "docx":
        return render_docx(spec), DOCX, _filename(stem, "docx")
    if fmt == "xlsx":
        return render_xlsx(spec), XLSX, _filename(stem, "xlsx")
    if fmt == "pdf":
        return render_pdf(spec), PDF, _filename(stem, "pdf")
    raise ValueError(fmt)


def export_platform(filing: PlatformFiling, fmt: str) -> tuple[bytes, str, str]:
    spec = platform_spec(filing)
    stem = f"网络学习平台备案登记表-{filing.site_name}-{filing.year}"
    if fmt == "docx":
        return render_docx(spec), DOCX, _filename(stem, "docx")
    if fmt == "pdf":
        return render_pdf(spec), PDF, _filename(stem, "pdf")
    raise ValueError(fmt)


PLAN_FORMATS = ("docx", "xlsx", "pdf")
PLATFORM_FORMATS = ("docx", "pdf")
