"""`flask kto kiosk ...`: add a device with its enrolment link and QR code, list, revoke."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from kiosk import qr
from survey.domain import ValidationError
from survey.errors import ServiceError
from survey.services import kiosks


@click.group("kiosk")
def kiosk():
    """Counter kiosk tablets."""


def _setting(ctx, param, values) -> dict:
    settings = {}
    for item in values:
        name, sep, raw = item.partition("=")
        try:
            settings[name.strip()] = json.loads(raw) if sep else None
        except ValueError:
            raise click.BadParameter(f"'{item}' is not NAME=NUMBER.") from None
    return settings


@kiosk.command("add")
@click.option("--org", "org_slug", required=True, help="Organisation code, e.g. demo.")
@click.option("--location", "location_slug", default=None, help="Location code, e.g. stadhuis.")
@click.option("--survey", "survey_slug", required=True, help="Survey code, e.g. balie.")
@click.option("--name", default="", help="A name staff recognise, e.g. 'Stadhuis uitgang'.")
@click.option("--valid-days", default=7, show_default=True, help="Days the link works.")
@click.option(
    "--set",
    "settings",
    multiple=True,
    callback=_setting,
    help="A kiosk setting, e.g. --set thanks_seconds=4 --set idle_seconds=20.",
)
@with_appcontext
def add(org_slug, location_slug, survey_slug, name, valid_days, settings):
    """Create a kiosk device; print its one-time enrolment link and save its QR code."""
    try:
        device = kiosks.create_device(
            org_slug, location_slug, survey_slug, name, timedelta(days=valid_days), settings
        )
    except (ServiceError, ValidationError) as error:
        raise click.ClickException(str(error)) from None
    link = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/kiosk/enrol/{device.token}"
    folder = Path(current_app.config["EXPORTS_DIR"]) / "kiosk"
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"device-{device.id}-enrolment"
    stem.with_suffix(".png").write_bytes(qr.png(link))
    stem.with_suffix(".svg").write_bytes(qr.svg(link))
    click.echo(f"Device {device.id} ({device.name}) created.")
    until = f"{device.expires_at:%Y-%m-%d %H:%M} UTC"
    click.echo(f"Open this link once on the tablet (valid until {until}):")
    click.echo(link)
    click.echo(f"QR code: {stem}.png and {stem}.svg")


@kiosk.command("revoke")
@click.argument("device_id", type=int)
@with_appcontext
def revoke(device_id: int):
    """Switch a device off: it shows 'out of order' and its answers are refused."""
    if not kiosks.revoke(device_id):
        raise click.ClickException(f"No device {device_id}.")
    click.echo(f"Device {device_id} revoked.")


def _printable(text: str | None) -> str:
    """A device-reported text safe for a terminal: control characters shown as escapes.

    Escaping every non-printable character (rather than stripping known ANSI sequences)
    leaves nothing a terminal could act on: ESC, CR, backspace, OSC and C1 codes all come
    out as visible `\\x1b`-style text.
    """
    if not text:
        return "-"
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def _when(moment) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}" if moment else "never"


@kiosk.command("list")
@with_appcontext
def list_devices():
    """Every device with its state, last heartbeat, queue and refused answers (times in UTC)."""
    devices = kiosks.list_devices()
    if not devices:
        click.echo("No kiosk devices.")
        return
    click.echo(
        f"{'id':>4}  {'name':<24} {'place':<22} {'state':<8} {'last seen':<19}  "
        f"{'queue':>5}  {'refused':>7}  {'last submission':<19}  version"
    )
    for d in devices:
        place = f"{d.organisation}/{d.location or '-'}/{d.survey}"
        name = _printable(d.name)
        queue = "-" if d.queue_length is None else str(d.queue_length)
        refused = "-" if d.refused_count is None else str(d.refused_count)
        click.echo(
            f"{d.id:>4}  {name[:24]:<24} {place[:22]:<22} {d.state:<8} {_when(d.last_seen):<19}  "
            f"{queue:>5}  {refused:>7}  {_when(d.last_submission_at):<19}  "
            f"{_printable(d.app_version)}"
        )
