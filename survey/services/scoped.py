"""Objects of one organisation by id: another organisation's id is not found, never confirmed."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from survey.errors import Invalid, NotFound
from survey.extensions import db

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def owned(model, organisation_id: int, object_id, field: str | None = None):
    """The row of `model` with this id in this organisation, or NotFound (404)."""
    found = None
    # Ids are 32-bit integer columns (PostgreSQL refuses a larger number in the query).
    if isinstance(object_id, int) and not isinstance(object_id, bool) and 0 < object_id < 2**31:
        found = db.session.get(model, object_id)
    if found is None or found.organisation_id != organisation_id:
        raise NotFound("not_found", _("This item does not exist."), field)
    return found


def code(value, field: str = "slug") -> str:
    """A code used in addresses and payloads: lower-case letters, digits, '-' and '_'."""
    if not isinstance(value, str) or not CODE.match(value):
        raise Invalid(
            "invalid_code",
            _("Use 1 to 40 lower-case letters, digits, '-' or '_' (first a letter or digit)."),
            field,
        )
    return value


def text(value, field: str, limit: int = 200) -> str:
    """A required one-line text of at most `limit` characters."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid("required", _("This field is required."), field)
    value = " ".join(value.split())
    if len(value) > limit or not value.isprintable():
        raise Invalid(
            "too_long", _("Use at most %(limit)d printable characters.", limit=limit), field
        )
    return value
