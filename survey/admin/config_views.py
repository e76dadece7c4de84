"""Small helpers shared by the configuration pages (places, kiosks, website, volumes, targets)."""

from __future__ import annotations

from flask import flash, g, redirect, url_for
from flask_login import current_user

from survey.domain import ValidationError
from survey.error_responses import add_form_error
from survey.errors import NotFound, ServiceError

REFUSED = 422  # a form that was not saved is answered with its errors and this status


def org_id() -> int:
    return g.organisation.id


def actor():
    """The logged-in user, for the audit log."""
    return current_user._get_current_object()


def attempt(form, call) -> bool:
    """Run a service call for a valid form; a refusal goes to the field it names.

    Another organisation's id is a 404 (never confirmed): a NotFound without a form field
    is raised on to the error page.
    """
    try:
        call()
    except NotFound as error:
        if error.field is None or getattr(form, error.field, None) is None:
            raise
        add_form_error(form, error)
        return False
    except (ServiceError, ValidationError) as error:
        add_form_error(form, error)
        return False
    return True


def done(message, endpoint: str, **values):
    flash(message)
    return redirect(url_for(endpoint, **values))


def options(pairs) -> list:
    """(value, label) pairs as WTForms choices."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(value, label) for value, label in pairs]


class Present:
    """The field was sent (it may be empty): a form without it was not made by our page."""

    field_flags = {}

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        from flask_babel import gettext as _
        from wtforms.validators import StopValidation

        if not field.raw_data:
            raise StopValidation(self.message or _("This field is required."))
