"""Checking an organisation's logo before it is stored: a PNG or an SVG, at most MAX_BYTES,
and an SVG without anything that runs or loads (scripts, event attributes, external links,
embedded documents, entity declarations). Pure: standard library and Pillow."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

from survey.errors import Invalid

MAX_BYTES = 200 * 1024
MAX_PIXELS = 4000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"
FORBIDDEN_ELEMENTS = {
    "script", "foreignobject", "iframe", "embed", "object", "audio", "video", "animate",
    "set", "animatemotion", "animatetransform", "handler", "listener",
}
_URL_IN_STYLE = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)|@import|expression\s*\(|javascript:", re.I)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _refuse(code: str, message: str):
    raise Invalid(code, message, "logo")


def check_png(data: bytes) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                _refuse("logo_broken", "Not a PNG image.")
            width, height = image.size
            image.verify()
    except Invalid:
        raise
    except Exception:
        _refuse("logo_broken", "Not a valid PNG image.")
    if width > MAX_PIXELS or height > MAX_PIXELS:
        _refuse("logo_too_large", f"The logo may be at most {MAX_PIXELS} pixels wide and high.")


def check_svg(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        _refuse("logo_broken", "An SVG logo must be UTF-8 text.")
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.I):
        _refuse("logo_unsafe", "An SVG logo may not declare a DOCTYPE or entities.")
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        _refuse("logo_broken", "Not a valid SVG image.")
    if root.tag not in (f"{SVG_NS}svg", "svg"):
        _refuse("logo_broken", "Not an SVG image.")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if _local(element.tag) in FORBIDDEN_ELEMENTS:
            _refuse("logo_unsafe", f"An SVG logo may not contain <{_local(element.tag)}>.")
        for name, value in element.attrib.items():
            attribute = _local(name)
            if attribute.startswith("on"):
                _refuse("logo_unsafe", f"An SVG logo may not have event attributes ({attribute}).")
            if attribute == "href" and not value.strip().startswith("#"):
                _refuse("logo_unsafe", "An SVG logo may only link inside itself.")
            if _URL_IN_STYLE.search(value):
                _refuse("logo_unsafe", "An SVG logo may not load anything from outside.")
        if _local(element.tag) == "style" and _URL_IN_STYLE.search(element.text or ""):
            _refuse("logo_unsafe", "An SVG logo may not load anything from outside.")


def check(data: bytes, filename: str = "") -> str:
    """The media type of an acceptable logo, else Invalid (code and message say why)."""
    if not data:
        _refuse("logo_broken", "The file is empty.")
    if len(data) > MAX_BYTES:
        _refuse("logo_too_large", f"The logo may be at most {MAX_BYTES // 1024} KB.")
    if data.startswith(PNG_MAGIC):
        check_png(data)
        return "image/png"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) or filename.lower().endswith(".svg"):
        check_svg(data)
        return "image/svg+xml"
    _refuse("logo_type", "The logo must be a PNG or SVG file.")
    return ""
