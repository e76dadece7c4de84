"""Front ends as channels, registered with the ingest (see survey/channels/base.py).

Built in here: the website widget (survey/channels/widget/) and server-to-server imports with
an API key (imports.py), the link page for SMS, e-mail, QR codes and plain links (link/), and
WhatsApp (whatsapp.py: the conversation records its own answers). The kiosk registers its own
channel from kiosk/. A new front end adds one module and one `register` line.
"""

from __future__ import annotations

from flask import Flask

from survey.channels.base import EXTENSION, Channel, Registry, register, registry

__all__ = ["Channel", "Registry", "init_app", "register", "registry"]


def init_app(app: Flask) -> None:
    """Give the app its channel registry with the built-in channels."""
    from survey.channels.imports import ImportChannel
    from survey.channels.link import LinkChannel
    from survey.channels.whatsapp import WhatsAppChannel
    from survey.channels.widget import WidgetChannel

    app.extensions[EXTENSION] = Registry()
    register(app, ImportChannel())
    register(app, WidgetChannel())
    register(app, LinkChannel())
    register(app, WhatsAppChannel())
