"""`flask kto contacts ...` and `flask kto rules ...`: contacts in from a file, invitation rules."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.models.types import utcnow


@click.group("contacts")
def contacts():
    """Contacts reported by the organisation (the API is POST /api/v1/contacts)."""


@contacts.command("import")
@click.option("--org", "org_slug", required=True, help="Organisation code, e.g. demo.")
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Store the valid rows and report the invalid ones (default: store nothing then).",
)
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def contacts_import(org_slug: str, skip_invalid: bool, csv_file: str):
    """Import contacts from CSV (UTF-8 or Windows-1252, ';' or ','), header = API field names:
    reference or id, contact_channel, ended_at, phone, email, unit, topic, handling, language,
    survey."""
    from survey.services.contact_import import import_contacts

    report = import_contacts(
        org_slug,
        csv_file,
        utcnow(),
        skip_invalid=skip_invalid,
        max_bytes=current_app.config["CONTACTS_IMPORT_MAX_BYTES"],
    )
    for line, reason in report.errors:
        click.echo(f"Line {line}: {reason} (skipped)", err=True)
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items()))
    click.echo(
        f"Stored {report.stored} contact(s), {report.existing} already stored"
        + (f"; {outcomes}" if outcomes else "")
        + (f"; skipped {len(report.errors)} invalid row(s)" if report.errors else "")
        + "."
    )


@click.group("rules")
def rules():
    """Invitation rules per contact channel (which survey, sampling, timing)."""


def _describe(rule, survey: str) -> str:
    cap = "none" if rule.daily_cap is None else str(rule.daily_cap)
    reminder = "off" if rule.reminder_after_hours is None else f"{rule.reminder_after_hours} h"
    return (
        f"{rule.contact_channel}: survey {survey}, rate {rule.sampling_rate:g}, "
        f"delay {rule.delay_minutes} min, quiet {rule.quiet_start:%H:%M}-{rule.quiet_end:%H:%M}, "
        f"throttle {rule.throttle_days} d, expiry {rule.expiry_days} d, daily cap {cap}, "
        f"reminder {reminder}, {'active' if rule.active else 'inactive'}"
        + (f", by {rule.survey_mode}" if rule.survey_mode else "")
    )


@rules.command("show")
@click.option("--org", "org_slug", required=True, help="Organisation code, e.g. demo.")
@with_appcontext
def rules_show(org_slug: str):
    """Print the organisation's rules, one line per channel."""
    from survey.services.rules import list_rules

    found = list_rules(org_slug)
    if not found:
        click.echo(f"No invitation rules for '{org_slug}': no contact is invited.")
    for rule, survey in found:
        click.echo(_describe(rule, survey))


@rules.command("set")
@click.option("--org", "org_slug", required=True, help="Organisation code, e.g. demo.")
@click.option("--channel", required=True, help="phone, email or contact_form.")
@click.option("--survey", default=None, help="Survey code (required for a new rule).")
@click.option("--rate", default=None, help="Sampling rate, above 0 and at most 1.")
@click.option("--delay", default=None, help="Minutes after the contact (default 10).")
@click.option("--quiet", default=None, help="Quiet hours, Amsterdam time, e.g. 21:00-09:00.")
@click.option("--throttle-days", default=None, help="At most one invitation per person per N days.")
@click.option("--expiry-days", default=None, help="Days the link stays valid.")
@click.option("--daily-cap", default=None, help="At most N invitations a day, or 'off'.")
@click.option("--reminder-hours", default=None, help="One reminder after N hours, or 'off'.")
@click.option("--active/--inactive", default=None, help="Invite (or stop inviting) at all.")
@click.option("--mode", default=None, help="After a call: 'whatsapp' instead of SMS, or "
              "'default'.")
@click.option("--language", default="nl", show_default=True, help="Language of the texts below.")
@click.option("--sms-text", default=None, help="Own SMS text with {link} (and {organisation}), "
              "or 'default'.")
