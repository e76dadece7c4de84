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
from sqlalchemy import select
from sqlalchemy.engine import Connection

from survey.domain import ValidationError
from survey.domain.widget import DEFAULTS, widget_settings
from survey.models import Response, Survey

DUPLICATE = "duplicate_visitor"


def visitor_hash(survey_id: int, visitor: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"kto-visitor:{survey_id}:{visitor}".encode(), hashlib.sha256).hexdigest()


def window_days(survey_id: int, connection: Connection) -> int:
    """How long an answer keeps the same visitor from counting again (recontact 'answered')."""
    settings = connection.execute(select(Survey.settings).where(Survey.id == survey_id)).scalar()
    try:
        widget = widget_settings((settings or {}).get("widget"))
    except ValidationError:
        widget = DEFAULTS
    return widget["recontact_days"]["answered"]


def duplicate_reason(values: dict, now: datetime, connection: Connection) -> str | None:
    """'duplicate_visitor' when this visitor already answered this survey within the window.

    An inline "was this page helpful?" block is asked per page, so there the page counts too.
    """
    if not values.get("visitor_hash"):
        return None
    days = window_days(values["survey_id"], connection)
    if days <= 0:
        return None
    query = select(Response.id).where(
        Response.survey_id == values["survey_id"],
        Response.visitor_hash == values["visitor_hash"],
        Response.received_at >= now - timedelta(days=days),
    )
    if values.get("presentation") == "inline":
        query = query.where(Response.page_path == values.get("page_path"))
    return DUPLICATE if connection.execute(query.limit(1)).first() else None
