"""Receiving one answer from any front end: parse once, let its channel prove it, record it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from survey import metrics
from survey.channels.base import registry
from survey.domain.submission import parse_submission
from survey.models.types import utcnow
from survey.services.responses import Recorded, record_submission


def receive(
    payload, headers: Mapping[str, str], skew_seconds: int
) -> tuple[Recorded, dict]:
    """Store an answer posted to the API once, after the channel of its survey mode proved it.

    Returns the stored response and what its channel adds to the reply (the widget: a link to
    the callback form when the survey offers one)."""
    now = utcnow()
    submission = parse_submission(payload, now, timedelta(seconds=skew_seconds))
    channel = registry().channel_for(submission.survey_mode, headers)
    recorded = record_submission(
        submission, now, lambda survey: channel.prove(headers, submission, survey, now)
    )
    if recorded.created:
        metrics.response_stored(submission.survey_mode, submission.contact_channel)
    return recorded, channel.reply(recorded, submission)
