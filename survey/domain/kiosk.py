"""Kiosk rules as plain values: device settings and when a kiosk response looks like misuse.

A response is never dropped for looking suspect; it is stored with a reason, and reports
leave such rows out by default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta

from survey.domain.errors import ValidationError

TOO_FAST = "kiosk_too_fast"
BURST = "kiosk_burst"

# Allowed range for every setting, inclusive; the kiosk and the server both read these.
LIMITS = {
    "thanks_seconds": (1, 60),
    "idle_seconds": (5, 600),
    "heartbeat_seconds": (10, 3600),
    "retry_max_seconds": (1, 3600),
    "min_interval_seconds": (0, 600),
    "burst_limit": (1, 1000),
    "burst_window_seconds": (1, 3600),
}


@dataclass(frozen=True)
class KioskSettings:
    """Timings of the kiosk screens and the misuse thresholds of one device."""

    thanks_seconds: float = 4  # back to the start screen after "Bedankt!"
    idle_seconds: float = 20  # back to the start when someone walks away mid-survey
    heartbeat_seconds: float = 60
    retry_max_seconds: float = 60  # longest wait between two tries of the sender
    min_interval_seconds: float = 5  # completed sooner after the previous one: suspect
    burst_limit: int = 8  # more completed responses than this ...
    burst_window_seconds: float = 60  # ... within this window: suspect

    def to_dict(self) -> dict:
        return asdict(self)

    def changed(self, overrides: dict) -> KioskSettings:
        """A copy with some settings changed; unknown names and values out of range fail."""
        return settings_from_dict({**self.to_dict(), **overrides})


def settings_from_dict(raw: dict | None) -> KioskSettings:
    """Settings from stored JSON: defaults for what is missing, a clear error for the rest."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationError("invalid_setting", "Kiosk settings must be an object.")
    names = {f.name for f in fields(KioskSettings)}
    unknown = sorted(set(raw) - names)
    if unknown:
        raise ValidationError("invalid_setting", f"Unknown kiosk setting '{unknown[0]}'.")
    values = {}
    for name, value in raw.items():
        low, high = LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError("invalid_setting", f"'{name}' must be a number.", name)
        if not low <= value <= high:
            raise ValidationError(
                "invalid_setting", f"'{name}' must be between {low} and {high}.", name
            )
        values[name] = int(value) if name == "burst_limit" else value
    return KioskSettings(**values)


def rule_time(
    claimed: datetime | None, received_at: datetime, last_contact: datetime | None
) -> datetime:
    """The moment the misuse rules count a kiosk answer at.

    The tablet's own `claimed` time (its `submitted_at`) counts only inside the window the server
    can vouch for: after the device's last contact the server saw (`last_contact`, server time:
    an earlier answer's rule time, a heartbeat with an empty queue, the enrolment) and not after
    the receive time. An offline queue keeps the spacing of its genuine taps; a forger can at
    most spread answers over a real gap of silence, so no more than gap / min_interval of them
    pass. Anything else is counted at its receive time.
    """
    if claimed is not None and last_contact is not None and last_contact < claimed <= received_at:
        return claimed
    return received_at


def suspect_reason(
    received_at: datetime, earlier: Iterable[datetime], settings: KioskSettings
) -> str | None:
    """Why a kiosk response looks like misuse, or None.

    All times are rule times (`rule_time`: the receive time, or the tablet's time where the
    server can vouch for it): `earlier` holds those of the device's other responses at or
    before this one (any order; later ones are ignored). Too fast: within
    `min_interval_seconds` of the previous response. Burst: more than `burst_limit`
    responses, this one included, within `burst_window_seconds` ending at this one.
    """
    before = [t for t in earlier if t <= received_at]
    if not before:
        return None
    previous = max(before)
    if received_at - previous < timedelta(seconds=settings.min_interval_seconds):
        return TOO_FAST
    window_start = received_at - timedelta(seconds=settings.burst_window_seconds)
    in_window = sum(1 for t in before if t > window_start) + 1
    if in_window > settings.burst_limit:
        return BURST
    return None
