"""`flask kto invitations send`: drain due invitations now (the worker does it every minute)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from survey.services import sending


@click.group("invitations")
def invitations():
    """Invitations: send what is due."""


@invitations.command("send")
@click.option("--max-seconds", default=50.0, show_default=True, help="Stop starting batches after.")
@click.option("--until-empty", is_flag=True, help="Keep going until nothing is due or retrying.")
@with_appcontext
def send(max_seconds: float, until_empty: bool):
    """Send due invitations, reminders and retries; mark expired ones."""
    import time

    started = time.monotonic()
    total = sending.send_due(max_seconds=max_seconds)
    while until_empty and sending.pending_count():
        time.sleep(0.2)
        total.add(sending.send_due(max_seconds=max_seconds))
    click.echo(f"sent {total.sent} (recovered {total.recovered}), retrying {total.retrying}, "
               f"failed {total.failed}, expired {total.expired} "
               f"in {time.monotonic() - started:.1f} s")


@invitations.command("texts")
@click.option("--org", "org_slug", required=True, help="Organisation code.")
@with_appcontext
def texts(org_slug: str):
    """The SMS texts the rules send, with their length in SMS segments (GSM-7 or UCS-2)."""
    from survey.services.invitation_texts import sms_text_lengths

    for t in sms_text_lengths(org_slug):
        warning = "" if t.segments == 1 else "  (more than one SMS)"
        click.echo(f"{t.channel} {t.kind} [{t.language}]: {t.segments} segment(s), "
                   f"{t.encoding}{warning}\n  {t.text}")
