"""Complaint referral for the front ends: where a person who chose the complaint reason is
pointed to (survey/domain/complaints.py holds the rule).

The organisation's complaint page is its setting ``complaint_url`` (https only, checked in
survey/services/organisations.py). The kiosk gets the address it shows and a QR code as an SVG
path with its config, so it can point there offline; the widget gets the address with its
config; the link page looks at the stored answers. ``/k/<organisation>`` is the short link that
redirects to the page, shown on the kiosk when the page's own address is too long to type.
"""

from __future__ import annotations

from collections.abc import Mapping

import qrcode
from flask import current_app
from sqlalchemy import select

from survey.domain import SurveyDefinition
from survey.domain.complaints import complaint_chosen, complaint_options_in, short_address
from survey.errors import NotFound
from survey.extensions import db
from survey.models import Organisation

QR_BORDER = 4  # the quiet zone the QR standard asks for, in modules


def short_link(org_slug: str) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/k/{org_slug}"


def complaint_page(org_slug: str) -> str:
    """The complaint page the short link redirects to; NotFound when none is set."""
    url = db.session.execute(
        select(Organisation.complaint_url).where(Organisation.slug == org_slug)
    ).scalar()
    if not url:
        raise NotFound("no_complaint_page", "This organisation has no complaint page.")
    return url


def qr_path(link: str) -> dict:
    """A QR code as {"size": modules with the quiet zone, "path": SVG path data}: one
    rectangle per run of dark modules in a row, drawn in a viewBox of size x size."""
    code = qrcode.QRCode(border=QR_BORDER, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(link)
    code.make(fit=True)
    matrix = code.get_matrix()
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return {"size": len(matrix), "path": "".join(parts)}


def kiosk_complaint(organisation: Organisation, definition: Mapping) -> dict | None:
    """What the kiosk's thank-you screen needs after a complaint reason: the address the QR
    code holds, the address it shows and the QR code; None when the survey has no complaint
    reason or the organisation no complaint page."""
    if not organisation.complaint_url or not complaint_options_in(definition):
        return None
    target, shown = short_address(organisation.complaint_url, short_link(organisation.slug))
    return {"url": target, "shown": shown, "qr": qr_path(target)}


def widget_complaint(complaint_url: str | None, definition: Mapping) -> dict | None:
    """The widget's thank-you link: the complaint reason (a survey has at most one,
    survey/domain/checks.py) and the page, when the survey can refer."""
    options = sorted(complaint_options_in(definition))
    if not complaint_url or not options:
        return None
    key, code = options[0]
    return {"key": key, "code": code, "href": complaint_url}


def referral_for(
    organisation_id: int, definition: SurveyDefinition, answers: Mapping[str, object]
) -> str | None:
    """The complaint page to point to after these answers, or None."""
    if not complaint_chosen(definition, answers):
        return None
    url = db.session.execute(
        select(Organisation.complaint_url).where(Organisation.id == organisation_id)
    ).scalar()
    return url or None
