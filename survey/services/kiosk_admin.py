"""Kiosk devices of one organisation, as staff manage them in the browser.

Adding a device returns its one-time enrolment token once (only its hash is stored); the page
shows it as a QR code and a printable PDF. A new link can be issued later (the tablet that
enrols with it replaces the one before). Rename, move to another location or survey, revoke:
each with its audit row in the same unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from survey.database import unit_of_work
from survey.errors import Gone, Invalid
from survey.extensions import db
from survey.models import Device, Location, Survey
from survey.models.types import utcnow
from survey.services import audit, kiosks
from survey.services.scoped import owned, text


@dataclass(frozen=True)
class DeviceRow:
    id: int
    name: str
    location_id: int | None
    location: str | None
    survey_id: int
    survey: str
    state: str  # waiting (for enrolment), active, revoked
    last_seen: datetime | None
    app_version: str | None
    queue_length: int | None
    refused_count: int | None


@dataclass(frozen=True)
class Enrolment:
    device_id: int
    name: str
    token: str
    expires_at: datetime


def devices(organisation_id: int) -> list[DeviceRow]:
    """The organisation's devices with their last reported health, newest first."""
    rows = db.session.execute(
        select(Device, Location.name, Survey.name)
        .join(Survey, Survey.id == Device.survey_id)
        .outerjoin(Location, Location.id == Device.location_id)
        .where(Device.organisation_id == organisation_id)
        .order_by(Device.id.desc())
    ).all()
    return [
        DeviceRow(
            id=d.id,
            name=d.name,
            location_id=d.location_id,
            location=location,
            survey_id=d.survey_id,
            survey=survey,
            state=state_of(d),
            last_seen=d.last_seen,
            app_version=d.app_version,
            queue_length=d.queue_length,
            refused_count=d.refused_count,
        )
        for d, location, survey in rows
    ]


def state_of(device: Device) -> str:
    if device.revoked_at is not None:
        return "revoked"
    return "active" if device.enrolled_at is not None else "waiting"


def device(organisation_id: int, device_id) -> Device:
    return owned(Device, organisation_id, device_id)


def _dict(d: Device) -> dict:
    return {"name": d.name, "location_id": d.location_id, "survey_id": d.survey_id}


def _place(organisation_id: int, location_id, survey_id) -> tuple[int | None, int]:
    location = None
    if location_id not in (None, "", 0):
        location = owned(Location, organisation_id, location_id, "location_id").id
    survey = owned(Survey, organisation_id, survey_id, "survey_id").id
    return location, survey


def add_device(organisation_id: int, actor, name, location_id, survey_id) -> Enrolment:
    """A new device waiting for its tablet, with a one-time enrolment token."""
    name = text(name, "name", 100)
    token, token_hash, expires_at = kiosks.new_enrolment()
    with unit_of_work() as session:
        location, survey = _place(organisation_id, location_id, survey_id)
        new = Device(
            organisation_id=organisation_id,
            location_id=location,
            survey_id=survey,
            name=name,
            settings={},
            enrolment_token_hash=token_hash,
            enrolment_expires_at=expires_at,
        )
        session.add(new)
        session.flush()
        audit.record(session, actor, organisation_id, "device.create", f"device:{new.id}",
                     None, _dict(new))
        return Enrolment(new.id, new.name, token, expires_at)


def new_enrolment(organisation_id: int, actor, device_id) -> Enrolment:
    """A new one-time link for a device; the tablet that uses it replaces the one before."""
    token, token_hash, expires_at = kiosks.new_enrolment()
    with unit_of_work() as session:
        found = owned(Device, organisation_id, device_id)
        if found.revoked_at is not None:
            raise Gone("device_revoked", _("This device has been revoked."), None)
        found.enrolment_token_hash = token_hash
        found.enrolment_expires_at = expires_at
        audit.record(session, actor, organisation_id, "device.enrolment", f"device:{found.id}",
                     None, {"expires_at": expires_at.isoformat()})
        return Enrolment(found.id, found.name, token, expires_at)


def enrolment_for(organisation_id: int, device_id, token) -> Enrolment:
    """The enrolment behind a token staff still hold (to print its PDF); 410 when it no
    longer works (used, replaced, expired or revoked)."""
    found = owned(Device, organisation_id, device_id)
    if not kiosks.enrolment_matches(found, token):
        raise Gone("enrolment_invalid", _("This enrolment link is used, replaced or expired."))
    return Enrolment(found.id, found.name, token, found.enrolment_expires_at)


def update_device(organisation_id: int, actor, device_id, name, location_id, survey_id) -> None:
    """Rename a device or move it to another location or survey (it reloads its survey)."""
    name = text(name, "name", 100)
    with unit_of_work() as session:
        found = owned(Device, organisation_id, device_id)
        if found.revoked_at is not None:
            raise Invalid("device_revoked", _("A revoked device cannot be changed."), "name")
        before = _dict(found)
        found.location_id, found.survey_id = _place(organisation_id, location_id, survey_id)
        found.name = name
        after = _dict(found)
        if before != after:
            audit.record(session, actor, organisation_id, "device.update", f"device:{found.id}",
                         before, after)


def revoke(organisation_id: int, actor, device_id) -> None:
    """Switch a device off for good: it shows 'out of order', its answers are refused."""
    with unit_of_work() as session:
        found = owned(Device, organisation_id, device_id)
        if found.revoked_at is not None:
            return
        found.revoked_at = utcnow()
        found.enrolment_token_hash = None
        found.enrolment_expires_at = None
        audit.record(session, actor, organisation_id, "device.revoke", f"device:{found.id}",
                     {"state": "active"}, {"state": "revoked"})
