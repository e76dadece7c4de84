"""`flask kto ...` commands: thin wrappers that call one service each."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from survey.demo.loader import demo_exists, load_demo
from survey.services.apikeys import create_api_key, revoke_api_key
from survey.services.status import current_status


@click.group("kto")
def kto():
    """Customer-satisfaction platform commands."""


@kto.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the demo is already loaded.")
@click.option("--scale", default=1.0, show_default=True, help="Multiply the response volume.")
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Pretend it is this date (default: today).",
)
@with_appcontext
def demo(if_empty: bool, scale: float, today):
    """Load the demo municipality 'Gemeente Voorbeeld' with 13 months of responses."""
    if demo_exists():
        if if_empty:
            click.echo("Demo already loaded.")
            return
        raise click.ClickException("Organisation 'demo' already exists.")
    day = today.date() if today else date.today()
    stored = load_demo(day, scale=scale)
    click.echo(f"Loaded organisation 'demo' (Gemeente Voorbeeld) with {stored} responses.")


@kto.group("apikey")
def apikey():
    """API keys for server-to-server calls."""


@apikey.command("create")
@click.option("--org", "org_slug", required=True, help="Organisation code, e.g. demo.")
@click.option("--label", default="", help="What the key is for.")
@with_appcontext
def apikey_create(org_slug: str, label: str):
    """Create an API key and print it once; only its hash is stored."""
    try:
        click.echo(create_api_key(org_slug, label))
    except LookupError as error:
        raise click.ClickException(str(error)) from None


@apikey.command("revoke")
@click.argument("prefix")
@with_appcontext
def apikey_revoke(prefix: str):
    """Revoke the keys that start with PREFIX (the first 12 characters)."""
    click.echo(f"Revoked {revoke_api_key(prefix)} key(s).")


@kto.command("status")
@with_appcontext
def status():
    """Whether the task-queue worker runs, and what is stored."""
    state = current_status()
    if state.worker_last_seen is None:
        click.echo("Worker: never seen (start it with 'make run' or 'python -m survey.worker').")
    else:
        word = "running" if state.worker_running else "NOT running"
        click.echo(f"Worker: {word}, last heartbeat {state.worker_last_seen:%Y-%m-%d %H:%M:%S} UTC")
    click.echo(f"Organisations: {state.organisations}")
    click.echo(f"Responses: {state.responses}")
