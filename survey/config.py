"""The one place that reads the environment."""

from __future__ import annotations

import os
import secrets
import tempfile
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
        # production (the default), development (`make run`) or testing (the test suite).
        "KTO_ENV": (env.get("KTO_ENV") or "production").strip().lower(),
        # Unset: generated under instance/ in development and tests, refused in production
        # (survey/security.py checks the key at startup).
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        # HTTPS redirect with HSTS, and the session cookie's Secure flag. Unset (None): on
        # outside development and tests (survey/security.py decides).
        "FORCE_HTTPS": _flag(env.get("FORCE_HTTPS"), None),
        "SESSION_COOKIE_SECURE": _flag(env.get("SESSION_COOKIE_SECURE"), None),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted.
        "TRUSTED_PROXY_COUNT": int(env.get("TRUSTED_PROXY_COUNT") or 0),
        # Rate limits: memory per process by default, shared in Redis when REDIS_URL is set.
        "RATELIMIT_ENABLED": _flag(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI")
        or env.get("REDIS_URL")
        or "memory://",
        "SQLALCHEMY_DATABASE_URI": url,
        # PostgreSQL: a dropped connection is replaced instead of failing a request; a server
        # that is away or full is found out in seconds (then a 503), not after minutes.
        "SQLALCHEMY_ENGINE_OPTIONS": POSTGRES_ENGINE if url.startswith("postgres") else {},
        "REDIS_URL": env.get("REDIS_URL") or None,
        "HUEY_SQLITE_PATH": env.get("HUEY_SQLITE_PATH") or str(INSTANCE / "queue.sqlite3"),
        "PUBLIC_URL": env.get("PUBLIC_URL", "http://127.0.0.1:8000"),
        # Log lines as JSON with a request id (survey/logs.py): on outside development/tests.
        "LOG_FORMAT": (env.get("LOG_FORMAT") or "").strip().lower()
        or ("text" if (env.get("KTO_ENV") or "").strip().lower() in LAX_ENVIRONMENTS else "json"),
        # Prometheus multiprocess mode under gunicorn (survey/metrics.py).
        "PROMETHEUS_MULTIPROC_DIR": env.get("PROMETHEUS_MULTIPROC_DIR") or None,
        # /metrics only for `Authorization: Bearer <token>` when set (docs/OPERATIONS.md).
        "METRICS_TOKEN": env.get("METRICS_TOKEN") or None,
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
        # SMS invitations through a provider of survey/messaging: twilio, cmcom or console
        # (development: files in OUTBOX_DIR/sms, shown on /staff/<org>/outbox).
        "SMS_PROVIDER": env.get("SMS_PROVIDER") or "twilio",
        "TWILIO_ACCOUNT_SID": env.get("TWILIO_ACCOUNT_SID") or None,
        "TWILIO_AUTH_TOKEN": env.get("TWILIO_AUTH_TOKEN") or None,
        "TWILIO_FROM": env.get("TWILIO_FROM") or None,
        "TWILIO_MESSAGING_SERVICE_SID": env.get("TWILIO_MESSAGING_SERVICE_SID") or None,
        "TWILIO_API_BASE": env.get("TWILIO_API_BASE") or "https://api.twilio.com",
        "CM_PRODUCT_TOKEN": env.get("CM_PRODUCT_TOKEN") or None,
        "CM_FROM": env.get("CM_FROM") or None,
        "CM_API_BASE": env.get("CM_API_BASE") or "https://gw.messaging.cm.com",
        # The secret in CM.com's callback URLs (/webhooks/sms/cm/<secret>/...): CM.com does
        # not sign its status reports or inbound messages.
        "CM_WEBHOOK_SECRET": env.get("CM_WEBHOOK_SECRET") or None,
        # WhatsApp (Meta's Cloud API; one Meta app for the platform): meta, or whatsapp_outbox
        # (development: files in OUTBOX_DIR/whatsapp and the page /staff/<org>/whatsapp).
        "WHATSAPP_PROVIDER": env.get("WHATSAPP_PROVIDER") or "meta",
        "WHATSAPP_ACCESS_TOKEN": env.get("WHATSAPP_ACCESS_TOKEN") or None,
        # The app secret signs every webhook (X-Hub-Signature-256); the verify token answers
        # Meta's GET handshake when the webhook is set up.
        "WHATSAPP_APP_SECRET": env.get("WHATSAPP_APP_SECRET") or None,
        "WHATSAPP_VERIFY_TOKEN": env.get("WHATSAPP_VERIFY_TOKEN") or None,
        "WHATSAPP_API_BASE": env.get("WHATSAPP_API_BASE") or "https://graph.facebook.com",
        "WHATSAPP_API_VERSION": env.get("WHATSAPP_API_VERSION") or "v21.0",
        # The sender: messages per batch, parallel requests, a provider's timeout, attempts.
        "SEND_BATCH_SIZE": int(env.get("SEND_BATCH_SIZE") or 500),
        "SMS_CONCURRENCY": int(env.get("SMS_CONCURRENCY") or 64),
        "SMS_TIMEOUT_SECONDS": float(env.get("SMS_TIMEOUT_SECONDS") or 10),
        "SEND_MAX_ATTEMPTS": int(env.get("SEND_MAX_ATTEMPTS") or 8),
        # A claim older than this is taken to belong to a worker that died (longer than a
        # batch can take: batch / concurrency x timeout).
        "SEND_CLAIM_LEASE_SECONDS": float(env.get("SEND_CLAIM_LEASE_SECONDS") or 600),
        # CM.com: a message with no status report this long after its claim was not accepted.
        "CM_REPORT_WAIT_SECONDS": float(env.get("CM_REPORT_WAIT_SECONDS") or 1800),
        # Key of the HMAC that keeps a citizen's phone number or e-mail address as a hash once
        # the address itself is erased (throttling, opt-out). Required in production; never
        # change it (docs/OPERATIONS.md). Development and tests derive one from SECRET_KEY.
        "ADDRESS_HASH_KEY": env.get("ADDRESS_HASH_KEY") or None,
        # A staff login session ends after this many minutes without a request.
        "STAFF_IDLE_MINUTES": int(env.get("STAFF_IDLE_MINUTES") or 30),
        # How long a one-time link to set a password works (invitation, reset).
        "PASSWORD_LINK_HOURS": int(env.get("PASSWORD_LINK_HOURS") or 72),
        # Rate limit figures (defaults and reasons in docs/OPERATIONS.md), e.g. "600 per minute".
        **{key: env[key] for key in RATE_LIMITS if env.get(key)},
    }


