"""Sending e-mail through the configured SMTP server (smtplib)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


class MailNotConfigured(RuntimeError):
    """MAIL_SERVER is not set."""


def send(to: list[str], subject: str, body: str, attachments=()) -> None:
    """One message to all recipients (Bcc, so they do not see each other)."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        raise MailNotConfigured("MAIL_SERVER is not set; no e-mail sent.")
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = config["MAIL_FROM"]
    message["Subject"] = subject
    message.set_content(body)
    for filename, content, maintype, subtype in attachments:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message, to_addrs=list(to))
