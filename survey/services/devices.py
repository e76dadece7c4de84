"""Which device a submission comes from, proven by its secret."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from werkzeug.exceptions import Unauthorized

from survey.extensions import db
from survey.models import Device
from survey.services.errors import Forbidden
from survey.services.responses import Origin


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def origin_for_request(device_secret: str | None, payload) -> Origin:
    """Anonymous front ends get an empty origin; a device must be known and not revoked."""
    if device_secret is None:
        return Origin()
    device = db.session.execute(
        select(Device).where(Device.secret_hash == secret_hash(device_secret[:200]))
    ).scalar_one_or_none()
    if device is None:
        raise Unauthorized("Unknown device.")
    if device.revoked_at is not None:
        raise Forbidden("device_revoked", "This device has been switched off by staff.")
    return Origin(device_id=device.id, location_id=device.location_id)
