"""Per-app caches of recent lookups, kept in `app.extensions` (created by init_app).

Each app has its own, so two apps in one process (tests, tools) never answer from each other's
database. Entries expire after the seconds given when they were stored; a full cache starts
again empty (the lookups behind it are cheap, and this keeps the bound simple).

Several app servers (gunicorn workers, machines): with `REDIS_URL` set, `clear` also raises a
generation counter per cache in Redis (`kto:cache:<name>`), after the change is committed.
Every app context (each request, each task) reads the counters once, in one round trip, before
its first lookup, and empties the caches whose counter moved: a change made through one server
is seen by every other from its next request on. Without Redis, or while Redis is away, the
other servers see it when their entries expire (seconds to a minute).
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app, g, has_app_context

log = logging.getLogger(__name__)

# name in app.extensions: how many entries it keeps at most
SIZES = {
    "kto.lookups": 4096,  # survey versions, place ids, survey settings (survey.services.catalogue)
    "kto.definitions": 512,  # parsed survey versions, which never change
    "kto.widget": 1000,  # widget configs and origin allow-lists (survey.services.widget)
}
KEY = "kto:cache:{}"
GENERATIONS = "kto.cache_generations"


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


class Generations:
    """The Redis counters this app's caches were last emptied at (shared by its threads)."""

    def __init__(self, url: str | None):
        self.seen: dict[str, bytes | None] = {}
        self.client = None
        if url:
            import redis

            self.client = redis.Redis.from_url(url, socket_timeout=0.5,
                                               socket_connect_timeout=0.5)
        self.warned_at = 0.0
        self.retry_at = 0.0  # after a failure, Redis is left alone for a few seconds

    def _warn(self, error: Exception) -> None:
        self.retry_at = time.monotonic() + 5
        if time.monotonic() - self.warned_at > 60:  # once a minute at most
            self.warned_at = time.monotonic()
            log.warning("cache invalidation through Redis failed: %s", error)

    def sync(self, app: Flask) -> None:
        """Empty the caches another server cleared since this app last looked."""
        if time.monotonic() < self.retry_at:
            return
        names = list(SIZES)
        try:
            current = self.client.mget([KEY.format(n) for n in names])
        except Exception as error:  # Redis away: entries still expire on their own
            self._warn(error)
            return
        for name, value in zip(names, current, strict=True):
            if self.seen.get(name, value) != value:
                app.extensions[name].clear()
            self.seen[name] = value

    def bump(self, names) -> None:
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for name in names:
                    pipe.incr(KEY.format(name))
                pipe.execute()
        except Exception as error:
            self._warn(error)


def init_app(app: Flask) -> None:
    for name, size in SIZES.items():
        app.extensions[name] = Recent(size)
    app.extensions[GENERATIONS] = Generations(app.config.get("REDIS_URL"))


def cache(name: str) -> Recent:
    """The current app's cache of this name (checked against the other servers' clears once
    per app context)."""
    app = current_app._get_current_object()
    generations = app.extensions[GENERATIONS]
    if generations.client is not None and not g.get("_kto_caches_synced"):
        g._kto_caches_synced = True
        generations.sync(app)
    return app.extensions[name]


def clear(*names: str) -> None:
    """Forget the current app's entries in these caches (all when none are named), and tell
    the other servers to forget theirs. Call it after the change is committed."""
    if not has_app_context():
        return
    names = names or tuple(SIZES)
    for name in names:
        current_app.extensions[name].clear()
    generations = current_app.extensions[GENERATIONS]
    if generations.client is not None:
        generations.bump(names)
