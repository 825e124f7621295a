"""Japanese PDF documents (the terms statement, invoices, receipts): one font, one layout.

Font: IPAex Gothic is embedded (subset) when its file is on the machine (Debian's
fonts-ipaexfont-gothic; the Dockerfile and CI install it; TERMS_PDF_FONT points
elsewhere), so a document reads the same everywhere. Without it, reportlab's built-in CID
font HeiseiKakuGo-W5 is referenced by name: no file needed, and viewers substitute a
Japanese font of their own.

reportlab is heavy (~15 MB): views import the document modules on first use only.
"""

import datetime
import io
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_FILES = ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", "/usr/share/fonts/truetype/ipaexg.ttf")


def _register_font() -> str:
    candidates = [getattr(settings, "TERMS_PDF_FONT", ""), *FONT_FILES]
    for path in filter(None, candidates):
        if Path(path).is_file():
            pdfmetrics.registerFont(TTFont("IPAexGothic", path))
            return "IPAexGothic"
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    return "HeiseiKakuGo-W5"


FONT = _register_font()

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, spaceAfter=6)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK")
SMALL = ParagraphStyle("small", fontName=FONT, fontSize=8, leading=12, wordWrap="CJK", textColor=colors.grey)


def yen(amount: int | None) -> str:
    return "—" if amount is None else f"{amount:,}円"


def date_ja(value: datetime.date | None) -> str:
    return value.strftime("%Y年%m月%d日") if value is not None else "—"


def grid(rows: Sequence[Sequence[str]], widths: Sequence[float], *, header: bool = False) -> Table:
    """A bordered table of text cells (newlines kept); a shaded first column, or first row."""
    table = Table(
        [[Paragraph(cell.replace("\n", "<br/>"), BODY) for cell in row] for row in rows],
        colWidths=[width * mm for width in widths],
    )
    shade = (0, 0), (-1, 0) if header else (0, -1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", shade[0], shade[1], colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def note(text: str) -> Paragraph:
    """A sentence under the tables (a legal remark, a caveat)."""
    return Paragraph(text, BODY)


def gap(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


def document(*, title: str, intro: str, body: Sequence[Flowable], reference: str) -> bytes:
    """An A4 page: the title, a sentence saying what the document is, the body, and a footer
    naming the object it was made from and when."""
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Tcyss Talent Marketplace",
    ).build(
        [
            Paragraph(title, TITLE),
            Paragraph(intro, BODY),
            Spacer(1, 6 * mm),
            *body,
            Spacer(1, 6 * mm),
            Paragraph(f"{reference}　作成：{timezone.localtime():%Y-%m-%d %H:%M}（Tcyss）", SMALL),
        ]
    )
    return buffer.getvalue()
