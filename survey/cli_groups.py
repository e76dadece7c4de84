"""`flask kto groups create|invite|remove|list`: comparison groups of organisations, made by
the platform operator (survey/services/comparisons.py). An invited organisation takes part
only after one of its administrators agreed on its staff page (Comparison)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("groups")
def groups():
    """Comparison groups: organisations that see each other's headline figures."""


@groups.command("create")
@click.option("--code", required=True, help="Short code, e.g. regio-oost.")
@click.option("--name", required=True, help='Name, e.g. "Regio Oost".')
@with_appcontext
def groups_create(code: str, name: str):
    """Make a comparison group (no organisation takes part yet)."""
    from survey.services import comparisons

    group = comparisons.create_group(code, name, actor="cli")
    click.echo(f"Created comparison group '{group.slug}' ({group.name}).")


@groups.command("invite")
@click.option("--group", "group_code", required=True, help="The group's code.")
@click.option("--org", "org_code", required=True, help="Organisation code, e.g. demo.")
@with_appcontext
def groups_invite(group_code: str, org_code: str):
    """Invite an organisation; an administrator of it must agree before it takes part."""
    from survey.services import comparisons

    comparisons.invite(group_code, org_code, actor="cli")
    click.echo(f"Invited '{org_code}' to '{group_code}'; it takes part once an administrator "
               "agrees on its staff page (Comparison).")


@groups.command("remove")
@click.option("--group", "group_code", required=True, help="The group's code.")
@click.option("--org", "org_code", required=True, help="Organisation code, e.g. demo.")
@with_appcontext
def groups_remove(group_code: str, org_code: str):
    """Take an organisation out of a group (its invitation and any consent)."""
    from survey.services import comparisons

    comparisons.remove(group_code, org_code, actor="cli")
    click.echo(f"Removed '{org_code}' from '{group_code}'.")


@groups.command("list")
@with_appcontext
def groups_list():
    """Every group with its organisations and whether each takes part."""
    from survey.services import comparisons

    found = comparisons.groups()
    if not found:
        click.echo("No comparison groups.")
    for group, members in found:
        click.echo(f"{group.slug}\t{group.name}")
        for m in members:
            state = (
                f"taking part since {m.joined_at:%Y-%m-%d} ({m.consented_by})"
                if m.joined_at else "invited, not agreed"
            )
            click.echo(f"  {m.slug}\t{m.name}\t{state}")
