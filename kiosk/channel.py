"""The kiosk as a channel of the ingest: proof of origin is the device secret (X-Kto-Device).

Its rules (a device answers its own survey; too fast and burst flags by receive time) live in
survey/domain/kiosk.py and survey/services/devices.py; its pages and device API in routes.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from survey.channels import Channel
from survey.domain.submission import Submission
from survey.errors import Unauthorized
from survey.services.catalogue import SurveyRef
from survey.services.devices import kiosk_origin
from survey.services.responses import Origin

DEVICE_HEADER = "X-Kto-Device"


class KioskChannel(Channel):
    name = "kiosk"
    modes = ("kiosk",)

    def prove(
        self, headers: Mapping[str, str], submission: Submission, survey: SurveyRef, now: datetime
    ) -> Origin:
        secret = headers.get(DEVICE_HEADER)
        if not secret:
            raise Unauthorized(
                "device_secret_required",
                f"Kiosk answers come from an enrolled device: send its secret in {DEVICE_HEADER}.",
            )
        return kiosk_origin(secret, submission, survey, now)
