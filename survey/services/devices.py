"""Which device a submission comes from, proven by its secret, and whether it looks like misuse."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from survey.domain.kiosk import settings_from_dict, suspect_reason
from survey.domain.submission import parse_submission
from survey.errors import Forbidden, Invalid, Unauthorized
from survey.extensions import db
from survey.models import Device, Organisation, Response, Survey
from survey.models.types import utcnow
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


def origin_for_request(device_secret: str | None, payload) -> Origin:
    """Anonymous front ends get an empty origin; a device must be known and not revoked.

    A device answers only its own survey. Its response is marked suspect when it follows the
    device's previous one too closely or comes in a burst (survey.domain.kiosk).
    """
    if device_secret is None:
        return Origin()
    device = device_for_secret(device_secret)
    # Only the envelope is read here; record_response applies the configured clock skew.
    submission = parse_submission(payload, utcnow(), timedelta(days=1))
    org_slug, survey_slug = db.session.execute(
        select(Organisation.slug, Survey.slug)
        .join(Survey, Survey.organisation_id == Organisation.id)
        .where(Survey.id == device.survey_id)
    ).one()
    if (submission.organisation, submission.survey) != (org_slug, survey_slug):
        raise Invalid(
            "device_survey_mismatch",
            f"This device answers survey '{survey_slug}' of '{org_slug}' only.",
            "survey",
        )
    settings = settings_from_dict(device.settings)
    reason = suspect_reason(
        submission.submitted_at, _earlier(device.id, submission, settings), settings
    )
    return Origin(device_id=device.id, location_id=device.location_id, suspect_reason=reason)


def _earlier(device_id: int, submission, settings) -> list:
    """Submission times of the device's other responses in the window the rules look at."""
    span = max(settings.min_interval_seconds, settings.burst_window_seconds)
    since = submission.submitted_at - timedelta(seconds=span)
    return list(
        db.session.execute(
            select(Response.submitted_at).where(
                Response.device_id == device_id,
                Response.submitted_at >= since,
                Response.submitted_at <= submission.submitted_at,
                Response.uuid != submission.uuid,
            )
        ).scalars()
    )
