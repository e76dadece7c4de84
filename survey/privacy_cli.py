"""`flask kto privacy export|erase --reference REF` and `flask kto privacy retention`: a
citizen's request under the AVG, and the retention job run by hand."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext


@click.group("privacy")
def privacy():
    """What is held for one contact reference, its erasure, and the retention job."""


@privacy.command("export")
@click.option("--reference", required=True, help="The organisation's contact reference.")
@click.option("--org", "org_slug", help="Organisation code (needed when several have it).")
@with_appcontext
def privacy_export(reference: str, org_slug: str | None):
    """Print as JSON everything held for one contact reference."""
    from survey.services import privacy as service

    click.echo(json.dumps(service.export(reference, org_slug), indent=2, ensure_ascii=False))


@privacy.command("erase")
@click.option("--reference", required=True, help="The organisation's contact reference.")
@click.option("--org", "org_slug", help="Organisation code (needed when several have it).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def privacy_erase(reference: str, org_slug: str | None, yes: bool):
    """Erase the personal data of one contact reference; anonymous answers stay."""
    from survey.services import privacy as service

    service.find_contact(reference, org_slug)  # a clear error before asking
    if not yes:
        click.confirm(f"Erase the personal data of contact {reference!r}?", abort=True)
    counts = service.erase(reference, org_slug, actor="cli")
    click.echo("Erased: " + ", ".join(f"{name} {count}" for name, count in counts.items()))


@privacy.command("retention")
@with_appcontext
def privacy_retention():
    """Run the daily retention job now and print what it erased."""
    from survey.services import retention

    run = retention.run()
    click.echo(json.dumps({"status": run.status, **run.counts, "errors": run.errors}, indent=2))
