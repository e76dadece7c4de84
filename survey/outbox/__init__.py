"""Development: the outbox page /staff/<org>/outbox lists the messages `make run` did not send."""

from flask import Blueprint, render_template

from survey.admin.permissions import current_organisation, requires
from survey.services import outbox

bp = Blueprint("outbox", __name__, url_prefix="/staff")


@bp.get("/<org>/outbox")
@requires("viewer")
def outbox_page():
    """Every invitation (SMS and e-mail) of the organisation, with its link."""
    listing = outbox.messages(current_organisation().id)
    return render_template("outbox/outbox.html", messages=listing)


from survey.outbox import whatsapp  # noqa: E402,F401  (the development WhatsApp page)
