"""The counter kiosk: enrolment, the offline app shell, its service worker and device API."""

from flask import Blueprint, Flask

bp = Blueprint(
    "kiosk",
    __name__,
    url_prefix="/kiosk",
    static_folder="static",
    template_folder="templates",
)


def init_app(app: Flask) -> None:
    """Register the kiosk pages, its channel of the ingest and the `flask kto kiosk` commands."""
    from kiosk import routes  # noqa: F401
    from kiosk.channel import KioskChannel
    from kiosk.cli import kiosk as kiosk_commands
    from survey import channels
    from survey.cli import kto
    from survey.extensions import csrf

    csrf.exempt(bp)  # JSON endpoints authenticated by a device secret or a one-time token
    app.register_blueprint(bp)
    kto.add_command(kiosk_commands)
    channels.register(app, KioskChannel())  # kiosk answers, proven by the device secret
