"""API keys: created once, shown once, stored as a hash."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import ApiKey, Organisation
from survey.models.types import utcnow
from survey.services import catalogue

PREFIX = "kto_"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(org_slug: str, label: str = "") -> str:
    """Create a key for an organisation and return it in plain text (the only time it exists)."""
    key = PREFIX + secrets.token_urlsafe(32)
    with unit_of_work():
        organisation = catalogue.organisation(org_slug)
        db.session.add(
            ApiKey(
                organisation_id=organisation.id,
                prefix=key[:12],
                key_hash=_digest(key),
                label=label,
            )
        )
    return key


def _well_formed(key: str | None) -> bool:
    return bool(key) and key.startswith(PREFIX) and len(key) <= 200


def organisation_id_for_key(key: str | None) -> int | None:
    """The id of the organisation a valid, unrevoked key belongs to, else None.

    One indexed lookup of a single column, no ORM objects: the ingest checks a key on every
    import request, and a revoked key stops working at once (no cache).
    """
    if not _well_formed(key):
        return None
    return db.session.execute(
        select(ApiKey.organisation_id).where(
            ApiKey.key_hash == _digest(key), ApiKey.revoked_at.is_(None)
        )
    ).scalar_one_or_none()


def organisation_for_key(key: str | None) -> Organisation | None:
    """The organisation a valid, unrevoked key belongs to, else None."""
    organisation_id = organisation_id_for_key(key)
    return None if organisation_id is None else db.session.get(Organisation, organisation_id)


def revoke_api_key(prefix: str) -> int:
    with unit_of_work():
        keys = db.session.execute(select(ApiKey).where(ApiKey.prefix == prefix)).scalars().all()
        for key in keys:
            key.revoked_at = utcnow()
    return len(keys)