LAX_ENVIRONMENTS = ("development", "testing")

POSTGRES_ENGINE = {
    "pool_pre_ping": True,
    "pool_timeout": 5,  # waiting for a free pooled connection
    "connect_args": {"connect_timeout": 3},
}


def child_environment(**extra: str) -> dict:
    """The environment for a program the app runs (pg_dump, pg_restore), with additions."""
    return {**os.environ, **extra}


def _flag(raw: str | None, default: bool | None) -> bool | None:
    if raw is None or not raw.strip():
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


def instance_secret(directory: Path | None = None) -> str:
    """A random secret kept under instance/, for development and tests on one machine.

    Created atomically: the key is written to a temporary file that is then hard-linked to
    its final name, which fails if another process got there first; every process then
    reads the one file that won, so two processes starting at once share one key.
    """
    directory = INSTANCE if directory is None else directory
    directory.mkdir(exist_ok=True)
    path = directory / "secret_key"
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o600)
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(temporary)
    return path.read_text().strip()


# Per client IP unless said otherwise; see docs/OPERATIONS.md for the figures' reasons.
RATE_LIMITS = {
    "RATELIMIT_DEFAULT": "600 per minute",  # every other page and endpoint
    "RATELIMIT_INGEST": "600 per minute",  # POST /api/v1/responses
    "RATELIMIT_WIDGET": "600 per minute",  # the widget's config
    "RATELIMIT_KIOSK": "300 per minute",  # kiosk config and heartbeat
    "RATELIMIT_KIOSK_ENROL": "10 per minute",  # trading an enrolment token
    "RATELIMIT_LOGIN_IP": "20 per minute; 100 per hour",  # staff login attempts
    "RATELIMIT_LOGIN_ACCOUNT": "5 per minute; 20 per hour",  # per e-mail address, any IP
    # Provider callbacks (Twilio, CM.com) and one-click unsubscribes: providers call from
    # few addresses, in bursts after a batch.
    "RATELIMIT_WEBHOOKS": "3000 per minute",
    "RATELIMIT_OPEN_DATA": "120 per minute",  # each open data page and file (/open/...)
}

DEFAULTS = {
    **RATE_LIMITS,
    "API_MAX_BODY_BYTES": 64 * 1024,
    # POST /api/v1/contacts takes up to 1,000 contacts in one body.
    "CONTACTS_MAX_BATCH": 1000,
    "CONTACTS_MAX_BODY_BYTES": 1024 * 1024,
    # `flask kto contacts import`: larger files are refused before reading.
    "CONTACTS_IMPORT_MAX_BYTES": 20 * 1024 * 1024,
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
