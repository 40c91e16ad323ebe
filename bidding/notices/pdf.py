"""A notice as a PDF (fpdf2): A4, every line in one CJK font, embedded as a subset.

The font is a setting, `PDF_FONT` (a path; a collection's Simplified Chinese face is taken), or else
the first of `KNOWN_FONTS` present: Debian's `fonts-noto-cjk` (OpenType collections with CFF
outlines, which fpdf2 embeds as a CID-keyed CFF subset of the glyphs used, ~10 KB for a notice). With
no such font, or one that lacks a character of the document, the PDF is refused (`PdfRefused`, its
message saying which package to install) rather than drawn with missing glyphs; the HTML notice
does not need it. The output is deterministic: the creation date is the notice's own date, so the
same notice renders to the same bytes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from fontTools.ttLib import TTCollection, TTFont, TTLibError
from fpdf import FPDF
from fpdf.fonts import FontFace

from bidding.notices.documents import AwardNotice, Content, ResultNotice, content
from market.validation import N_, Message

TRANSLATIONS = Path(__file__).resolve().parent.parent.parent / "market" / "translations"
#: Debian's CJK fonts that fpdf2 reads, in order of preference, with the package that installs them.
KNOWN_FONTS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "fonts-noto-cjk"),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "fonts-noto-cjk"),
)
FONT_PACKAGE = KNOWN_FONTS[0][1]

NO_FONT = N_(
    "The PDF cannot be made: no Chinese font is installed on the server. Install the Debian "
    "package %(package)s, or set PDF_FONT to a font file; the HTML notice can be printed meanwhile."
)
BAD_FONT = N_(
    "The PDF cannot be made: PDF_FONT names %(path)s, which is not a font file the server can read."
)
MISSING_GLYPHS = N_(
    "The PDF cannot be made: the font %(font)s has no glyph for %(chars)s. Install the Debian "
    "package %(package)s, or set PDF_FONT to a font that has them."
)


class PdfRefused(Exception):
    """No PDF: `message` says why and what to install (translated at the edge)."""

    def __init__(self, message: Message):
        super().__init__(message.msgid % message.params)
        self.message = message


@dataclass(frozen=True)
class Font:
    path: str
    index: int
    name: str


@lru_cache(maxsize=8)
def _open_font(path: str) -> tuple[Font, frozenset[int]]:
    """The font's face to use (a collection's Simplified Chinese face, else its first) and the code
    points it covers; raises PdfRefused when the file is not a font."""
    try:
        if Path(path).suffix.lower() in {".ttc", ".otc"}:
            faces = TTCollection(path, lazy=True).fonts
            names = [f["name"].getDebugName(4) or "" for f in faces]
            index = next((i for i, n in enumerate(names) if n.endswith(" SC")), 0)
            face = faces[index]
        else:
            index, face = 0, TTFont(path, lazy=True)
        name = face["name"].getDebugName(4) or Path(path).name
        return Font(path, index, name), frozenset(face.getBestCmap())
    except (OSError, TTLibError, KeyError, AssertionError) as exc:
        raise PdfRefused(Message(BAD_FONT, {"path": path})) from exc


def find_font(setting: str = "") -> tuple[Font, frozenset[int]]:
    """The font named by the `PDF_FONT` setting, or else the first known one installed."""
    if setting:
        if not Path(setting).is_file():
            raise PdfRefused(Message(BAD_FONT, {"path": setting}))
        return _open_font(setting)
    for path, _package in KNOWN_FONTS:
        if Path(path).is_file():
            return _open_font(path)
    raise PdfRefused(Message(NO_FONT, {"package": FONT_PACKAGE}))


@lru_cache(maxsize=4)
def _catalog(locale: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS), [locale], domain="messages")


def translator(locale: str):
    """The catalog's gettext for `locale`, outside any request (what Flask-Babel reads too)."""
    return _catalog(locale).gettext


#: Line breaks as typed (CR LF, CR) and tabs; other control characters draw nothing and go.
_BREAKS = re.compile(r"\r\n?")


def _printable(text: str) -> str:
    """`text` as drawn: line breaks as LF, a tab as a space, no other control character (a
    contact text typed in a form keeps its lines, and no glyph is asked for a control code)."""
    text = _BREAKS.sub("\n", text).replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")


def _printable_content(lines: Content) -> Content:
    return replace(
        lines,
        **{
            name: _printable(getattr(lines, name))
            for name in ("title", "reference", "addressee", "intro", "issued")
        },
        fields=tuple((_printable(k), _printable(v)) for k, v in lines.fields),
        table=tuple(
            tuple(tuple(_printable(line) for line in cell) for cell in row) for row in lines.table
        ),
        closing=tuple(_printable(p) for p in lines.closing),
    )


def render_pdf(doc: AwardNotice | ResultNotice, locale: str, font_setting: str = "") -> bytes:
    """The notice as PDF bytes in `locale` ("zh" or "en"); `font_setting` is `PDF_FONT`. Raises
    PdfRefused when no font can draw every character of it."""
    lines = _printable_content(content(doc, locale, translator(locale)))
    font, covered = find_font(font_setting)
    missing = sorted({ch for ch in lines.text() if ch not in "\n" and ord(ch) not in covered})
    if missing:
        raise PdfRefused(
            Message(
                MISSING_GLYPHS,
                {"font": font.name, "chars": " ".join(missing), "package": FONT_PACKAGE},
            )
        )
    return _layout(lines, font, doc.issued_at)


def _layout(lines: Content, font: Font, issued_at) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_creation_date(issued_at)
    pdf.set_title(lines.title)
    pdf.set_lang("en" if lines.lang == "en" else "zh-CN")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font("cjk", fname=font.path, collection_font_number=font.index)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font("cjk", size=20)
    pdf.cell(width, 14, lines.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    if lines.reference:
        pdf.cell(width, 6, lines.reference, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=11)
    if lines.addressee:
        pdf.multi_cell(width, 7, lines.addressee, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 7, lines.intro, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    with pdf.table(
        col_widths=(45, width - 45),
        first_row_as_headings=False,
        text_align="LEFT",
        line_height=7,
        padding=1.5,
    ) as table:
        for label, value in lines.fields:
            row = table.row()
            row.cell(label, style=FontFace(fill_color=(240, 240, 240)))
            row.cell(value)
    if lines.table:
        pdf.ln(4)
        pdf.set_font("cjk", size=9)
        header, *rows = lines.table
        with pdf.table(
            col_widths=(18, 62, 28, width - 108),
            text_align="LEFT",
            line_height=5,
            padding=1.5,
            headings_style=FontFace(fill_color=(230, 230, 230)),
        ) as table:
            for cells in (header, *rows):
                row = table.row()
                for cell in cells:
                    row.cell("\n".join(cell))
        pdf.set_font("cjk", size=11)
    pdf.ln(4)
    for paragraph in lines.closing:
        pdf.multi_cell(width, 7, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.ln(6)
    pdf.cell(width, 7, lines.issued, align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
