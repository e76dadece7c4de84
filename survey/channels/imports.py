"""Server-to-server imports: an organisation API key vouches for answers of any survey mode.

Imports come from the organisation's own systems (a telephone platform, another survey tool),
so they are trusted with their own inclusion probability; the key's organisation must be the
payload's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from survey.channels.base import Channel
from survey.domain.submission import Submission
from survey.errors import Forbidden, Unauthorized
from survey.services.apikeys import organisation_id_for_key
from survey.services.catalogue import SurveyRef
from survey.services.responses import Origin

HEADER = "Authorization"


def bearer_key(headers: Mapping[str, str]) -> str | None:
    scheme, _, key = (headers.get(HEADER) or "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" else None


class ImportChannel(Channel):
    name = "import"
    modes = ()

    def claims(self, headers: Mapping[str, str]) -> bool:
        return HEADER in headers

    def prove(
        self, headers: Mapping[str, str], submission: Submission, survey: SurveyRef, now: datetime
    ) -> Origin:
        organisation_id = organisation_id_for_key(bearer_key(headers))
        if organisation_id is None:
            raise Unauthorized(
                "invalid_api_key", "A valid API key is required: 'Authorization: Bearer <key>'."
            )
        if organisation_id != survey.organisation_id:
            raise Forbidden(
                "organisation_mismatch",
                "This API key belongs to another organisation.",
                "organisation",
            )
        return Origin(inclusion_probability=None)  # trusted: the import's own number stands
