"""Inline shared browser modules into a script: `python3 scripts/inline_js.py SOURCE`.

Each line of SOURCE that is exactly `/* @include PATH */` (any indentation; PATH from the
repository root) is replaced by the text of PATH, so the kiosk and the widget carry the same
static/js/flow.js inside their own closure. Writes the result to standard output. Written by
hand because it is one replacement: a bundler would add a module runtime to a 3 KB widget.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"^[ \t]*/\* @include (\S+) \*/[ \t]*\n?$", re.MULTILINE)


def inline(source: str) -> str:
    def included(match: re.Match) -> str:
        text = (ROOT / match.group(1)).read_text()
        return text if text.endswith("\n") else text + "\n"

    return MARKER.sub(included, source)


if __name__ == "__main__":
    sys.stdout.write(inline(Path(sys.argv[1]).read_text()))
