"""The link page as a channel: invitations by SMS and e-mail, plain web links and QR codes.

A citizen answers on the page itself (`/s/<token>` for an invitation, `/s/q/...` and `/s/l/...`
for a plain link; routes.py), one question per screen, server-rendered, without cookies. The
page records through its own services (survey.services.invitation_link and plain_links), not
through POST /api/v1/responses: the proof of origin is the invitation token in the page's
address, or for a plain link the form the page handed out plus the widget's repeat-visitor
flag. The channel registers the survey modes `sms`, `email`, `link` and `qr` so the ingest
knows who answers for them, and refuses answers of these modes posted to the API without an
organisation API key (imports still may, with their key).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask import Flask

from survey.channels.base import Channel
from survey.domain.submission import Submission
from survey.errors import Forbidden
from survey.services.catalogue import SurveyRef
from survey.services.responses import Origin


class LinkChannel(Channel):
    name = "link"
    modes = ("sms", "email", "link", "qr")

    def prove(
        self, headers: Mapping[str, str], submission: Submission, survey: SurveyRef, now: datetime
    ) -> Origin:
        raise Forbidden(
            "answer_on_link_page",
            f"Answers with survey_mode '{submission.survey_mode}' are given on the link page "
            "(/s/<token>, or a survey's plain link /s/q/... and /s/l/...), which records them "
            "itself. Send them as an import with an organisation API key instead.",
            "survey_mode",
        )

    def init_app(self, app: Flask) -> None:
        from survey.channels.link.cli import qr_command
        from survey.channels.link.routes import bp
        from survey.cli import kto
        from survey.extensions import csrf

        # No cookies, so no cookie-bound CSRF token: the invitation token in the address, or
        # the signed form a plain link hands out, authorises each post (see routes.py).
        csrf.exempt(bp)
        app.register_blueprint(bp)
        if "qr" not in kto.commands:
            kto.add_command(qr_command)
