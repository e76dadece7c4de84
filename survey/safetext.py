"""Text made safe for the renderers: XLSX, CSV, PDF paragraphs and SVG.

Every writer of citizens' and organisations' text passes its strings through this module,
so one rule applies everywhere:

- `clean`: control characters (C0 except tab, newline and carriage return; DEL; C1),
  Unicode non-characters and lone surrogates are removed. openpyxl refuses them
  (IllegalCharacterError), XML (XLSX, SVG) cannot hold them and reportlab cannot encode a
  lone surrogate, so one stray byte in a comment would otherwise stop a monthly report.
- `spreadsheet_text`: `clean`, then OWASP's rule against formula (CSV) injection: a text
  that starts with `=`, `+`, `-`, `@`, tab or carriage return gets a leading single quote,
  so Excel, LibreOffice and Google Sheets show it as text instead of evaluating it. XLSX
  writers also store such cells with the string data type (never a formula).
- `markup`: `clean`, then escaped for reportlab's paragraph markup (`<`, `>`, `&`).

The rules are small and specific to these renderers, so they are written here rather than
taken from a library (openpyxl only offers the regular expression it raises on).
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

# C0 controls except \t \n \r, DEL and C1 controls, surrogates (lone ones cannot be encoded),
# and the non-characters U+FDD0..U+FDEF and U+xFFFE/U+xFFFF of the Basic Multilingual Plane.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean(text: str) -> str:
    """The text without characters no renderer can hold."""
    return _UNSAFE.sub("", text)


def spreadsheet_text(text: str) -> str:
    """A cleaned text that no spreadsheet program evaluates as a formula."""
    text = clean(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def spreadsheet_value(value):
    """A cell value for XLSX or CSV: strings made safe, other values unchanged."""
    return spreadsheet_text(value) if isinstance(value, str) else value


def markup(text) -> str:
    """Plain text for a reportlab Paragraph: cleaned and escaped."""
    return escape(clean(str(text)))
