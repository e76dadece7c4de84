"""The embedded TrueType fonts of the report (DejaVu renders ë, é and €)."""

from __future__ import annotations

import functools
import threading
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


# reportlab is not thread-safe: a registered TrueType font is one shared object that keeps
# each document's glyph subset on itself, so two threads rendering at once (Huey's thread
# workers, a threaded web server) can corrupt each other's PDF or fail with a KeyError.
# No option of reportlab's makes this safe, so renderers in one process take turns here.
_RENDER_LOCK = threading.RLock()


def one_at_a_time(render):
    """Decorate a function that renders with reportlab so only one thread does so at a time."""

    @functools.wraps(render)
    def wrapper(*args, **kwargs):
        with _RENDER_LOCK:
            return render(*args, **kwargs)

    return wrapper


def _find(name: str) -> Path:
    for directory in _DIRS:
        path = directory / f"{name}.ttf"
        if path.exists():
            return path
    raise FileNotFoundError(
        f"Font {name}.ttf not found; install Debian's fonts-dejavu-core (scripts/system-deps.sh)."
    )


@one_at_a_time
def register() -> None:
    """Register the fonts once; reportlab embeds the subset it uses in every PDF."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (REGULAR, BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(_find(name))))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
    # Drawings start from this state; without it every chart would pull in Helvetica.
    STATE_DEFAULTS["fontName"] = REGULAR
