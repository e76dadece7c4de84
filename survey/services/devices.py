"""Which device a submission comes from, proven by its secret, and whether it looks like misuse."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from survey.domain.kiosk import rule_time, settings_from_dict, suspect_reason
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

    A device answers only its own survey. Its answer is marked suspect when it comes too soon
    after the device's previous one or in a burst (survey.domain.kiosk). The rules count each
    answer at its rule time: the server's receive time, or the tablet's `submitted_at` only
    where it lies after the device's last contact the server saw and not after the receive
    time (an offline queue sent in one go keeps its real spacing).
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
    at = rule_time(
        submission.submitted_at, now, _last_contact(device, submission.uuid, now)
    )
    reason = suspect_reason(at, _earlier(device.id, submission.uuid, at, now, settings), settings)
    return Origin(
        device_id=device.id,
        location_id=device.location_id,
        suspect_reason=reason,
        inclusion_probability=1.0,  # everyone at the counter is asked
        rule_at=at,
    )


def _rule_at():
    """A response's rule time; rows stored before rule times existed count at their receipt."""
    return func.coalesce(Response.rule_at, Response.received_at)


def _last_contact(device: Device, response_uuid, now: datetime) -> datetime | None:
    """The device's latest contact the server saw itself, in server time.

    An earlier answer counts at its rule time (a queue sent in order keeps its window), a
    heartbeat only when it reported an empty queue (a tablet still holding answers has not
    caught up), and the enrolment as the start.
    """
    latest = db.session.execute(
        select(func.max(_rule_at())).where(
            Response.device_id == device.id,
            Response.received_at <= now,
            Response.uuid != response_uuid,
        )
    ).scalar()
    candidates = [latest, device.enrolled_at]
    if device.last_seen is not None and not device.queue_length:
        candidates.append(device.last_seen)
    known = [_aware(t) for t in candidates if t is not None]
    return max(known) if known else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _earlier(
    device_id: int, response_uuid, at: datetime, now: datetime, settings
) -> list[datetime]:
    """Rule times of the device's other responses in the window the rules look at."""
    span = max(settings.min_interval_seconds, settings.burst_window_seconds)
    return [
        _aware(t)
        for t in db.session.execute(
            select(_rule_at()).where(
                Response.device_id == device_id,
                _rule_at() >= at - timedelta(seconds=span),
                Response.received_at <= now,
                Response.uuid != response_uuid,
            )
        ).scalars()
    ]