@click.option("--reminder-sms-text", default=None, help="Own reminder SMS text, or 'default'.")
@click.option("--email-subject", default=None, help="Own e-mail subject, or 'default'.")
@click.option("--email-body", default=None, help="Own e-mail introduction, or 'default'.")
@with_appcontext
def rules_set(
    org_slug,
    channel,
    survey,
    rate,
    delay,
    quiet,
    throttle_days,
    expiry_days,
    daily_cap,
    reminder_hours,
    active,
    mode,
    language,
    sms_text,
    reminder_sms_text,
    email_subject,
    email_body,
):
    """Create or change the rule of one channel; options left out keep their value."""
    from survey.errors import Invalid
    from survey.services.rules import list_rules, set_rule

    changes = {
        "survey": survey,
        "sampling_rate": rate,
        "delay_minutes": delay,
        "throttle_days": throttle_days,
        "expiry_days": expiry_days,
        "active": active,
        "survey_mode": mode,
    }
    if quiet is not None:
        start, sep, end = quiet.partition("-")
        if not sep:
            raise Invalid("wrong_type", "--quiet must look like 21:00-09:00.", "quiet")
        changes.update(quiet_start=start, quiet_end=end)
    if daily_cap is not None:
        changes["daily_cap"] = daily_cap
    if reminder_hours is not None:
        changes["reminder_after_hours"] = reminder_hours
    texts = {
        name: value
        for name, value in (
            ("sms", sms_text),
            ("sms_reminder", reminder_sms_text),
            ("email_subject", email_subject),
            ("email_body", email_body),
        )
        if value is not None
    }
    from survey.services.rule_texts import checked_texts, set_texts

    checked_texts(language, texts)  # a bad text changes nothing, the rest of the rule neither
    set_rule(org_slug, channel, **changes)
    if texts:
        set_texts(org_slug, channel, language, texts)
    for rule, slug in list_rules(org_slug):
        if rule.contact_channel == channel:
            click.echo(_describe(rule, slug))
    if channel == "phone":
        _echo_sms_lengths(org_slug, channel, language)


def _echo_sms_lengths(org_slug: str, channel: str, language: str) -> None:
    """Each SMS text as it is sent (with a link of the real length) and what it costs."""
    from survey.services.rule_texts import sms_texts

    for found in sms_texts(org_slug, channel, language):
        length = found.length
        encoding = "GSM-7" if length.encoding == "gsm7" else "UCS-2 (a character outside GSM-7)"
        click.echo(
            f"{found.name} ({language}, {'own' if found.own else 'default'}): "
            f"{length.segments} segment(s), {encoding}, {length.units} units "
            f"({length.per_segment} per segment) with the link: {found.text}"
        )
        if length.segments > 1:
            click.echo(f"Warning: {found.name} costs {length.segments} SMS messages per person.")


@click.group("whatsapp")
def whatsapp():
    """The organisation's WhatsApp business number and approved templates."""


@whatsapp.command("set")
@click.option("--org", "org_slug", required=True, help="Organisation code, e.g. demo.")
@click.option("--phone-number-id", required=True,
              help="Meta's id of the business phone number (WhatsApp Manager, API setup).")
@click.option("--template", "templates", multiple=True,
              help="An approved template per language: nl=kto_na_contact or "
              "en=kto_after_contact:en_GB (language code after the colon).")
@with_appcontext
def whatsapp_set(org_slug: str, phone_number_id: str, templates: tuple[str, ...]):
    """Connect an organisation's WhatsApp number; its webhooks then belong to it."""
    from survey.services.whatsapp_accounts import parse_templates, set_account

    account = set_account(org_slug, phone_number_id, parse_templates(templates))
    _echo_account(org_slug, account)


@whatsapp.command("show")
@click.option("--org", "org_slug", required=True, help="Organisation code, e.g. demo.")
@with_appcontext
def whatsapp_show(org_slug: str):
    """Print the organisation's WhatsApp number and templates."""
    from survey.services import catalogue
    from survey.services.whatsapp_accounts import account_of

    account = account_of(catalogue.organisation(org_slug).id)
    if account is None:
        click.echo(f"'{org_slug}' has no WhatsApp number: no WhatsApp invitation is sent.")
        return
    _echo_account(org_slug, account)


def _echo_account(org_slug: str, account) -> None:
    click.echo(f"{org_slug}: WhatsApp phone-number id {account.phone_number_id}")
    for language, template in sorted((account.templates or {}).items()):
        click.echo(f"  template {language}: {template['name']} ({template['code']})")
