"""Outbound messaging: the provider registry, settings schemas, SMTP and the outbox."""

from __future__ import annotations

import email
from datetime import date

import pytest

from survey import messaging
from survey.messaging import smtp
from survey.messaging.base import Provider, Setting, provider_class, register
from survey.services import reports
from survey.services.users import add_user
from tests.reports.data import load_month


def test_smtp_schema_names_required_and_secret_settings():
    schema = smtp.SMTP.configuration_schema()
    assert schema["type"] == "object"
    assert set(schema["properties"]) == {"host", "port", "username", "password", "use_tls",
                                         "sender"}
    assert schema["properties"]["port"] == {"type": "number", "default": 25}
    assert schema["required"] == ["host", "sender"]
    assert schema["secret"] == ["password"]


def test_every_registered_provider_has_a_kind_and_a_schema():
    assert {"smtp", "outbox"} <= set(messaging.PROVIDERS)
    for name, cls in messaging.PROVIDERS.items():
        assert cls.name == name and cls.kind in ("email", "sms", "whatsapp")
        assert isinstance(cls.configuration_schema()["properties"], dict)


def test_a_new_provider_is_one_class_and_one_register_call(app, monkeypatch):
    sent = []

    class Pigeon(Provider):
        name, kind = "pigeon", "email"
        settings = (Setting("loft", "PIGEON_LOFT", required=True),)

        def send(self, message):
            sent.append((self.options["loft"], message.to, message.subject))

    monkeypatch.delitem(messaging.PROVIDERS, "pigeon", raising=False)
    register(Pigeon)
    monkeypatch.setitem(app.config, "MAIL_PROVIDER", "pigeon")
    with pytest.raises(messaging.NotConfigured, match="PIGEON_LOFT"):
        messaging.send_email(["a@example.nl"], "Hoi", "Tekst")
    monkeypatch.setitem(app.config, "PIGEON_LOFT", "dak")
    messaging.send_email(["a@example.nl"], "Hoi", "Tekst")
    assert sent == [("dak", ("a@example.nl",), "Hoi")]
    messaging.PROVIDERS.pop("pigeon")


def test_unknown_provider_name_is_a_clear_error(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PROVIDER", "carrier")
    with pytest.raises(messaging.NotConfigured, match="No email provider 'carrier'"):
        messaging.send_email(["a@example.nl"], "Hoi", "Tekst")
    with pytest.raises(messaging.NotConfigured):
        provider_class("smtp", "sms")


def test_smtp_without_a_server_is_not_configured(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    with pytest.raises(messaging.NotConfigured, match="MAIL_SERVER"):
        messaging.send_email(["a@example.nl"], "Hoi", "Tekst")


def test_smtp_delivers_to_a_real_server_with_recipients_only_in_the_envelope(
    app, monkeypatch, smtp_inbox
):
    monkeypatch.setitem(app.config, "MAIL_FROM", "kto@gemeente.nl")
    messaging.send_email(["a@example.nl", "b@example.nl"], "Rapport", "Zie bijlage",
                         [("r.pdf", b"%PDF-1.4", "application", "pdf")])
    [(recipients, content)] = smtp_inbox.messages
    assert recipients == ["a@example.nl", "b@example.nl"]
    message = email.message_from_bytes(content)
    assert (message["From"], message["To"], message["Subject"]) == (
        "kto@gemeente.nl", "kto@gemeente.nl", "Rapport")
    assert b"a@example.nl" not in content
    attachment = next(p for p in message.walk() if p.get_filename())
    assert attachment.get_payload(decode=True) == b"%PDF-1.4"


def test_outbox_keeps_the_monthly_report_mail_instead_of_sending(app, demo_org, monkeypatch,
                                                                 tmp_path):
    load_month()
    add_user("chef@example.nl", "a long password", "demo", receives_reports=True)
    monkeypatch.setitem(app.config, "MAIL_PROVIDER", "outbox")
    monkeypatch.setitem(app.config, "OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    outcomes = reports.build_and_send_all(date(2026, 11, 1))
    assert [(o.sent_to, o.error) for o in outcomes] == [(1, None)]
    [saved] = list((tmp_path / "outbox").iterdir())
    assert saved.suffix == ".eml"
    message = email.message_from_bytes(saved.read_bytes())
    assert "oktober 2026" in message["Subject"]
    assert message["X-Kto-Recipients"] == "chef@example.nl"
    attachment = next(p for p in message.walk() if p.get_filename())
    assert attachment.get_filename() == "kto-demo-2026-10-nl.pdf"
