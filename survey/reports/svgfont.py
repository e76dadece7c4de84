"""SVG charts that read well on their own: the embedded font, a real title and description.

reportlab's SVG names the font as registered ("DejaVuSans"), which no browser knows, so text
fell back to a serif; its <title> and <desc> are "...". ``finish`` embeds a subset of the
DejaVu fonts with just the characters the chart uses (an @font-face with a data: URL, a few
kilobytes), names the family "DejaVu Sans" with a sans-serif fallback, and writes the chart's
title and description for screen readers.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import logging
import re

from fontTools import subset
from fontTools.ttLib import TTFont

from survey import safetext
from survey.reports import fonts

FAMILY = "DejaVu Sans"
# Most charts use only these characters: one cached subset serves them all.
COMMON = "".join(chr(c) for c in range(32, 127)) + "".join(chr(c) for c in range(160, 384))
COMMON += "–—‘’“”„…•€°¹²³·×−≤≥"
logging.getLogger("fontTools").setLevel(logging.ERROR)
_TEXT = re.compile(r"<text[^>]*>(.*?)</text>", re.S)


@functools.lru_cache(maxsize=256)
def _subset(name: str, characters: str) -> str:
    """The font ``name`` cut down to ``characters``, as base64 TrueType."""
    font = TTFont(str(fonts._find(name)))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return base64.b64encode(out.getvalue()).decode("ascii")


def _face(name: str, weight: str, characters: str) -> str:
    data = _subset(name, characters)
    return (
        f"@font-face{{font-family:'{FAMILY}';font-weight:{weight};"
        f"src:url(data:font/ttf;base64,{data}) format('truetype');}}"
    )


def finish(svg: str, title: str, desc: str) -> str:
    """The SVG with the embedded font family, ``<title>`` and ``<desc>``."""
    bold = f"font-family: {fonts.BOLD};" in svg
    used = set(html.unescape("".join(_TEXT.findall(svg))))
    characters = COMMON if used <= set(COMMON) else "".join(sorted(used | set(COMMON)))
    faces = _face(fonts.REGULAR, "normal", characters)
    if bold:
        faces += _face(fonts.BOLD, "bold", characters)
    family = f"font-family: '{FAMILY}', sans-serif"
    svg = svg.replace(f"font-family: {fonts.BOLD};", f"{family}; font-weight: bold;")
    svg = svg.replace(f"font-family: {fonts.REGULAR};", f"{family};")
    svg = svg.replace(
        "<title>...</title>", f"<title>{html.escape(safetext.clean(title))}</title>", 1
    ).replace(
        "<desc>...</desc>",
        f"<desc>{html.escape(safetext.clean(desc))}</desc>\n\t<style>{faces}</style>",
        1,
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)
