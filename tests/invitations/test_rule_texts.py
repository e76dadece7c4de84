"""An organisation's own invitation texts (`flask kto rules set --sms-text ...`): checked,
stored per language, shown with their GSM-7 segment count when saved, and used when sending."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from survey.domain.sms import sms_length
from survey.extensions import db
from survey.models import InvitationRule
from survey.services import sending
from tests.sending.helpers import make_invitations

# A realistic address of a municipality's platform: 33 characters.
PUBLIC_URL = "https://kto.gemeente-voorbeeld.nl"


def run(runner, *args):
    return runner.invoke(args=["kto", "rules", "set", "--org", "demo", *args])


def phone_rule() -> InvitationRule:
    db.session.rollback()
    return db.session.execute(
        select(InvitationRule).where(InvitationRule.contact_channel == "phone")
    ).scalar_one()


@pytest.fixture
def outbox(app, demo_org, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "console")
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC_URL)
    return tmp_path


def sent_bodies(folder) -> list[str]:
    return [json.loads(p.read_text())["body"] for p in sorted((folder / "sms").glob("*.json"))]


def test_the_default_dutch_sms_with_a_real_link_is_one_gsm7_segment_and_says_so(runner, outbox):
    saved = run(runner, "--channel", "phone")
    assert saved.exit_code == 0, saved.output
    assert "sms (nl, default): 1 segment(s), GSM-7, 160 units" in saved.output
    assert f"{PUBLIC_URL}/s/" in saved.output and "Warning" not in saved.output
    # The message really sent is the one measured.
    make_invitations(1)
    assert sending.send_due().sent == 1
    [body] = sent_bodies(outbox)
    assert body.startswith("Gemeente Voorbeeld: ") and "STOP" in body
    assert f"{PUBLIC_URL}/s/" in body
    assert (sms_length(body).encoding, sms_length(body).segments) == ("gsm7", 1)
    assert len(body) == 160


def test_an_own_text_is_stored_counted_and_sent(runner, outbox):
    text = "{organisation}: hoe ging uw gesprek? Uw mening in 1 minuut: {link} Stop? Stuur STOP"
    saved = run(runner, "--channel", "phone", "--sms-text", text)
    assert saved.exit_code == 0, saved.output
    assert phone_rule().texts == {"sms": {"nl": text}}
    units = len(text) - len("{organisation}{link}") + len("Gemeente Voorbeeld") + 33 + 3 + 22
    assert f"sms (nl, own): 1 segment(s), GSM-7, {units} units (160 per segment)" in saved.output
    assert "sms_reminder (nl, default): 1 segment(s)" in saved.output
    make_invitations(1)
    sending.send_due()
    [body] = sent_bodies(outbox)
    assert body.startswith("Gemeente Voorbeeld: hoe ging uw gesprek? Uw mening in 1 minuut: ")
    assert body.endswith(" Stop? Stuur STOP")
    # An English contact still gets the built-in English text.
    english = run(runner, "--channel", "phone", "--language", "en")
    assert "sms (en, default)" in english.output
    make_invitations(1, language="en")
    sending.send_due()
    assert sum("Give your opinion" in b for b in sent_bodies(outbox)) == 1
    # "default" gives the built-in text back.
    run(runner, "--channel", "phone", "--sms-text", "default")
    assert phone_rule().texts == {}


def test_a_long_or_non_gsm_text_warns_with_its_cost(runner, outbox):
    long = "{organisation} " + "dankt u voor uw gesprek van vandaag. " * 4 + "{link}"
    saved = run(runner, "--channel", "phone", "--sms-text", long)
    assert saved.exit_code == 0
    assert "sms (nl, own): 2 segment(s), GSM-7" in saved.output
    assert "Warning: sms costs 2 SMS messages per person." in saved.output
    emoji = run(
        runner, "--channel", "phone", "--sms-text", "Hoe was het? \N{SLIGHTLY SMILING FACE} {link}"
    )
    assert "sms (nl, own): 2 segment(s), UCS-2 (a character outside GSM-7)" in emoji.output


def test_e_mail_texts_per_language(runner, outbox):
    saved = run(
        runner,
        "--channel",
        "email",
        "--language",
        "en",
        "--email-subject",
        "Your contact with {organisation}",
        "--email-body",
        "Thank you for writing to us.\nHow did it go?",
    )
    assert saved.exit_code == 0, saved.output
    db.session.rollback()
    rule = db.session.execute(
        select(InvitationRule).where(InvitationRule.contact_channel == "email")
    ).scalar_one()
    assert rule.texts == {
        "email_subject": {"en": "Your contact with {organisation}"},
        "email_body": {"en": "Thank you for writing to us.\nHow did it go?"},
    }
    assert "segment" not in saved.output  # no SMS after an e-mail


@pytest.mark.parametrize(
    "args, message",
    [
        (["--sms-text", "Hoe was uw gesprek? Geen link."], "needs the placeholder {link}"),
        (["--sms-text", "   "], "is empty"),
        (["--sms-text", "{link} " + "x" * 480], "longer than 480"),
        (["--email-subject", "Hoi\r\nBcc: iedereen@example.nl"], "must be one line"),
        (["--sms-text", "Hoe was het?\n{link}"], "must be one line"),
        (["--language", "de", "--sms-text", "{link}"], "Unknown language 'de'"),
    ],
)
def test_bad_texts_are_refused_and_change_nothing(runner, outbox, args, message):
    before = db.session.execute(select(InvitationRule.__table__)).all()
    # A rule change in the same command is not stored either.
    result = run(runner, "--channel", "phone", "--delay", "0", *args)
    assert result.exit_code == 1 and message in result.output, result.output
    db.session.rollback()
    assert db.session.execute(select(InvitationRule.__table__)).all() == before
