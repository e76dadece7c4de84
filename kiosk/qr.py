"""QR codes for enrolment links, as PNG and SVG bytes."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg


def png(link: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(link, box_size=10, border=4).save(buffer, format="PNG")
    return buffer.getvalue()


def svg(link: str) -> bytes:
    image = qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def inline_svg(link: str, label: str) -> str:
    """The QR code as an <svg> element to put in a page: no XML declaration, a text label."""
    from markupsafe import escape

    text = svg(link).decode()
    text = text[text.index("<svg") :]
    return text.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def pdf(link: str, title: str, lines: list[str]) -> bytes:
    """An A4 page to print: a title, a few lines of explanation and the QR code (vector)."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    from survey import safetext
    from survey.reports import fonts

    fonts.register()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setTitle(safetext.clean(title))
    width, height = A4
    page.setFont(fonts.BOLD, 18)
    page.drawString(20 * mm, height - 30 * mm, safetext.clean(title))
    page.setFont(fonts.REGULAR, 11)
    y = height - 42 * mm
    for line in lines:
        page.drawString(20 * mm, y, safetext.clean(line))
        y -= 6 * mm
    widget = QrCodeWidget(link, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = 100 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, page, (width - size) / 2, y - size - 10 * mm)
    page.setFont(fonts.REGULAR, 8)
    page.drawString(20 * mm, y - size - 18 * mm, safetext.clean(link))
    page.showPage()
    page.save()
    return buffer.getvalue()
