"""The website widget as staff set it up: allowed origins and each site's widget settings.

A site is a survey the widget shows (its settings hold `widget`, checked by
survey.domain.widget). The allowed origins belong to the organisation: every page of those
websites may post answers. A changed sampling rate is remembered (WidgetRateChange, written by
the Survey model at flush), so pages still holding the previous config keep being accepted.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select

from survey.database import unit_of_work
from survey.domain import ValidationError
from survey.domain.widget import widget_settings
from survey.errors import Invalid
from survey.extensions import db
from survey.models import Organisation, Survey
from survey.services import audit, catalogue, widget
from survey.services.scoped import owned

MAX_ORIGINS = 50


def sites(organisation_id: int) -> list[tuple[Survey, bool]]:
    """Every survey of the organisation, with whether the widget shows it."""
    rows = db.session.execute(
        select(Survey).where(Survey.organisation_id == organisation_id).order_by(Survey.name)
    ).scalars()
    return [(s, "widget" in (s.settings or {})) for s in rows]


def check_origin(raw: str) -> str:
    """'https://www.gemeente.nl' (scheme and host, maybe a port; no path) in lower case."""
    value = raw.strip().rstrip("/").lower()
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if (
        parts is None
        or parts.scheme not in ("https", "http")
        or not parts.hostname
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
        or len(value) > 200
        or not value.isascii()
        or any(c.isspace() for c in value)
    ):
        raise Invalid(
            "invalid_origin",
            _("'%(origin)s' is not a website address such as https://www.gemeente.nl "
              "(no path).", origin=raw.strip()[:80]),
            "origins",
        )
    host = parts.hostname + (f":{port}" if port else "")
    return f"{parts.scheme}://{host}"


def parse_origins(text: str) -> list[str]:
    """One origin a line (or separated by spaces or commas); duplicates dropped."""
    found: list[str] = []
    for item in text.replace(",", " ").split():
        origin = check_origin(item)
        if origin not in found:
            found.append(origin)
    if len(found) > MAX_ORIGINS:
        raise Invalid(
            "too_many", _("At most %(n)d websites.", n=MAX_ORIGINS), "origins"
        )
    return found


def set_origins(organisation_id: int, actor, origins: list[str]) -> None:
    checked = parse_origins(" ".join(origins))
    with unit_of_work() as session:
        org = session.get(Organisation, organisation_id)
        before = list(org.allowed_origins or [])
        if before != checked:
            org.allowed_origins = checked
            audit.record(session, actor, organisation_id, "widget.origins", "organisation",
                         {"allowed_origins": before}, {"allowed_origins": checked})
    widget.clear_cache()


def site(organisation_id: int, survey_id) -> Survey:
    return owned(Survey, organisation_id, survey_id)


def settings_of(survey: Survey) -> dict:
    """The survey's widget settings with defaults filled in (the defaults when it has none)."""
    try:
        return widget_settings((survey.settings or {}).get("widget"))
    except ValidationError:
        return widget_settings(None)


def save_settings(organisation_id: int, actor, survey_id, raw: dict) -> dict:
    """Check and store a site's widget settings; the widget picks them up within a minute."""
    try:
        checked = widget_settings(raw)
    except ValidationError as error:
        field = (error.field or "").removeprefix("widget.").split(".")[0] or None
        raise Invalid(error.code, error.message, field) from None
    with unit_of_work() as session:
        survey = owned(Survey, organisation_id, survey_id)
        before = (survey.settings or {}).get("widget")
        if before != checked:
            survey.settings = {**(survey.settings or {}), "widget": checked}
            audit.record(session, actor, organisation_id, "widget.settings",
                         f"survey:{survey.slug}", before, checked)
    widget.clear_cache()
    catalogue.clear_cache()
    return checked


def snippet(public_url: str, org_slug: str, survey_slug: str) -> str:
    """The script tag a web editor pastes into every page."""
    base = public_url.rstrip("/")
    return (
        f'<script src="{base}/static/widget/v1.js" data-org="{org_slug}" '
        f'data-survey="{survey_slug}" async></script>'
    )
