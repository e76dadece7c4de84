"""`flask kto ...` commands: thin wrappers that call one service each."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from survey.demo.loader import allow_demo_site, demo_exists, load_demo
from survey.domain import ValidationError
from survey.errors import ServiceError
from survey.services.apikeys import create_api_key, revoke_api_key
from survey.services.status import current_status


class ServiceCommands(click.Group):
    """Commands whose refused requests (a ServiceError, the domain's ValidationError) end
    as a clean one-line message and exit code 1, never a traceback. Wraps every command
    below `kto`, kiosk's included, since their invocations run inside this one."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (ServiceError, ValidationError) as error:
            raise click.ClickException(error.message) from None


@click.group("kto", cls=ServiceCommands)
def kto():
    """Customer-satisfaction platform commands."""


from survey.privacy_cli import privacy  # noqa: E402
from survey.sending_cli import invitations  # noqa: E402

kto.add_command(invitations)
kto.add_command(privacy)


@kto.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the demo is already loaded.")
@click.option("--scale", default=1.0, show_default=True, help="Multiply the response volume.")
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Pretend it is this date (default: today).",
)
@click.option(
    "--site-origin",
    default=None,
    help="Also allow the widget on this demo website origin, e.g. http://127.0.0.1:8002.",
)
@with_appcontext
def demo(if_empty: bool, scale: float, today, site_origin: str | None):
    """Load the demo municipality 'Gemeente Voorbeeld' with 14 months of responses."""
    if demo_exists():
        if not if_empty:
            raise click.ClickException("Organisation 'demo' already exists.")
        click.echo("Demo already loaded.")
    else:
        day = today.date() if today else date.today()
        stored = load_demo(day, scale=scale)
        click.echo(f"Loaded organisation 'demo' (Gemeente Voorbeeld) with {stored} responses.")
    if site_origin and allow_demo_site(site_origin):
        click.echo(f"The demo's widget may now be used on {site_origin.rstrip('/')}.")


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
    except ServiceError as error:
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


@kto.group("volumes")
def volumes():
    """Contact volumes per channel per month (the totals reports weight to)."""


@volumes.command("set")
@click.option("--org", "org_slug", required=True, help="Organisation code, e.g. demo.")
@click.option("--month", required=True, help="Month as YYYY-MM, e.g. 2026-10.")
@click.option("--channel", required=True, help="Contact channel, e.g. counter or phone.")
@click.option("--count", required=True, help="Number of contacts in that month.")
@with_appcontext
def volumes_set(org_slug: str, month: str, channel: str, count: str):
    """Store the number of contacts of one channel in one month."""
    from survey.services.volumes import set_volume

    try:
        set_volume(org_slug, month, channel, count)
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Stored {count} contacts for {channel} in {month}.")


@volumes.command("import")
@click.option("--org", "org_slug", required=True, help="Organisation code, e.g. demo.")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@with_appcontext
def volumes_import(org_slug: str, csv_file):
    """Store volumes from a CSV file with columns month,contact_channel,count."""
    from survey.services.volumes import import_csv

    try:
        stored = import_csv(org_slug, csv_file.read())
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Stored {stored} volume(s).")


@volumes.command("list")
@click.option("--org", "org_slug", required=True, help="Organisation code, e.g. demo.")
@click.option("--since", default=None, help="First month as YYYY-MM.")
@click.option("--until", default=None, help="Last month as YYYY-MM.")
@with_appcontext
def volumes_list(org_slug: str, since: str | None, until: str | None):
    """List stored volumes as CSV (month,contact_channel,count), the import's format."""
    from survey.services.volumes import list_volumes

    try:
        rows = list_volumes(org_slug, since, until)
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo("month,contact_channel,count")
    for row in rows:
        click.echo(f"{row['month']},{row['contact_channel']},{row['count']}")


@kto.group("user")
def user():
    """Staff users of the reports pages."""


@user.command("add")
@click.option("--org", "org_slug", required=True, help="Organisation code, e.g. demo.")
@click.option("--email", required=True)
@click.option(
    "--role", type=click.Choice(["viewer", "analyst", "admin"]), default="viewer", show_default=True
)
@click.option("--receives-reports", is_flag=True, help="E-mail the monthly PDF to this user.")
@click.password_option(
    help="At least 10 characters, not a common password (asked when not given)."
)
@with_appcontext
def user_add(org_slug: str, email: str, role: str, receives_reports: bool, password: str):
    """Create a staff user; the password is stored as an argon2 hash."""
    from survey.services.users import add_user

    try:
        add_user(email, password, org_slug, role, receives_reports)
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {role} {email.strip().lower()} for '{org_slug}'.")


@user.command("password")
@click.option("--email", required=True)
@click.password_option(
    help="At least 10 characters, not a common password (asked when not given)."
)
@with_appcontext
def user_password(email: str, password: str):
    """Set a new password; every login session of the user ends."""
    from survey.services.users import set_password

    try:
        set_password(email, password)
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"New password set for {email.strip().lower()}; its sessions have ended.")


@kto.group("org")
def org():
    """Organisations (municipalities, regional services)."""


