"""WhatsApp as a channel of the ingest: the conversation records its own answers.

Replies arrive as Meta's webhook (/webhooks/whatsapp, proven by X-Hub-Signature-256) and are
stored one step at a time by survey.services.whatsapp_chat, under the invitation; the API
refuses a payload with survey_mode 'whatsapp' unless an organisation API key vouches for it
(an import of WhatsApp answers collected elsewhere).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from survey.channels.base import Channel
from survey.domain.submission import Submission
from survey.errors import Forbidden
from survey.services.catalogue import SurveyRef
from survey.services.responses import Origin


class WhatsAppChannel(Channel):
    name = "whatsapp"
    modes = ("whatsapp",)

    def prove(
        self, headers: Mapping[str, str], submission: Submission, survey: SurveyRef, now: datetime
    ) -> Origin:
        raise Forbidden(
            "answer_in_conversation",
            "Answers with survey_mode 'whatsapp' are given in the WhatsApp conversation, which "
            "records them itself. Send them as an import with an organisation API key instead.",
            "survey_mode",
        )
