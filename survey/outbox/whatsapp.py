"""Development: /staff/<org>/whatsapp shows the WhatsApp conversations `make run` kept (not
sent) and lets a developer tap the buttons and type the citizen's replies."""

from datetime import UTC, datetime

from flask import abort, redirect, render_template, request, url_for

from survey.admin.permissions import current_organisation, requires
from survey.errors import ServiceError
from survey.outbox import bp
from survey.services import whatsapp_dev


@bp.get("/<org>/whatsapp")
@requires("viewer")
def whatsapp_page():
    """Every conversation of the organisation's development WhatsApp backend."""
    return render_template("outbox/whatsapp.html",
                           threads=whatsapp_dev.threads(current_organisation().id),
                           error=None)


@bp.post("/<org>/whatsapp")
@requires("viewer")
def whatsapp_reply():
    """A tap or a typed reply as the citizen, through the webhook's own path."""
    if not whatsapp_dev.enabled():
        abort(404)
    form = request.form
    number = form.get("number", "")
    try:
        whatsapp_dev.reply(current_organisation().id, number, form.get("kind", ""),
                           form.get("reply_id", ""), form.get("title", ""),
                           form.get("context", ""), form.get("text", ""), datetime.now(UTC))
    except ServiceError as error:
        if error.status == 404:
            abort(404)
        return render_template("outbox/whatsapp.html",
                               threads=whatsapp_dev.threads(current_organisation().id),
                               error=error), 422
    return redirect(url_for("outbox.whatsapp_page") + f"#chat-{number}", code=303)
