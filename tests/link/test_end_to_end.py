"""From the message to the answer: an invitation sent through the development outbox, its
link opened and answered on the link page, the funnel's opened and completed marks set."""

from __future__ import annotations

import json
import re
from email import message_from_bytes, policy

from sqlalchemy import select

from survey.extensions import db
from survey.models import Invitation, Response
from survey.services import sending
from tests.sending.helpers import make_invitations

LINK = re.compile(r"http://127\.0\.0\.1:8000(/s/[A-Za-z0-9_-]+)")


def test_sms_and_email_links_are_answered(app, client, demo_org, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_PROVIDER", "outbox")
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "console")
    monkeypatch.setitem(app.config, "PUBLIC_URL", "http://127.0.0.1:8000")
    (sms_id,) = make_invitations(1)
    (mail_id,) = make_invitations(1, mode="email", language="en")
    assert sending.send_due().sent == 2
    sms = json.loads(next((tmp_path / "sms").glob("*.json")).read_text())
    mail = message_from_bytes(next(tmp_path.glob("*.eml")).read_bytes(), policy=policy.default)
    paths = {
        sms_id: LINK.search(sms["body"]).group(1),
        mail_id: LINK.search(mail.get_body(("plain",)).get_content()).group(1),
    }
    for path in paths.values():
        page = client.get(path)
        assert page.status_code == 200 and "Set-Cookie" not in page.headers
        posted = client.post(path, data={"question": "cijfer", "answer": "8"})
        assert posted.headers["Location"].endswith(f"{path}/next")
        assert "al geantwoord" in client.get(f"{path}?lang=nl").get_data(as_text=True)
    # The e-mail's page speaks the contact's English, and the next screen too.
    english = client.get(paths[mail_id] + "/next").get_data(as_text=True)
    assert "Was your question answered in one go?" in english
    db.session.expire_all()
    rows = db.session.execute(
        select(Response.invitation_id, Response.survey_mode, Response.language)
        .order_by(Response.invitation_id)
    ).all()
    assert rows == [(sms_id, "sms", "nl"), (mail_id, "email", "en")]
    for invitation_id in paths:
        invitation = db.session.get(Invitation, invitation_id)
        assert invitation.opened_at and invitation.completed_at
