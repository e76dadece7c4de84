"""`flask kto qr`: a survey's plain link as an A4 poster PDF and PNG/SVG codes."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from survey.channels.link import poster
from survey.i18n import in_language
from survey.services import plain_links


def _texts(title: dict[str, str]) -> dict[str, tuple[str, str]]:
    texts = {}
    for language in ("nl", "en"):
        with in_language(language):
            heading = title.get(language) or _("Tell us what you think")
            line = _("Scan the code and answer a short question.")
        texts[language] = (heading, line)
    return texts


@click.command("qr")
@click.option("--org", "org", required=True, help="Organisation code, e.g. demo.")
@click.option("--survey", "survey", required=True, help="Survey code, e.g. balie.")
@click.option("--location", default=None, help="Location code, e.g. stadhuis.")
@click.option(
    "--mode",
    type=click.Choice(plain_links.MODES),
    default="qr",
    show_default=True,
    help="qr for posters and print, link for a plain web link in a letter or e-mail.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the files (default: EXPORTS_DIR/qr).",
)
@with_appcontext
def qr_command(org, survey, location, mode, out):
    """Write a survey's plain link as an A4 poster (PDF) and as PNG and SVG codes."""
    plain = plain_links.plain_survey(org, survey, location, mode)  # a clear error if unknown
    link = poster.plain_link(current_app.config["PUBLIC_URL"], org, survey, location, mode)
    folder = out or Path(current_app.config["EXPORTS_DIR"]) / "qr"
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / "-".join(p for p in (org, survey, location, mode) if p)
    stem.with_suffix(".pdf").write_bytes(
        poster.poster(link, plain.organisation, _texts(plain.definition.title))
    )
    stem.with_suffix(".png").write_bytes(poster.png(link))
    stem.with_suffix(".svg").write_bytes(poster.svg(link))
    click.echo(link)
    for suffix in (".pdf", ".png", ".svg"):
        click.echo(f"{stem}{suffix}")
