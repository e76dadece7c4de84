"""API keys: created once, shown once, stored as a hash; named, revocable, with last use.

Last use is noted in memory on each accepted key and written at most once a minute per key
and process, after the request (`flush_last_use`, a teardown hook), so the ingest's key check
stays one read and never writes inside another transaction.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update

from survey.database import DriverStatement, driver_read, unit_of_work
from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import ApiKey, Organisation, User
from survey.models.types import utcnow
from survey.services import audit, catalogue

log = logging.getLogger(__name__)
PREFIX = "kto_"
NAME_MAX = 100
LAST_USE_SECONDS = 60.0

_lock = threading.Lock()
_used: dict[str, datetime] = {}  # key hash -> when it was last used, not yet written
_written: dict[str, float] = {}  # key hash -> monotonic time of the last write


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def create_api_key(org_slug: str, label: str = "") -> str:
    """Create a key for an organisation and return it in plain text (the only time it exists)."""
    key = _new_key()
    with unit_of_work() as session:
        organisation = catalogue.organisation(org_slug)
        session.add(
            ApiKey(
                organisation_id=organisation.id,
                prefix=key[:12],
                key_hash=_digest(key),
                label=label,
            )
        )
        audit.record(session, "cli", organisation.id, "api_key.create", f"api_key:{key[:12]}",
                     None, {"name": label, "prefix": key[:12]})
    return key


def check_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise Invalid("name_required", "Give the key a name.", "name")
    if len(name) > NAME_MAX:
        raise Invalid("too_long", f"The name may have at most {NAME_MAX} characters.", "name")
    return name


@dataclass(frozen=True)
class Created:
    key: str  # shown once
    api_key: ApiKey


def create(actor: User, organisation_id: int, name: str) -> Created:
    """A named key for the organisation; the plain key is returned once and never stored."""
    name = check_name(name)
    key = _new_key()
    with unit_of_work() as session:
        api_key = ApiKey(
            organisation_id=organisation_id, prefix=key[:12], key_hash=_digest(key), label=name
        )
        session.add(api_key)
        session.flush()
        audit.record(session, actor, organisation_id, "api_key.create", f"api_key:{api_key.id}",
                     None, {"name": name, "prefix": key[:12]})
    return Created(key, api_key)


def keys_of(organisation_id: int) -> list[ApiKey]:
    """The organisation's keys, unrevoked first, newest first."""
    return list(
        db.session.execute(
            select(ApiKey)
            .where(ApiKey.organisation_id == organisation_id)
            .order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id.desc())
        ).scalars()
    )


def revoke(actor: User, organisation_id: int, key_id: int) -> ApiKey:
    """Revoke one key of this organisation (another organisation's id: NotFound)."""
    with unit_of_work() as session:
        api_key = session.execute(
            select(ApiKey).where(ApiKey.id == key_id, ApiKey.organisation_id == organisation_id)
        ).scalar_one_or_none()
        if api_key is None:
            raise NotFound("unknown_key", "No such API key.", "key")
        if api_key.revoked_at is None:
            api_key.revoked_at = utcnow()
            audit.record(session, actor, organisation_id, "api_key.revoke",
                         f"api_key:{api_key.id}", {"name": api_key.label, "revoked": False},
                         {"name": api_key.label, "revoked": True})
    return api_key


def _well_formed(key: str | None) -> bool:
    return bool(key) and key.startswith(PREFIX) and len(key) <= 200


_ORGANISATION_FOR_KEY = DriverStatement(
    select(ApiKey.organisation_id).where(
        ApiKey.key_hash == bindparam("digest"), ApiKey.revoked_at.is_(None)
    )
)


def organisation_id_for_key(key: str | None) -> int | None:
    """The id of the organisation a valid, unrevoked key belongs to, else None.

    One indexed lookup of a single column, compiled once and run by the driver outside the
    session's transaction (survey.database.driver_read): the ingest checks a key on every
    import request, and a revoked key stops working at once (no cache).
    """
    if not _well_formed(key):
        return None
    digest = _digest(key)
    found = driver_read(db.engine, _ORGANISATION_FOR_KEY, {"digest": digest})
    if found is not None:
        with _lock:
            _used[digest] = utcnow()
    return found


def organisation_for_key(key: str | None) -> Organisation | None:
    """The organisation a valid, unrevoked key belongs to, else None."""
    organisation_id = organisation_id_for_key(key)
    return None if organisation_id is None else db.session.get(Organisation, organisation_id)


def flush_last_use(force: bool = False) -> int:
    """Write the noted last uses that are due (at most once a minute per key); returns how
    many keys were written. Errors are logged, never raised: last use is informational."""
    now = time.monotonic()
    with _lock:
        due = {
            digest: when
            for digest, when in _used.items()
            if force or now - _written.get(digest, -LAST_USE_SECONDS) >= LAST_USE_SECONDS
        }
        for digest in due:
            del _used[digest]
            _written[digest] = now
    if not due:
        return 0
    try:
        with unit_of_work() as session:
            for digest, when in due.items():
                session.execute(
                    update(ApiKey).where(ApiKey.key_hash == digest).values(last_used_at=when)
                )
    except Exception:  # noqa: BLE001
        log.exception("Could not store the last use of API keys")
        return 0
    return len(due)


def revoke_api_key(prefix: str) -> int:
    with unit_of_work() as session:
        keys = session.execute(select(ApiKey).where(ApiKey.prefix == prefix)).scalars().all()
        for key in keys:
            if key.revoked_at is None:
                key.revoked_at = utcnow()
                audit.record(session, "cli", key.organisation_id, "api_key.revoke",
                             f"api_key:{key.id}", {"name": key.label, "revoked": False},
                             {"name": key.label, "revoked": True})
    return len(keys)


def init_app(app) -> None:
    """Write due last uses after each request (a teardown hook)."""
    app.teardown_request(lambda _error=None: flush_last_use())
