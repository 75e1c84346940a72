"""What every PDF of the platform shares: an embedded Chinese font, and PDF/A-2b for records.

The font. A PDF that names a CJK font without embedding it (reportlab's CID font
STSong-Light) shows nothing where the viewer has no matching font: poppler without
`poppler-data`, many phone viewers. So the platform embeds a subset of Noto Serif SC (思源宋体,
SIL Open Font License 1.1), shipped on PyPI by `pylopdf-fonts-zh-cn` (the static OpenType file
of the Noto CJK project). reportlab embeds only TrueType outlines, and Noto CJK is published
with PostScript (CFF) outlines; `cjk_font()` therefore converts the font once with fontTools
(cubic → quadratic curves, 1/1000 em tolerance; about 30 s) into `VAR_DIR/fonts/` and
registers the converted file. `manage.py prepare_pdf_font` (run by `make run`) does it ahead
of the first PDF; concurrent processes wait on a file lock instead of converting twice. The
file name carries a digest of the source font, so an upgraded font package is converted anew.
Each PDF then carries only the glyphs it uses (reportlab subsets), typically 30–60 kB.

PDF/A-2b. `as_pdfa_2b(pdf)` adds what ISO 19005-2 level B asks beyond a well-formed PDF with
every font embedded: XMP metadata agreeing with the document information and naming the
conformance (pdfaid:part 2, conformance B), and an sRGB output intent (littleCMS's built-in
profile, through Pillow). reportlab writes neither, so pikepdf adds them.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import io
import os
import tempfile
from pathlib import Path

from django.conf import settings

FONT_NAME = "NotoSerifSC"
_SOURCE_STEM = "NotoSerifSC-Regular"


def source_font() -> Path:
    import pylopdf_fonts_zh_cn

    return pylopdf_fonts_zh_cn.serif_path()


def font_dir() -> Path:
    return Path(settings.VAR_DIR) / "fonts"


@functools.cache
def converted_font_path() -> Path:
    """The TrueType conversion of the source font, made once (see the module docstring)."""
    source = source_font()
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    target = font_dir() / f"{_SOURCE_STEM}-{digest}.ttf"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / ".convert.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be converting: wait for it
        if not target.exists():
            handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
            os.close(handle)
            try:
                _cff_to_truetype(source, Path(temporary))
                os.chmod(temporary, 0o644)
                os.replace(temporary, target)
            finally:
                if os.path.exists(temporary):
                    os.unlink(temporary)
    return target


def _cff_to_truetype(source: Path, target: Path) -> None:
    """PostScript (CFF) outlines → TrueType (glyf) outlines, as fontTools' otf2ttf does."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(source)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        # max_err in font units (1000 per em): far below anything a printer or screen shows
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():  # TrueType: left side bearing = xMin
        width, _lsb = hmtx[name]
        hmtx[name] = (width, getattr(glyph, "xMin", 0))
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: a PDF maps glyphs through ToUnicode
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(target)


def cjk_font() -> str:
    """Register the embedded font with reportlab (once per process) and return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(converted_font_path())))
    return FONT_NAME


def canvas_maker(base=None):
    """A reportlab canvas class whose initial font is the embedded one, so no page names the
    non-embedded Helvetica reportlab starts every page with."""
    from reportlab.pdfgen import canvas as pdf_canvas

    base = base or pdf_canvas.Canvas
    font = cjk_font()

    class EmbeddedFontCanvas(base):
        def __init__(self, *args, **kwargs):
            # platypus passes initialFontName=None unless its template names one
            kwargs["initialFontName"] = kwargs.get("initialFontName") or font
            kwargs["lang"] = kwargs.get("lang") or "zh-CN"
            super().__init__(*args, **kwargs)

    return EmbeddedFontCanvas


@functools.cache
def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def as_pdfa_2b(pdf: bytes) -> bytes:
    """`pdf` (every font embedded, no encryption) with the XMP metadata and output intent of
    PDF/A-2b."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        profile = document.make_stream(_srgb_profile())
        profile["/N"] = 3
        document.Root.OutputIntents = pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.OutputIntent,
                    S=pikepdf.Name.GTS_PDFA1,
                    OutputConditionIdentifier="sRGB IEC61966-2.1",
                    Info="sRGB IEC61966-2.1",
                    DestOutputProfile=profile,
                )
            ]
        )
        if "/Trapped" in document.docinfo:  # reportlab's /False has no XMP form: drop it
            del document.docinfo["/Trapped"]
        with document.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta.load_from_docinfo(document.docinfo)
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()
