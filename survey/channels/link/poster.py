"""QR codes of a survey's plain link: PNG and SVG (the `qrcode` package) and an A4 poster PDF.

The poster is for a counter, a waiting room or a notice board without a tablet: the
municipality's name, one short call to action in Dutch and in English, a large code (drawn as
vector squares, sharp at any print size) and the link written out for who cannot scan.
"""

from __future__ import annotations

import io
from urllib.parse import quote

import qrcode
import qrcode.constants
import qrcode.image.svg
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from survey.reports import fonts
from survey.safetext import clean

BORDER = 4  # modules of quiet zone, as the QR standard asks


def plain_link(public_url: str, org: str, survey: str, location: str | None, mode: str) -> str:
    """The address a plain link or QR code points to (see survey.channels.link.routes)."""
    letter = "q" if mode == "qr" else "l"
    parts = [public_url.rstrip("/"), "s", letter, quote(org, safe=""), quote(survey, safe="")]
    if location:
        parts.append(quote(location, safe=""))
    return "/".join(parts)


def _code(link: str) -> qrcode.QRCode:
    # Level M: a poster may get a scratch or a reflection; the code stays readable.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=BORDER)
    code.add_data(link)
    code.make(fit=True)
    return code


def png(link: str) -> bytes:
    buffer = io.BytesIO()
    image = _code(link)
    image.box_size = 12
    image.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def svg(link: str) -> bytes:
    code = _code(link)
    code.box_size = 10
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def _centred(pdf: canvas.Canvas, text: str, y: float, font: str, size: float, width) -> None:
    pdf.setFont(font, size)
    pdf.drawCentredString(width / 2, y, clean(text))


@fonts.one_at_a_time
def poster(link: str, organisation: str, texts: dict[str, tuple[str, str]]) -> bytes:
    """An A4 poster PDF. `texts` holds per language ("nl", "en") a heading and a line."""
    fonts.register()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(clean(f"{organisation}: {texts['nl'][0]}"))
    pdf.setAuthor(clean(organisation))
    pdf.setFillColorRGB(0, 0.28, 0.42)
    pdf.rect(0, height - 38 * mm, width, 38 * mm, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    _centred(pdf, organisation, height - 24 * mm, fonts.BOLD, 26, width)
    pdf.setFillColorRGB(0.1, 0.1, 0.1)
    heading_nl, line_nl = texts["nl"]
    heading_en, line_en = texts["en"]
    _centred(pdf, heading_nl, height - 58 * mm, fonts.BOLD, 30, width)
    _centred(pdf, line_nl, height - 70 * mm, fonts.REGULAR, 17, width)
    matrix = _code(link).get_matrix()  # includes the quiet zone
    side = 120 * mm
    cell = side / len(matrix)
    left = (width - side) / 2
    top = height - 80 * mm
    pdf.setFillColorRGB(0, 0, 0)
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                pdf.rect(
                    left + column * cell, top - (row + 1) * cell, cell, cell, stroke=0, fill=1
                )
    below = top - side - 12 * mm
    pdf.setFillColorRGB(0.1, 0.1, 0.1)
    _centred(pdf, heading_en, below, fonts.BOLD, 22, width)
    _centred(pdf, line_en, below - 10 * mm, fonts.REGULAR, 15, width)
    _centred(pdf, link, 18 * mm, fonts.REGULAR, 11, width)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
