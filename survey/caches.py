"""Per-app caches of recent lookups, kept in `app.extensions` (created by init_app).

Each app has its own, so two apps in one process (tests, tools) never answer from each other's
database. Entries expire after the seconds given when they were stored; a full cache starts
again empty (the lookups behind it are cheap, and this keeps the bound simple).
"""

from __future__ import annotations

import threading
import time

from flask import Flask, current_app, has_app_context

# name in app.extensions: how many entries it keeps at most
SIZES = {
    "kto.lookups": 4096,  # survey versions, place ids, survey settings (survey.services.catalogue)
    "kto.definitions": 512,  # parsed survey versions, which never change
    "kto.widget": 1000,  # widget configs and origin allow-lists (survey.services.widget)
}


class Recent:
    """A small thread-safe cache whose entries expire."""

    def __init__(self, size: int):
        self.size = size
        self.entries: dict = {}
        self.lock = threading.Lock()

    def get(self, key):
        entry = self.entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key, value, seconds: float) -> None:
        with self.lock:
            if len(self.entries) >= self.size:
                self.entries.clear()
            self.entries[key] = (time.monotonic() + seconds, value)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


def init_app(app: Flask) -> None:
    for name, size in SIZES.items():
        app.extensions[name] = Recent(size)


def cache(name: str) -> Recent:
    """The current app's cache of this name."""
    return current_app.extensions[name]


def clear(*names: str) -> None:
    """Forget the current app's entries in these caches (all when none are named)."""
    if not has_app_context():
        return
    for name in names or SIZES:
        current_app.extensions[name].clear()
