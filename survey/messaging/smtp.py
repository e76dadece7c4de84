"""E-mail through an SMTP server (smtplib)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from survey.messaging.base import Message, Provider, Setting, register


class SMTP(Provider):
    name = "smtp"
    kind = "email"
    settings = (
        Setting("host", "MAIL_SERVER", required=True),
        Setting("port", "MAIL_PORT", "number", default=25),
        Setting("username", "MAIL_USERNAME"),
        Setting("password", "MAIL_PASSWORD", secret=True),
        Setting("use_tls", "MAIL_USE_TLS", "boolean", default=False),
        Setting("sender", "MAIL_FROM", required=True, default="kto@localhost"),
    )

    def send(self, message: Message) -> None:
        """One message to all recipients (Bcc, so they do not see each other)."""
        o = self.options
        with smtplib.SMTP(o["host"], int(o["port"]), timeout=30) as smtp:
            if o["use_tls"]:
                smtp.starttls()
            if o["username"]:
                smtp.login(o["username"], o["password"] or "")
            smtp.send_message(email_message(message, o["sender"]), to_addrs=list(message.to))


def email_message(message: Message, sender: str) -> EmailMessage:
    """The MIME message: From and To the sender, recipients only in the envelope (Bcc)."""
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = sender
    mime["Subject"] = message.subject or ""
    mime.set_content(message.body)
    for a in message.attachments:
        mime.add_attachment(a.content, maintype=a.maintype, subtype=a.subtype, filename=a.filename)
    return mime


register(SMTP)
