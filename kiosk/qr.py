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
