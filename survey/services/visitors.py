"""Spotting a website visitor who answers the same survey twice, without knowing who they are.

The browser makes a random id and keeps it in localStorage only. The server stores a keyed
hash of that id with the survey: it can tell a repeat within the throttle window, but cannot
link visitors across surveys or recover the id.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, exists, select

from survey.database import DriverStatement, DriverWrite
from survey.domain import ValidationError
from survey.domain.widget import DEFAULTS, widget_settings
from survey.models import Response
from survey.services import catalogue

DUPLICATE = "duplicate_visitor"


def visitor_hash(survey_id: int, visitor: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"kto-visitor:{survey_id}:{visitor}".encode(), hashlib.sha256).hexdigest()


def window_days(survey_id: int) -> int:
    """How long an answer keeps the same visitor from counting again (recontact 'answered')."""
    settings = catalogue.survey_settings(survey_id)
    try:
        widget = widget_settings(settings.get("widget"))
    except ValidationError:
        widget = DEFAULTS
    return widget["recontact_days"]["answered"]


def _earlier_answer(per_page: bool) -> DriverStatement:
    return DriverStatement(select(exists().where(
        Response.survey_id == bindparam("survey_id"),
        Response.visitor_hash == bindparam("visitor_hash"),
        Response.received_at >= bindparam("since"),
        *([Response.page_path == bindparam("page_path")] if per_page else []),
    )))


_EARLIER = {False: _earlier_answer(False), True: _earlier_answer(True)}


def duplicate_reason(values: dict, now: datetime, days: int, write: DriverWrite) -> str | None:
    """'duplicate_visitor' when this visitor already answered this survey in the last days.

    An inline "was this page helpful?" block is asked per page, so there the page counts too.
    Runs inside the write transaction, so two answers sent at once cannot both pass.
    """
    if not values.get("visitor_hash") or days <= 0:
        return None
    per_page = values.get("presentation") == "inline"
    params = {
        "survey_id": values["survey_id"],
        "visitor_hash": values["visitor_hash"],
        "since": now - timedelta(days=days),
    }
    if per_page:
        params["page_path"] = values.get("page_path")
    return DUPLICATE if write.execute(_EARLIER[per_page], params) else None
