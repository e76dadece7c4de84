"""The website widget as a channel: its blueprint (config endpoint, CORS) and proof of origin.

The widget (static/widget/v1.js) runs on a municipal website, another origin. Its answers are
recorded with survey_mode popup (the pop-up and the feedback tab) or inline. Proof of origin is
the browser's Origin header, which must be one of the organisation's allowed origins; the
inclusion probability is the survey's configured sampling rate for the pop-up and 1 for what a
visitor opens himself (tab, inline block), whatever the page sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask import Flask, current_app, g

from survey.channels.base import Channel
from survey.domain import ValidationError
from survey.domain.submission import Submission
from survey.domain.widget import DEFAULTS, inclusion_probability, widget_settings
from survey.errors import Forbidden
from survey.services import catalogue, widget
from survey.services.catalogue import SurveyRef
from survey.services.responses import Origin


def cache_seconds() -> float:
    return current_app.config.get("WIDGET_CACHE_SECONDS", 60)


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
        return Origin(
            inclusion_probability=inclusion_probability(
                settings, submission.presentation, submission.survey_mode
            )
        )

    def init_app(self, app: Flask) -> None:
        from survey.channels.widget.routes import bp
        from survey.extensions import csrf

        csrf.exempt(bp)
        app.register_blueprint(bp)
