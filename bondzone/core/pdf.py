"""The one way of making a printable PDF (tax bills, the investment guide): reportlab, pure Python, with
Chinese set in its built-in CID font STSong-Light (the reader's viewer supplies the glyphs, so no font file
is shipped and nothing is fetched).

    body = pdf.render(_("Tax bill"), [
        pdf.Heading("税款缴款书"),
        pdf.Text("…"),
        pdf.Table([["税种", "金额"], ["关税", "12.00"]], widths=[0.6, 0.4]),
    ], synthetic=True)
    return pdf.download(body, "tax-bill-QD0001")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=8, leading=11, textColor=colors.grey)
_H1 = ParagraphStyle("h1", parent=_BODY, fontSize=16, leading=22, spaceAfter=6)
_H2 = ParagraphStyle("h2", parent=_BODY, fontSize=12, leading=17, spaceBefore=8, spaceAfter=4)
_WARN = ParagraphStyle("warn", parent=_BODY, textColor=colors.HexColor("#8a3b00"), backColor=colors.HexColor("#fff3e0"),
                       borderPadding=4, spaceAfter=8)


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Text:
    text: str
    small: bool = False


@dataclass(frozen=True)
class Table:
    rows: list[list]  # the first row is the heading row
    widths: list[float] = field(default_factory=list)  # shares of the text width; empty: equal columns


Block = Heading | Text | Table


def _flowables(block: Block, width: float) -> list:
    if isinstance(block, Heading):
        return [Paragraph(escape(block.text), _H1 if block.level == 1 else _H2)]
    if isinstance(block, Text):
        return [Paragraph(escape(block.text).replace("\n", "<br/>"), _SMALL if block.small else _BODY)]
    cells = [[Paragraph(escape("" if v is None else str(v)), _BODY) for v in row] for row in block.rows]
    n = max((len(r) for r in block.rows), default=1)
    shares = block.widths or [1 / n] * n
    table = RLTable(cells, colWidths=[width * s for s in shares], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return [table, Spacer(1, 4 * mm)]


def render(title: str, blocks: list[Block], *, synthetic: bool = False, footer: str = "") -> bytes:
    """An A4 PDF: the title, a demo-data warning when `synthetic`, the blocks, an optional footer line."""
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=title, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm)
    story: list = [Paragraph(escape(title), _H1)]
    if synthetic:
        story.append(Paragraph(escape(_("Demo data: the figures in this document are synthetic.")), _WARN))
    for block in blocks:
        story += _flowables(block, doc.width)
    if footer:
        story.append(Paragraph(escape(footer), _SMALL))
    doc.build(story)
    return out.getvalue()


def download(body: bytes, stem: str) -> HttpResponse:
    """The PDF as a file to save (`stem.pdf`)."""
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
    return response
