"""The embedded TrueType fonts of the report (DejaVu renders ë, é and €)."""

from __future__ import annotations

from pathlib import Path

from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
]


def _find(name: str) -> Path:
    for directory in _DIRS:
        path = directory / f"{name}.ttf"
        if path.exists():
            return path
    raise FileNotFoundError(
        f"Font {name}.ttf not found; install Debian's fonts-dejavu-core (scripts/system-deps.sh)."
    )


def register() -> None:
    """Register the fonts once; reportlab embeds the subset it uses in every PDF."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (REGULAR, BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(_find(name))))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
    # Drawings start from this state; without it every chart would pull in Helvetica.
    STATE_DEFAULTS["fontName"] = REGULAR