@org.command("create")
@click.option("--code", required=True, help="Short code in URLs, e.g. arnhem.")
@click.option("--name", required=True, help='Name, e.g. "Gemeente Arnhem".')
@click.option("--admin", "admin_email", required=True, help="E-mail of the first administrator.")
@with_appcontext
def org_create(code: str, name: str, admin_email: str):
    """Create an organisation and its first administrator, who gets a one-time link to set a
    password: e-mailed when mail is configured (MAIL_SERVER), printed otherwise."""
    from survey.services import organisations, password_links

    done = organisations.create(code, name, admin_email, actor="cli")
    click.echo(f"Created organisation '{done.organisation.slug}' ({done.organisation.name}) "
               f"with administrator {done.admin_email}.")
    if password_links.send(done.admin_email, done.token, "welcome", "nl",
                           done.organisation.name):
        click.echo(f"E-mailed a one-time link to set a password to {done.admin_email}.")
    else:
        click.echo("Mail is not configured (or failed): give the administrator this one-time "
                   "link to set a password:")
        click.echo(done.link)


@kto.group("report")
def report():
    """Monthly reports."""


@report.command("build")
@click.option("--org", "org_slug", required=True, help="Organisation code, e.g. demo.")
@click.option("--month", required=True, help="Month as YYYY-MM, e.g. 2026-10.")
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--send/--no-send", default=True, help="E-mail the PDF to the subscribers.")
@with_appcontext
def report_build(org_slug: str, month: str, language: str, send: bool):
    """Build and store one monthly report (and e-mail it, as the monthly job does)."""
    from survey import messaging
    from survey.services.reports import build_monthly_report, send_report

    try:
        built = build_monthly_report(org_slug, month, language)
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Built report {org_slug} {month} ({language}): {len(built.pdf)} bytes PDF.")
    if send:
        try:
            click.echo(f"E-mailed to {send_report(built)} subscriber(s).")
        except (messaging.NotConfigured, OSError) as error:
            click.echo(f"Not e-mailed: {error}")


@report.command("subscribe")
@click.option("--org", "org_slug", required=True, help="Organisation code, e.g. demo.")
@click.option("--email", required=True, help="A member of the organisation.")
@click.option("--kind", type=click.Choice(["month", "quarter", "year"]), required=True)
@click.option("--unit", "unit_slug", default=None, help="A unit's code: its report only.")
@with_appcontext
def report_subscribe(org_slug: str, email: str, kind: str, unit_slug: str | None):
    """E-mail a member the organisation's (or one unit's) report of each month, quarter or
    year, when the period has ended."""
    from survey import tasks
    from survey.services import subscriptions

    try:
        subscription = subscriptions.subscribe(org_slug, email, kind, unit_slug)
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    tasks.deliver_late_report(subscription.id)  # the ended period's report, if built
    scope = f"{org_slug} / {unit_slug}" if unit_slug else org_slug
    click.echo(f"{email} gets the {kind} report of {scope}.")


@report.command("unsubscribe")
@click.option("--org", "org_slug", required=True)
@click.option("--email", required=True)
@click.option("--kind", type=click.Choice(["month", "quarter", "year"]), required=True)
@click.option("--unit", "unit_slug", default=None)
@with_appcontext
def report_unsubscribe(org_slug: str, email: str, kind: str, unit_slug: str | None):
    """Stop e-mailing a member a kind of report."""
    from survey.services import subscriptions

    try:
        removed = subscriptions.unsubscribe(org_slug, email, kind, unit_slug)
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Removed {removed} subscription(s).")


@report.command("subscriptions")
@click.option("--org", "org_slug", required=True)
@with_appcontext
def report_subscriptions(org_slug: str):
    """Who gets which report by e-mail (e-mail, kind, unit)."""
    from survey.services import catalogue, subscriptions

    try:
        org = catalogue.organisation(org_slug)
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    for email, kind, unit in subscriptions.listing(org.id):
        click.echo(f"{email}\t{kind}\t{unit or '-'}")


@kto.command("backup")
@click.option("--to", "target", required=True, type=click.Path(dir_okay=False),
              help="The backup file to write (SQLite file, or pg_dump's custom format).")
@with_appcontext
def backup(target: str):
    """Back up the database while it is in use."""
    from survey.services import backups

    made = backups.backup(target)
    counted = "" if made.responses is None else f", {made.responses} responses"
    click.echo(f"Backed up to {made.path} ({made.size} bytes{counted}).")


@kto.command("restore")
@click.option("--from", "source", required=True, type=click.Path(dir_okay=False),
              help="A file made by `flask kto backup`.")
@click.option("--force", is_flag=True, help="Replace a database that already holds responses.")
@with_appcontext
def restore(source: str, force: bool):
    """Restore a backup into the configured (fresh) database."""
    from survey.services import backups

    count = backups.restore(source, force=force)
    click.echo(f"Restored {source}: the database holds {count} responses.")


def _add_invitation_commands() -> None:
    from survey.invitation_cli import contacts, rules, whatsapp

    kto.add_command(contacts)
    kto.add_command(rules)
    kto.add_command(whatsapp)


_add_invitation_commands()


from survey.cli_surveys import survey as _survey_commands  # noqa: E402

kto.add_command(_survey_commands)

from survey.cli_groups import groups as _group_commands  # noqa: E402

kto.add_command(_group_commands)
