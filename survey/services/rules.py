"""Invitation rules per organisation and contact channel: read, set, and the demo's defaults."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from survey.database import unit_of_work
from survey.domain.channels import CONTACT_CHANNELS
from survey.domain.invitation_rules import MODE_FOR_CHANNEL, Rule, invitation_mode
from survey.errors import Invalid
from survey.extensions import db
from survey.models import InvitationRule, Organisation, Survey
from survey.services import catalogue

# Which fields `set_rule` takes, with their parser; None clears an optional one.
INTEGER_FIELDS = {
    "delay_minutes": (0, 7 * 24 * 60, False),
    "throttle_days": (0, 3650, False),
    "expiry_days": (1, 90, False),
    "daily_cap": (0, 1_000_000, True),
    "reminder_after_hours": (1, 24 * 30, True),
}
DEMO_RULES = {"phone": "telefoon", "email": "contact", "contact_form": "contact",
              "whatsapp": "whatsapp"}
# The demo's WhatsApp number (the development backend needs no real one) and its templates.
DEMO_WHATSAPP_NUMBER = "demo-whatsapp"
DEMO_TEMPLATES = {"nl": {"name": "kto_na_contact", "code": "nl"},
                  "en": {"name": "kto_after_contact", "code": "en"}}


def as_rule(row: InvitationRule) -> Rule:
    return Rule(
        survey_id=row.survey_id,
        sampling_rate=row.sampling_rate,
        delay_minutes=row.delay_minutes,
        quiet_start=row.quiet_start,
        quiet_end=row.quiet_end,
        throttle_days=row.throttle_days,
        expiry_days=row.expiry_days,
        daily_cap=row.daily_cap,
        reminder_after_hours=row.reminder_after_hours,
        active=row.active,
        survey_mode=row.survey_mode,
    )


def rules_for(organisation_id: int) -> dict[str, Rule]:
    """{contact channel: Rule} of an organisation."""
    rows = db.session.execute(
        select(InvitationRule).where(InvitationRule.organisation_id == organisation_id)
    ).scalars()
    return {row.contact_channel: as_rule(row) for row in rows}


def list_rules(org_slug: str) -> list[tuple[InvitationRule, str]]:
    """The organisation's rules with their survey's code, by channel."""
    org = catalogue.organisation(org_slug)
    rows = db.session.execute(
        select(InvitationRule, Survey.slug)
        .join(Survey, Survey.id == InvitationRule.survey_id)
        .where(InvitationRule.organisation_id == org.id)
        .order_by(InvitationRule.contact_channel)
    ).all()
    return [(rule, slug) for rule, slug in rows]


def _channel(channel: str) -> str:
    if channel not in CONTACT_CHANNELS:
        raise Invalid(
            "unknown_channel",
            f"Unknown contact channel '{channel}'; use one of {', '.join(CONTACT_CHANNELS)}.",
            "contact_channel",
        )
    if channel not in MODE_FOR_CHANNEL:
        raise Invalid(
            "no_invitation_mode",
            f"Nothing is sent after a contact through '{channel}'; rules exist for "
            f"{', '.join(MODE_FOR_CHANNEL)}.",
            "contact_channel",
        )
    return channel


def _rate(value) -> float:
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise Invalid(
            "wrong_type", "The sampling rate must be a number.", "sampling_rate"
        ) from None
    if not 0 < rate <= 1:
        raise Invalid(
            "out_of_range", "The sampling rate must be above 0 and at most 1.", "sampling_rate"
        )
    return rate


def _integer(name: str, value) -> int | None:
    low, high, optional = INTEGER_FIELDS[name]
    if optional and (value is None or str(value).strip().lower() in ("", "off", "none")):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise Invalid("wrong_type", f"'{name}' must be a whole number.", name) from None
    if not low <= number <= high:
        raise Invalid("out_of_range", f"'{name}' must be from {low} to {high}.", name)
    return number


def _time(name: str, value) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid("wrong_type", f"'{name}' must be a time like 21:00.", name) from None


def set_rule(org_slug: str, channel: str, **changes) -> InvitationRule:
    """Create or change the rule of one channel. A new rule needs `survey`; every other field
    left out keeps its value (or the default)."""
    _channel(channel)
    values: dict = {}
    for name, value in changes.items():
        if value is None and name not in ("daily_cap", "reminder_after_hours"):
            continue
        if name == "sampling_rate":
            values[name] = _rate(value)
        elif name in INTEGER_FIELDS:
            values[name] = _integer(name, value)
        elif name in ("quiet_start", "quiet_end"):
            values[name] = _time(name, value)
        elif name == "active":
            values[name] = bool(value)
        elif name == "survey_mode":
            values[name] = _mode(channel, value)
        elif name != "survey":
            raise Invalid("unknown_field", f"Unknown rule field '{name}'.", name)
    with unit_of_work() as session:
        org = catalogue.organisation(org_slug)
        if changes.get("survey") is not None:
            values["survey_id"] = _survey_id(org, changes["survey"])
        rule = session.execute(
            select(InvitationRule).where(
                InvitationRule.organisation_id == org.id,
                InvitationRule.contact_channel == channel,
            )
        ).scalar_one_or_none()
        if rule is None:
            if "survey_id" not in values:
                raise Invalid("missing_field", "A new rule needs a survey.", "survey")
            rule = InvitationRule(organisation_id=org.id, contact_channel=channel, texts={})
            session.add(rule)
        for name, value in values.items():
            setattr(rule, name, value)
        mode = invitation_mode(channel, rule.survey_mode)
        if mode is not None and mode[0] == "whatsapp":
            check_whatsapp_survey(org.slug, rule.survey_id)
    return rule


def _mode(channel: str, value) -> str | None:
    """A rule's own mode: None (the channel's default) or one the channel allows."""
    if value in (None, "", "default"):
        return None
    if invitation_mode(channel, str(value)) is None or invitation_mode(
        channel, str(value))[0] != value:
        raise Invalid(
            "mode_not_allowed",
            f"After a contact through '{channel}' no invitation goes by '{value}'.",
            "survey_mode",
        )
    return None if value == MODE_FOR_CHANNEL[channel][0] else str(value)


def check_whatsapp_survey(org_slug: str, survey_id: int) -> None:
    """Refuse (Invalid, naming the question) a survey whose questions do not fit WhatsApp's
    messages: checked when a rule is set up for WhatsApp, so nothing fails at send time."""
    from survey.domain.whatsapp import setup_problems

    slug = db.session.execute(select(Survey.slug).where(Survey.id == survey_id)).scalar_one()
    ref = catalogue.find_survey_version(org_slug, slug, None)
    problems = setup_problems(catalogue.definition_for(ref.version_id))
    if problems:
        first = problems[0]
        what = {
            "whatsapp_body": "a message text is longer than {max} characters",
            "whatsapp_button": "a reply button's title is longer than {max} characters",
            "whatsapp_row": "a list row's title is longer than {max} characters",
            "whatsapp_rows": "a question has more options than a list shows (at most {max})",
        }.get(first.code, "a text is too long").format(**first.params)
        raise Invalid(
            "whatsapp_limits",
            f"Survey '{slug}' does not fit WhatsApp: {what} ({first.field}; at most "
            f"{first.params.get('max')}).",
            first.field,
        )


def _survey_id(org: Organisation, slug: str) -> int:
    found = db.session.execute(
        select(Survey.id).where(Survey.organisation_id == org.id, Survey.slug == slug)
    ).scalar()
    if found is None:
        raise Invalid("unknown_survey", f"No survey '{slug}' for '{org.slug}'.", "survey")
    return found


def seed_demo_rules(org_slug: str = "demo") -> None:
    """The demo's rules: every call, e-mail, form and WhatsApp chat invited (rate 1, so a
    contact posted to try it out is always invited), with the default delay, quiet hours,
    throttle and expiry; and the demo's WhatsApp number for the development backend."""
    from survey.services.whatsapp_accounts import account_of, seed_account

    for channel, survey in DEMO_RULES.items():
        set_rule(org_slug, channel, survey=survey, sampling_rate=1.0)
    org_id = catalogue.organisation(org_slug).id
    if account_of(org_id) is None:
        seed_account(org_id, DEMO_WHATSAPP_NUMBER, DEMO_TEMPLATES)
