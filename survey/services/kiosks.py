"""Kiosk devices: create with a one-time enrolment link, enrol, configure, heartbeat, revoke."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from survey.database import unit_of_work
from survey.domain.kiosk import settings_from_dict
from survey.errors import Gone, Invalid, NotFound
from survey.extensions import db
from survey.models import Device, Location, Organisation, Survey
from survey.models.types import utcnow
from survey.services import catalogue, complaints, surveys
from survey.services.devices import device_for_secret, secret_hash

ENROLMENT_VALID = timedelta(days=7)
DEFAULT_CHANNEL = "counter"


@dataclass(frozen=True)
class NewDevice:
    id: int
    name: str
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class DeviceState:
    """One row of `flask kto kiosk list`."""

    id: int
    name: str
    organisation: str
    location: str | None
    survey: str
    state: str  # waiting (for enrolment), active or revoked
    last_seen: datetime | None
    app_version: str | None
    queue_length: int | None
    refused_count: int | None
    last_submission_at: datetime | None


def _enrolment_invalid() -> Gone:
    """The enrolment link is unknown, used already, expired or its device revoked."""
    return Gone("enrolment_invalid", "This enrolment link is unknown, used or expired.", "token")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_enrolment(valid_for: timedelta = ENROLMENT_VALID) -> tuple[str, str, datetime]:
    """A fresh one-time enrolment token, the hash to store and when it stops working."""
    token = secrets.token_urlsafe(24)
    return token, _token_hash(token), utcnow() + valid_for


def enrolment_matches(device: Device, token) -> bool:
    """Whether `token` is the device's current, unexpired enrolment token."""
    return (
        isinstance(token, str)
        and 0 < len(token) <= 100
        and device.revoked_at is None
        and device.enrolment_token_hash is not None
        and secrets.compare_digest(device.enrolment_token_hash, _token_hash(token))
        and device.enrolment_expires_at is not None
        and _aware(device.enrolment_expires_at) > utcnow()
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def create_device(
    org_slug: str,
    location_slug: str | None,
    survey_slug: str,
    name: str = "",
    valid_for: timedelta = ENROLMENT_VALID,
    settings: dict | None = None,
) -> NewDevice:
    """A new kiosk device with a one-time enrolment token (only its hash is stored)."""
    checked = settings_from_dict(settings or {})
    token, token_hash, expires_at = new_enrolment(valid_for)
    with unit_of_work() as session:
        device = _new_device(org_slug, location_slug, survey_slug, name, settings or {}, checked)
        device.enrolment_token_hash = token_hash
        device.enrolment_expires_at = expires_at
        session.add(device)
        session.flush()
        created = NewDevice(id=device.id, name=device.name, token=token, expires_at=expires_at)
    return created


def _new_device(org_slug, location_slug, survey_slug, name, settings, checked) -> Device:
    org = catalogue.organisation(org_slug)
    survey = db.session.execute(
        select(Survey).where(Survey.organisation_id == org.id, Survey.slug == survey_slug)
    ).scalar_one_or_none()
    if survey is None:
        raise NotFound(
            "unknown_survey", f"Unknown survey '{survey_slug}' for '{org_slug}'.", "survey"
        )
    location = None
    if location_slug is not None:
        location = db.session.execute(
            select(Location).where(
                Location.organisation_id == org.id, Location.slug == location_slug
            )
        ).scalar_one_or_none()
        if location is None:
            raise NotFound(
                "unknown_location",
                f"Unknown location '{location_slug}' for '{org_slug}'.",
                "location",
            )
    return Device(
        organisation_id=org.id,
        location_id=location.id if location else None,
        survey_id=survey.id,
        name=name or f"{location_slug or org_slug} {survey_slug}",
        settings={k: v for k, v in checked.to_dict().items() if k in settings},
    )


def enrol(token: str) -> str:
    """Use a one-time enrolment token: returns the device's new secret; the token stops working."""
    if not isinstance(token, str) or not 0 < len(token) <= 100:
        raise _enrolment_invalid()
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    with unit_of_work() as session:
        result = session.execute(
            update(Device)
            .where(
                Device.enrolment_token_hash == _token_hash(token),
                Device.enrolment_expires_at > now,
                Device.revoked_at.is_(None),
            )
            .values(
                secret_hash=secret_hash(secret),
                enrolled_at=now,
                enrolment_token_hash=None,
                enrolment_expires_at=None,
            )
        )
        if result.rowcount != 1:
            raise _enrolment_invalid()  # rolled back: nothing changed
    return secret


def revoke(device_id: int) -> bool:
    """Switch a device off: it shows 'out of order' and its submissions are refused."""
    with unit_of_work() as session:
        result = session.execute(
            update(Device)
            .where(Device.id == device_id)
            .values(
                revoked_at=func.coalesce(Device.revoked_at, utcnow()),
                enrolment_token_hash=None,
                enrolment_expires_at=None,
            )
        )
    return result.rowcount == 1


def kiosk_config(device_secret: str) -> dict:
    """What the kiosk needs to run offline: its survey's newest version and its settings."""
    device = device_for_secret(device_secret)
    survey = db.session.get(Survey, device.survey_id)
    org = db.session.get(Organisation, device.organisation_id)
    config = surveys.public_config(org.slug, survey.slug)
    if config is None:
        raise Invalid("unknown_survey", f"Survey '{survey.slug}' has no version yet.")
    return {
        "device": {"id": device.id, "name": device.name},
        "organisation": org.slug,
        "survey": survey.slug,
        "version": config["version"],
        "definition": config["definition"],
        "contact_channel": (survey.settings or {}).get("contact_channel", DEFAULT_CHANNEL),
        "settings": settings_from_dict(device.settings).to_dict(),
        "complaint": complaints.kiosk_complaint(org, config["definition"]),
        "callback": _callback_config(survey, org, config["definition"]),
    }


def _callback_config(survey: Survey, org: Organisation, definition: dict) -> dict:
    """Whether and when the kiosk offers a callback request: the rule, the headline question
    and its satisfied rule as the server reads them (defaults filled in), the norm and the
    words in both languages."""
    from survey.domain.callbacks import callback_rule
    from survey.domain.definition import parse_definition
    from survey.domain.errors import ValidationError
    from survey.services.callback_texts import kiosk_texts

    try:
        offer = callback_rule(survey.settings).offer
        parsed = parse_definition(definition)
    except ValidationError:
        offer = "never"
    if offer == "never":
        return {"offer": "never"}
    return {"offer": offer, "headline": parsed.headline,
            "satisfied": parsed.satisfied.to_dict(), "norm_days": org.callback_norm_days,
            "texts": kiosk_texts(org.callback_norm_days)}


def record_heartbeat(device_secret: str, payload) -> None:
    """Store what the kiosk reports about itself: version, queue, refused answers, last one."""
    if not isinstance(payload, dict) or set(payload) - {
        "app_version",
        "queue_length",
        "refused_count",
        "last_submission_at",
    }:
        raise Invalid(
            "wrong_type",
            "Send app_version, queue_length, refused_count and last_submission_at only.",
        )
    version = payload.get("app_version")
    if version is not None and (
        not isinstance(version, str) or len(version) > 40 or not version.isprintable()
    ):
        raise Invalid(
            "wrong_type", "'app_version' is a short printable text.", "app_version"
        )
    queue = _count(payload, "queue_length")
    refused = _count(payload, "refused_count")
    last = _moment(payload.get("last_submission_at"), "last_submission_at")
    device_id = device_for_secret(device_secret).id
    with unit_of_work() as session:
        session.execute(
            update(Device)
            .where(Device.id == device_id)
            .values(
                last_seen=utcnow(),
                app_version=version,
                queue_length=queue,
                refused_count=refused,
                last_submission_at=last,
            )
        )


def _count(payload: dict, name: str) -> int | None:
    value = payload.get(name)
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**6
    ):
        raise Invalid("wrong_type", f"'{name}' is a count.", name)
    return value


def _moment(raw, name: str) -> datetime | None:
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw) if isinstance(raw, str) and len(raw) <= 40 else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Invalid("wrong_type", f"'{name}' must be an ISO 8601 timestamp.", name)
    return moment


def list_devices() -> list[DeviceState]:
    """Every device with its state and its last reported health, oldest first."""
    rows = db.session.execute(
        select(Device, Organisation.slug, Location.slug, Survey.slug)
        .join(Organisation, Organisation.id == Device.organisation_id)
        .join(Survey, Survey.id == Device.survey_id)
        .outerjoin(Location, Location.id == Device.location_id)
        .order_by(Device.id)
    ).all()
    return [
        DeviceState(
            id=d.id,
            name=d.name,
            organisation=org,
            location=loc,
            survey=srv,
            state="revoked" if d.revoked_at else ("active" if d.enrolled_at else "waiting"),
            last_seen=d.last_seen,
            app_version=d.app_version,
            queue_length=d.queue_length,
            refused_count=d.refused_count,
            last_submission_at=d.last_submission_at,
        )
        for d, org, loc, srv in rows
    ]
