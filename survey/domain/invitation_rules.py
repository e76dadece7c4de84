"""Whether, when and how to invite a citizen after a contact: the pure decision.

The services (survey/services/contacts.py and decisions.py) look up the facts (the rule of
the contact's channel, an opt-out, the person's last invitation, how many invitations that
day already has) and store what `decide` returns. The order of the steps is the funnel's:

    no rule / no mode / too late   → not_eligible
    sampling draw ≥ rate           → not_sampled   (the rate is the inclusion probability)
    no address for the mode        → no_address
    opted out                      → opted_out
    invited within throttle_days   → throttled     (per person, across channels)
    the day's cap reached          → capped
    otherwise                      → invited, due after the delay, moved out of quiet hours

Sampling comes first, so the sampled contacts are a random sample of the eligible ones and
what is lost after it (no address, opt-out, throttle, cap) shows as such in the funnel.
Quiet hours are Europe/Amsterdam wall-clock times; a window that crosses midnight (21:00 to
09:00) is handled, and so are the daylight-saving changes (the end of the window is built as
a local time on the right date and converted to UTC then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# Purpose limitation: the only mode an invitation after a contact may use, and the kind of
# address it goes to. A letter (and any channel not listed) gets no message.
MODE_FOR_CHANNEL = {
    "phone": ("sms", "phone"),
    "email": ("email", "email"),
    "contact_form": ("email", "email"),
    "whatsapp": ("whatsapp", "phone"),
}
# Other modes a channel's rule may choose instead of its default: a call may be followed up
# by WhatsApp (to the number the citizen called from or gave for this contact, mobile only).
OTHER_MODES = {"phone": ("whatsapp",)}
ADDRESS_KIND = {"sms": "phone", "whatsapp": "phone", "email": "email"}


@dataclass(frozen=True)
class Rule:
    survey_id: int
    sampling_rate: float = 1.0
    delay_minutes: int = 10
    quiet_start: time = time(21, 0)
    quiet_end: time = time(9, 0)
    throttle_days: int = 30
    expiry_days: int = 7
    daily_cap: int | None = None
    reminder_after_hours: int | None = None
    active: bool = True
    survey_mode: str | None = None  # None: the channel's default mode


@dataclass(frozen=True)
class Schedule:
    due_at: datetime
    expires_at: datetime
    reminder_due_at: datetime | None
    quiet_delayed: bool


@dataclass(frozen=True)
class Facts:
    """What the service found out about the person and the day."""

    draw: float  # uniform in [0, 1): the sampling draw
    opted_out: bool = False
    last_invited_at: datetime | None = None  # the person's latest invitation, any channel
    invited_that_day: int = 0  # invitations of this organisation and channel due that day


@dataclass(frozen=True)
class Decision:
    outcome: str
    survey_mode: str | None = None
    schedule: Schedule | None = None
    inclusion_probability: float | None = None


def invitation_mode(contact_channel: str, chosen: str | None = None) -> tuple[str, str] | None:
    """(survey mode, address kind) an invitation after this channel uses, or None: the
    channel's default, or `chosen` (a rule's mode) when the channel allows it."""
    default = MODE_FOR_CHANNEL.get(contact_channel)
    if default is None or chosen is None or chosen == default[0]:
        return default
    if chosen in OTHER_MODES.get(contact_channel, ()):
        return (chosen, ADDRESS_KIND[chosen])
    return None


def allows(contact_channel: str, survey_mode: str, address_kind: str | None) -> bool:
    """Purpose limitation: may an invitation after this channel go by this mode to this kind
    of address?"""
    default = MODE_FOR_CHANNEL.get(contact_channel)
    allowed = ({default[0]} if default else set()) | set(OTHER_MODES.get(contact_channel, ()))
    return survey_mode in allowed and ADDRESS_KIND.get(survey_mode) == address_kind


def in_quiet_hours(moment: datetime, start: time, end: time) -> bool:
    local = moment.astimezone(AMSTERDAM).time()
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def out_of_quiet_hours(moment: datetime, start: time, end: time) -> datetime:
    """`moment`, or the end of the quiet hours it falls in (UTC)."""
    if not in_quiet_hours(moment, start, end):
        return moment
    local = moment.astimezone(AMSTERDAM)
    day = local.date()
    if start > end and local.time() >= start:
        day += timedelta(days=1)  # the evening part: the window ends tomorrow morning
    end_local = datetime.combine(day, end, tzinfo=AMSTERDAM)
    # A wall-clock time inside the spring-forward gap does not exist: round trip through UTC.
    return end_local.astimezone(UTC)


def schedule(rule: Rule, ended_at: datetime, now: datetime) -> Schedule:
    """When the message goes out, when its link expires and when a reminder is due."""
    wanted = max(ended_at + timedelta(minutes=rule.delay_minutes), now)
    due = out_of_quiet_hours(wanted, rule.quiet_start, rule.quiet_end)
    expires = due + timedelta(days=rule.expiry_days)
    reminder = None
    if rule.reminder_after_hours:
        reminder = out_of_quiet_hours(
            due + timedelta(hours=rule.reminder_after_hours), rule.quiet_start, rule.quiet_end
        )
        if reminder >= expires:
            reminder = None
    return Schedule(
        due_at=due, expires_at=expires, reminder_due_at=reminder, quiet_delayed=due != wanted
    )


def too_late(rule: Rule, ended_at: datetime, now: datetime) -> bool:
    """A contact reported longer ago than the link would live is not asked about any more."""
    return now - ended_at > timedelta(days=rule.expiry_days)


def throttled(rule: Rule, last_invited_at: datetime | None, now: datetime) -> bool:
    return last_invited_at is not None and now - last_invited_at < timedelta(
        days=rule.throttle_days
    )


def amsterdam_day(moment: datetime):
    return moment.astimezone(AMSTERDAM).date()


def decide(
    rule: Rule | None,
    contact_channel: str,
    has_address: bool,
    ended_at: datetime,
    now: datetime,
    facts: Facts,
) -> Decision:
    """The outcome of one contact (see the module's docstring for the order of the steps).

    `has_address`: the contact came with an address of the kind its channel's mode needs.
    """
    mode = invitation_mode(contact_channel, rule.survey_mode if rule else None)
    if rule is None or not rule.active or mode is None or too_late(rule, ended_at, now):
        return Decision("not_eligible")
    if not facts.draw < rule.sampling_rate:
        return Decision("not_sampled")
    if not has_address:
        return Decision("no_address")
    if facts.opted_out:
        return Decision("opted_out")
    if throttled(rule, facts.last_invited_at, now):
        return Decision("throttled")
    if rule.daily_cap is not None and facts.invited_that_day >= rule.daily_cap:
        return Decision("capped")
    return Decision(
        "invited",
        survey_mode=mode[0],
        schedule=schedule(rule, ended_at, now),
        inclusion_probability=rule.sampling_rate,
    )
