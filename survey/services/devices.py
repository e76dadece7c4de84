"""Which device a submission comes from, proven by its secret, and whether it looks like misuse."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import select

from survey.domain.kiosk import settings_from_dict, suspect_reason
from survey.errors import Forbidden, Invalid, Unauthorized
from survey.extensions import db
from survey.models import Device, Organisation, Response, Survey
from survey.services.catalogue import SurveyRef
from survey.services.responses import Origin


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def device_for_secret(device_secret: str) -> Device:
    """The device holding this secret; 401 when unknown, 403 `device_revoked` when switched off."""
    device = db.session.execute(
        select(Device).where(Device.secret_hash == secret_hash(device_secret[:200]))
    ).scalar_one_or_none()
    if device is None:
        raise Unauthorized("unauthorized", "Unknown device.")
    if device.revoked_at is not None:
        raise Forbidden("device_revoked", "This device has been switched off by staff.")
    return device


def kiosk_origin(device_secret: str, submission, survey: SurveyRef, now: datetime) -> Origin:
    """The origin of a kiosk answer: its device (known, not revoked) and the device's location.

    A device answers only its own survey. Its answer is marked suspect when it arrives too soon
    after the device's previous one or in a burst (survey.domain.kiosk). The rules use the
    server's receive times, never the tablet's `submitted_at`, which the client sets.
    """
    device = device_for_secret(device_secret)
    if device.survey_id != survey.survey_id:
        org_slug, survey_slug = db.session.execute(
            select(Organisation.slug, Survey.slug)
            .join(Survey, Survey.organisation_id == Organisation.id)
            .where(Survey.id == device.survey_id)
        ).one()
        raise Invalid(
            "device_survey_mismatch",
            f"This device answers survey '{survey_slug}' of '{org_slug}' only.",
            "survey",
        )
    settings = settings_from_dict(device.settings)
    reason = suspect_reason(now, _earlier(device.id, submission.uuid, now, settings), settings)
    return Origin(
        device_id=device.id,
        location_id=device.location_id,
        suspect_reason=reason,
        inclusion_probability=1.0,  # everyone at the counter is asked
    )


def _earlier(device_id: int, response_uuid, now: datetime, settings) -> list[datetime]:
    """Receive times of the device's other responses in the window the rules look at."""
    span = max(settings.min_interval_seconds, settings.burst_window_seconds)
    return list(
        db.session.execute(
            select(Response.received_at).where(
                Response.device_id == device_id,
                Response.received_at >= now - timedelta(seconds=span),
                Response.received_at <= now,
                Response.uuid != response_uuid,
            )
        ).scalars()
    )
