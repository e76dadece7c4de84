"""The channel registry: which front end answers for which survey mode, and how it proves it.

A channel is one front end (kiosk, website widget, and later the link page, SMS, e-mail and
WhatsApp). It names the survey modes it records, proves where an answer comes from (a device
secret, an allowed website origin, an invitation token, an organisation API key) and returns
the `Origin` that record_response stores: device, location, invitation, a misuse flag, and the
inclusion probability the server configured. It may also bring its own routes (`init_app`).

The ingest route knows none of them by name: it asks the registry of the app for the channel
of the payload's survey mode. A survey mode no channel has registered is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask import Flask, current_app

from survey.domain.channels import SURVEY_MODES
from survey.domain.submission import Submission
from survey.errors import Forbidden
from survey.services.catalogue import SurveyRef
from survey.services.responses import Origin

EXTENSION = "kto.channels"


class Channel:
    """One front end. Subclasses set `name` and `modes` and implement `prove`."""

    name: str = ""
    modes: tuple[str, ...] = ()

    def claims(self, headers: Mapping[str, str]) -> bool:
        """True when this request carries this channel's credential whatever its survey mode.

        Only server-to-server imports do so: an organisation API key vouches for any mode.
        """
        return False

    def prove(
        self, headers: Mapping[str, str], submission: Submission, survey: SurveyRef, now: datetime
    ) -> Origin:
        """The proven origin of this answer, or a 401/403 (survey.errors) and nothing stored."""
        raise NotImplementedError

    def reply(self, recorded, submission: Submission) -> dict:
        """More fields for the reply to the front end that posted this answer (none here)."""
        return {}

    def init_app(self, app: Flask) -> None:
        """Register the channel's own routes, if it has any."""


class Registry:
    """The channels of one app, by survey mode."""

    def __init__(self):
        self.by_mode: dict[str, Channel] = {}
        self.channels: list[Channel] = []

    def register(self, channel: Channel) -> None:
        unknown = set(channel.modes) - set(SURVEY_MODES)
        if unknown:
            raise ValueError(f"Channel '{channel.name}' names unknown modes {sorted(unknown)}.")
        taken = [m for m in channel.modes if m in self.by_mode]
        if taken:
            raise ValueError(
                f"Survey mode '{taken[0]}' belongs to channel '{self.by_mode[taken[0]].name}'."
            )
        self.channels.append(channel)
        self.by_mode.update({mode: channel for mode in channel.modes})

    def channel_for(self, survey_mode: str, headers: Mapping[str, str]) -> Channel:
        """The channel that must prove an answer of this survey mode (403 when there is none)."""
        for channel in self.channels:
            if channel.claims(headers):
                return channel
        channel = self.by_mode.get(survey_mode)
        if channel is None:
            raise Forbidden(
                "survey_mode_not_open",
                f"Answers with survey_mode '{survey_mode}' come through their own front end, "
                "which this platform does not offer yet. Send them as an import with an "
                "organisation API key (Authorization: Bearer <key>).",
                "survey_mode",
            )
        return channel


def registry(app: Flask | None = None) -> Registry:
    return (app or current_app).extensions[EXTENSION]


def register(app: Flask, channel: Channel) -> None:
    """Add a channel to an app: it answers for its survey modes and adds its routes."""
    registry(app).register(channel)
    channel.init_app(app)
