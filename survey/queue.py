"""The task queue: Huey on SQLite by default, on Redis when REDIS_URL is set.

The Huey object exists at import (task decorators need it) but holds only an in-memory
store until init_app points it at the configured one; nothing connects at import.
"""

from __future__ import annotations

from flask import Flask
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

huey = Huey("kto", immediate=True)
_state: dict = {}


def init_app(app: Flask) -> None:
    _state["app"] = app
    if app.config.get("REDIS_URL"):
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": app.config["REDIS_URL"]}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": app.config["HUEY_SQLITE_PATH"]}
    huey._immediate = bool(app.config.get("HUEY_IMMEDIATE"))
    huey.storage = huey.create_storage()


def app() -> Flask:
    """The application tasks run in (set by init_app)."""
    return _state["app"]
