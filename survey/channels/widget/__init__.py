"""The website widget as a channel: its blueprint (config endpoint, CORS) and proof of origin.

The widget (static/widget/v1.js) runs on a municipal website, another origin. Its answers are
recorded with survey_mode popup (the pop-up and the feedback tab) or inline. Proof of origin is
the browser's Origin header, which must be one of the organisation's allowed origins; the
inclusion probability is the survey's configured sampling rate for the pop-up and 1 for what a
visitor opens himself (tab, inline block). A pop-up answer may come from a page that still
holds a config cached before staff changed the rate: a number the page sends is accepted when it
is the current rate or a rate the survey published until at most `rate_grace_seconds()` before
the receive time (survey.models.WidgetRateChange); anything else is a 422.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from flask import Flask, current_app, g, url_for
from sqlalchemy import select

from survey.channels.base import Channel
from survey.domain import ValidationError
from survey.domain.submission import Submission
from survey.domain.widget import DEFAULTS, inclusion_probability, widget_settings
from survey.errors import Forbidden
from survey.extensions import db
from survey.models import WidgetRateChange
from survey.services import catalogue, widget
from survey.services.catalogue import SurveyRef
from survey.services.responses import Origin


def cache_seconds() -> float:
    return current_app.config.get("WIDGET_CACHE_SECONDS", 60)


def rate_grace_seconds() -> float:
    """How long after a change the previous sampling rate is still accepted from a page.

    The config may sit in the browser's HTTP cache (max-age 300) and in the server's memory
    (WIDGET_CACHE_SECONDS), and a visitor may answer on a page opened some time before (the
    widget counts a visit as 30 minutes).
    """
    return current_app.config.get("WIDGET_RATE_GRACE_SECONDS", 300 + cache_seconds() + 1800)


def _recently_published(survey_id: int, claimed: float, now: datetime) -> bool:
    """Whether the survey published `claimed` as its rate until shortly before `now`."""
    since = now - timedelta(seconds=rate_grace_seconds())
    rates = db.session.execute(
        select(WidgetRateChange.sampling_rate).where(
            WidgetRateChange.survey_id == survey_id,
            WidgetRateChange.replaced_at >= since,
            WidgetRateChange.replaced_at <= now,
        )
    ).scalars()
    return any(abs(rate - claimed) <= 1e-9 for rate in rates)


def refused_origin() -> Forbidden:
    return Forbidden(
        "origin_not_allowed", "This website may not use this organisation's surveys."
    )


class WidgetChannel(Channel):
    name = "widget"
    modes = ("popup", "inline")

    def prove(
        self, headers: Mapping[str, str], submission: Submission, survey: SurveyRef, now: datetime
    ) -> Origin:
        origin = headers.get("Origin")
        if not origin or not widget.origin_allowed_for(
            origin, submission.organisation, cache_seconds()
        ):
            raise refused_origin()
        g.cors_origin = origin  # the page may read the answer to its post, errors included
        try:
            settings = widget_settings(catalogue.survey_settings(survey.survey_id).get("widget"))
        except ValidationError:
            settings = DEFAULTS
        claimed = submission.inclusion_probability
        try:
            configured = inclusion_probability(
                settings, submission.presentation, submission.survey_mode
            )
        except ValidationError:
            configured = None  # the pop-up is switched off now; a page may have shown it before
        if (
            claimed is not None
            and (configured is None or abs(claimed - configured) > 1e-9)
            and (submission.presentation or submission.survey_mode) == "popup"
            and _recently_published(survey.survey_id, claimed, now)
        ):
            return Origin(inclusion_probability=claimed)  # the rate the page was shown under
        if configured is None:
            inclusion_probability(settings, submission.presentation, submission.survey_mode)
        return Origin(inclusion_probability=configured)

    def reply(self, recorded, submission: Submission) -> dict:
        """A link to the link page's callback form when the survey offers this answer one:
        `callback` holds the link's attributes (the form's address, opened in a new tab) and
        `callback_text` its words, so the script puts them in an `<a>` as they are (the
        least script the size budget allows; docs/WIDGET.md)."""
        from survey.services.callback_links import widget_offer

        offer = widget_offer(recorded.id, recorded.uuid, submission.language)
        if offer is None:
            return {}
        href = url_for(
            "link.widget_callback", key=offer.key, lang=offer.language, _external=True
        )
        return {"callback": {"href": href, "target": "_blank"}, "callback_text": offer.text}

    def init_app(self, app: Flask) -> None:
        from survey.channels.widget.routes import bp
        from survey.extensions import csrf

        csrf.exempt(bp)
        app.register_blueprint(bp)
