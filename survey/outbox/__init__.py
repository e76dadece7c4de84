"""Development: the outbox page /staff/outbox lists the messages `make run` did not send."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from survey.admin.forms import LogoutForm
from survey.services import outbox

bp = Blueprint("outbox", __name__, url_prefix="/staff/outbox")


@bp.get("/")
@login_required
def outbox_page():
    """Every invitation (SMS and e-mail) of the user's organisation, with its link."""
    listing = outbox.messages(current_user.organisation_id)
    return render_template("outbox/outbox.html", messages=listing, logout=LogoutForm())
