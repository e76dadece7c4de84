"""The one place that reads the environment."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def database_url(raw: str | None) -> str:
    """Normalise DATABASE_URL: default SQLite file under instance/, psycopg 3 for PostgreSQL."""
    if not raw:
        return f"sqlite:///{INSTANCE / 'kto.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def from_environment(env=None) -> dict:
    """Settings for create_app, read from the environment once."""
    env = os.environ if env is None else env
    url = database_url(env.get("DATABASE_URL"))
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or _instance_secret(),
        "SQLALCHEMY_DATABASE_URI": url,
        # A dropped PostgreSQL connection is replaced instead of failing a request.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True} if url.startswith("postgres") else {},
        "REDIS_URL": env.get("REDIS_URL") or None,
        "HUEY_SQLITE_PATH": env.get("HUEY_SQLITE_PATH") or str(INSTANCE / "queue.sqlite3"),
        "PUBLIC_URL": env.get("PUBLIC_URL", "http://127.0.0.1:8000"),
        "EXPORTS_DIR": env.get("EXPORTS_DIR") or str(ROOT / "exports"),
        # Outgoing e-mail (monthly reports) through a provider of survey/messaging: smtp (no
        # MAIL_SERVER: reports are built, not sent) or outbox (.eml files in OUTBOX_DIR).
        "MAIL_PROVIDER": env.get("MAIL_PROVIDER") or "smtp",
        "OUTBOX_DIR": env.get("OUTBOX_DIR") or str(INSTANCE / "outbox"),
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT") or 25),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_FROM": env.get("MAIL_FROM") or "kto@localhost",
    }


def _instance_secret() -> str:
    """A random secret kept under instance/ so sessions survive restarts of a single server."""
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()


DEFAULTS = {
    "API_MAX_BODY_BYTES": 64 * 1024,
    "BABEL_DEFAULT_LOCALE": "nl",
    "BABEL_SUPPORTED_LOCALES": ["nl", "en"],
    # Dates and times on pages are shown in Dutch local time.
    "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "HUEY_IMMEDIATE": False,
    # Clock skew allowed for client timestamps in the future.
    "CLOCK_SKEW_SECONDS": 300,
}
