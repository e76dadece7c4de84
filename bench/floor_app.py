"""The floor for bench/ingest.py: a bare WSGI app that inserts one row into SQLite per request."""

import json
import os
import sqlite3
import threading

DATABASE = os.environ["FLOOR_DATABASE"]
_local = threading.local()


def _connection():
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(DATABASE, timeout=10, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS responses (id INTEGER PRIMARY KEY, uuid TEXT UNIQUE,"
            " body TEXT)"
        )
        _local.conn = conn
    return conn


def app(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    payload = json.loads(body)
    conn = _connection()
    cursor = conn.execute(
        "INSERT INTO responses (uuid, body) VALUES (?, ?)", (payload["id"], body.decode())
    )
    out = json.dumps({"id": cursor.lastrowid}).encode()
    start_response("201 Created", [("Content-Type", "application/json"),
                                   ("Content-Length", str(len(out)))])
    return [out]
