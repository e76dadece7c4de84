"""`flask kto survey export|import`: survey definitions as JSON files, for version control and
for moving a survey between instances. One service call each (survey/services/survey_editor.py);
an import is checked as the editor checks an edit and refused as a whole."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from survey.errors import Invalid


@click.group("survey")
def survey():
    """Survey definitions as JSON."""


@survey.command("export")
@click.option("--org", "org_slug", required=True, help="Organisation code, e.g. demo.")
@click.option("--survey", "survey_slug", required=True, help="Survey code, e.g. balie.")
@with_appcontext
def survey_export(org_slug: str, survey_slug: str):
    """Print the survey's newest version and settings as JSON."""
    from survey.services import catalogue, survey_editor

    organisation = catalogue.organisation(org_slug)
    data = survey_editor.export_survey(organisation.id, survey_slug)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


@survey.command("import")
@click.option("--org", "org_slug", required=True, help="Organisation code, e.g. demo.")
@click.argument("file", type=click.File("rb"))
@with_appcontext
def survey_import(org_slug: str, file):
    """Create the survey in FILE, or publish it as the survey's next version."""
    from survey.services import catalogue, survey_editor

    raw = file.read(2_000_000 + 1)
    if len(raw) > 2_000_000:
        raise Invalid("too_large", "The file is larger than 2 MB.")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Invalid("invalid_json", f"Not a JSON file: {error}.") from None
    organisation = catalogue.organisation(org_slug)
    version = survey_editor.import_survey(organisation, "cli", data)
    click.echo(f"Survey '{data['slug']}' of '{org_slug}' is at version {version.number}.")
