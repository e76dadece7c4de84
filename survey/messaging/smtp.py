"""E-mail through an SMTP server (smtplib).

Invitations (survey/services/sending.py) are one message per address with a text and an
HTML part, the organisation as sender name and RFC 8058 one-click unsubscribe headers. No
header value ever carries CR or LF (header injection): `header_text` folds any control
character to a space, and the address itself is refused.

SMTP cannot tell afterwards whether a server accepted a message, so it is not recoverable:
an invitation whose outcome is unknown (a worker killed between the server's 250 and the
database write, a timeout after the data) is not sent again but counted as unknown. A second
e-mail would break "never two messages"; the window is one SMTP round trip.
"""

from __future__ import annotations

import re
import smtplib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr

from survey.messaging.base import (
    Message,
    PermanentFailure,
    Provider,
    Setting,
    TemporaryFailure,
    register,
)

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def header_text(value: str) -> str:
    """A header value without CR, LF or other control characters (never an injected header)."""
    return _CONTROL.sub(" ", value or "").strip()


def safe_address(value: str) -> str:
    if _CONTROL.search(value or "") or not value:
        raise PermanentFailure("invalid_address", "control character in an address")
    return value


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
        recipients = [safe_address(a) for a in message.to]
        mime = email_message(message, o["sender"])
        try:
            with smtplib.SMTP(o["host"], int(o["port"]), timeout=30) as smtp:
                if o["use_tls"]:
                    smtp.starttls()
                if o["username"]:
                    smtp.login(o["username"], o["password"] or "")
                smtp.send_message(mime, to_addrs=recipients)
        except smtplib.SMTPRecipientsRefused as error:
            codes = {code for code, _ in error.recipients.values()}
            if all(code >= 500 for code in codes):
                raise PermanentFailure("recipient_refused", str(sorted(codes))) from None
            raise TemporaryFailure("recipient_deferred", str(sorted(codes))) from None
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= 500:
                raise PermanentFailure("smtp_refused", str(error.smtp_code)) from None
            raise TemporaryFailure("smtp_deferred", str(error.smtp_code)) from None
        except (smtplib.SMTPConnectError, ConnectionRefusedError) as error:
            raise TemporaryFailure("smtp_unreachable", type(error).__name__) from None
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as error:
            raise TemporaryFailure("smtp_timeout", type(error).__name__, ambiguous=True) from None


def email_message(message: Message, sender: str) -> EmailMessage:
    """The MIME message. Several recipients: From and To the sender, recipients only in the
    envelope (Bcc). One recipient (an invitation): To is that address."""
    mime = EmailMessage()
    if message.sender_name:
        mime["From"] = formataddr((header_text(message.sender_name), sender))
    else:
        mime["From"] = sender
    if len(message.to) == 1 and message.sender_name:
        mime["To"] = Address(addr_spec=safe_address(message.to[0]))
    else:
        mime["To"] = sender
    mime["Subject"] = header_text(message.subject or "")
    if message.reference:
        domain = sender.rpartition("@")[2] or "localhost"
        mime["Message-ID"] = f"<{header_text(message.reference)}@{header_text(domain)}>"
    for name, value in message.headers:
        mime[header_text(name)] = header_text(value)
    mime.set_content(message.body)
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    for a in message.attachments:
        mime.add_attachment(a.content, maintype=a.maintype, subtype=a.subtype, filename=a.filename)
    return mime


register(SMTP)
