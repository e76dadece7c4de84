"""Service errors shown on staff pages in the page's language.

Services raise English messages (the API and the CLI show those); a staff page shows the
translation of the error's code when there is one here, else the service's own message.
Other admin modules add their codes to MESSAGES.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form

from survey import passwords
from survey.error_responses import add_form_error, describe
from survey.errors import ServiceError

MESSAGES = {
    "wrong_email": _l("This is not an e-mail address."),
    "email_taken": _l("A user with this e-mail address already exists."),
    "unknown_role": _l("Choose one of the roles."),
    "password_too_short": _l("The password needs at least %(n)s characters.",
                             n=passwords.MIN_LENGTH),
    "password_too_long": _l("The password may have at most %(n)s characters.",
                            n=passwords.MAX_LENGTH),
    "password_common": _l("This password is one of the most used passwords; choose another."),
    "password_wrong": _l("The current password is not correct."),
    "link_invalid": _l("This link is not valid (any more). Ask for a new one."),
    "already_member": _l("This person is already a member of this organisation."),
    "last_admin": _l("The organisation needs at least one active administrator."),
    "not_yourself": _l("You cannot do this to your own account."),
    "unknown_member": _l("This user is not a member of this organisation."),
    "unknown_key": _l("This API key does not exist."),
    "name_required": _l("Fill in a name."),
    "too_long": _l("This text is too long."),
    "wrong_url": _l("Give a web address that starts with https://."),
    "wrong_timezone": _l("Choose a time zone from the list."),
    "wrong_language": _l("Choose Dutch or English."),
    "logo_too_large": _l("The logo may be at most %(kb)s KB.", kb=200),
    "logo_type": _l("The logo must be a PNG or SVG file."),
    "logo_unsafe": _l("This SVG contains scripts, links or other content that is not allowed."),
    "logo_broken": _l("This file is not a valid PNG or SVG image."),
    # callback cases (survey/admin/cases.py)
    "outcome_required": _l("Choose the outcome before you close the case."),
    "case_closed": _l("This case is closed already."),
    "invalid_norm": _l("Give 1 to 60 working days."),
    "unknown_unit": _l("Choose one of the units."),
    "invalid_offer": _l("Choose when a callback is offered."),
    "required": _l("This field is required."),
    "control_characters": _l("This text contains characters that are not allowed."),
    "code_taken": _l("This code is already in use."),
    "wrong_code": _l("The code has 1 to 40 lower-case letters, digits and hyphens."),
    "already_invited": _l("This organisation is already invited to this group."),
    "unknown_group": _l("This comparison group does not exist."),
    "unknown_organisation": _l("This organisation does not exist."),
    "not_invited": _l("This organisation is not in this group."),
}


def text(error: Exception) -> str:
    """The message of a refused request in the page's language."""
    _status, code, message, _field = describe(error)
    known = MESSAGES.get(code)
    return str(known) if known is not None else message


def show_on_form(form: Form, error: Exception) -> None:
    """Show a refused request at the field it names (translated), else above the form."""
    _status, code, _message, field = describe(error)
    add_form_error(form, ServiceError(code, text(error), field))
