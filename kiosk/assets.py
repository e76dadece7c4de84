"""The kiosk's files: a version hash over them (for caches) and the service worker's text."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
TEMPLATES = Path(__file__).resolve().parent / "templates" / "kiosk"
FILES = ("kiosk.js", "kiosk.css", "sw.js", "enrol.js", "manifest.json")


@lru_cache(maxsize=1)
def version() -> str:
    """Changes whenever a kiosk file changes, so tablets pick up a new release."""
    digest = hashlib.sha256()
    for path in [STATIC / name for name in FILES] + sorted(TEMPLATES.glob("*.html")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=1)
def service_worker() -> str:
    return (STATIC / "sw.js").read_text().replace("__VERSION__", version())
