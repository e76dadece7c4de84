"""Alert rules as pure functions over streams (pure: standard library and survey.stats).

Each rule takes what happened (answers, kiosk readings, delivery outcomes) and the moment of
evaluation and returns the facts of an alert, or None. `due` applies the cooldown: a finding
fires when its rule and subject did not fire within the rule's cooldown. The worker
(survey.services.alerts) reads the streams from the database every few minutes; tests feed
synthetic ones.

Rules and their defaults (every threshold and the cooldown are set per organisation):

- satisfaction_drop: at one location, at least 50% negative answers within the last 15
  minutes, with at least 4 answers (HappyOrNot's rule).
- weekly_drop: the satisfied share of the last complete week (Monday-Sunday) against the
  previous 8 weeks pooled, per contact channel; fires when it is lower and the difference is
  significant: a two-sided z-test of two independent proportions (unweighted counts,
  survey.stats.compare_proportions, Newcombe's interval) with p < 0.05, and at least 30
  answers in the week.
- kiosk_offline: no heartbeat for more than 30 minutes of its location's opening hours.
- kiosk_silent: heartbeats, but no answer for more than 30 minutes of opening hours.
- kiosk_queue: the tablet's queue of unsent answers grew by 5 or more within 30 minutes.
- kiosk_refused: the server refused answers (refused count rose) within 30 minutes.
- invitations_failing: of the messages finished in the last 60 minutes plus those waiting
  for a retry, at least 5 failed and at least 20%.

The kiosk rules fire only while the location is open (by its opening hours; a location
without opening hours never raises them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from survey.domain.errors import ValidationError
from survey.domain.opening_hours import is_open, open_minutes_between
from survey.stats.compare import compare_proportions
from survey.stats.counts import proportion_from_counts


@dataclass(frozen=True)
class Threshold:
    name: str
    default: float
    minimum: float
    maximum: float
    share: bool = False  # a share 0..1 (shown as a percentage)

    def check(self, value) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError("invalid_threshold", "Give a number.", self.name) from None
        if not self.minimum <= number <= self.maximum:
            raise ValidationError(
                "invalid_threshold",
                f"Give a number from {self.minimum:g} to {self.maximum:g}.",
                self.name,
            )
        return number if self.share else float(int(number))


@dataclass(frozen=True)
class RuleSpec:
    name: str
    thresholds: tuple[Threshold, ...]
    cooldown_minutes: int

    def defaults(self) -> dict[str, float]:
        return {t.name: t.default for t in self.thresholds}

    def settings(self, stored: Mapping | None) -> dict[str, float]:
        """The defaults with the stored values that are still valid."""
        values = self.defaults()
        for t in self.thresholds:
            if stored and t.name in stored:
                try:
                    values[t.name] = t.check(stored[t.name])
                except ValidationError:
                    pass
        return values


_MINUTES = ("minutes", 30, 5, 24 * 60)
RULES: dict[str, RuleSpec] = {
    spec.name: spec
    for spec in (
        RuleSpec(
            "satisfaction_drop",
            (
                Threshold("window_minutes", 15, 1, 24 * 60),
                Threshold("min_responses", 4, 1, 10_000),
                Threshold("negative_share", 0.5, 0.01, 1.0, share=True),
            ),
            cooldown_minutes=60,
        ),
        RuleSpec(
            "weekly_drop",
            (
                Threshold("weeks_before", 8, 2, 52),
                Threshold("min_responses", 30, 5, 1_000_000),
                Threshold("alpha", 0.05, 0.001, 0.2, share=True),
            ),
            cooldown_minutes=7 * 24 * 60,
        ),
        RuleSpec("kiosk_offline", (Threshold(*_MINUTES),), cooldown_minutes=240),
        RuleSpec("kiosk_silent", (Threshold(*_MINUTES),), cooldown_minutes=240),
        RuleSpec(
            "kiosk_queue",
            (Threshold("window_minutes", 30, 5, 24 * 60), Threshold("growth", 5, 1, 10_000)),
            cooldown_minutes=240,
        ),
        RuleSpec(
            "kiosk_refused",
            (Threshold("window_minutes", 30, 5, 24 * 60), Threshold("min_refused", 1, 1, 10_000)),
            cooldown_minutes=240,
        ),
        RuleSpec(
            "invitations_failing",
            (
                Threshold("window_minutes", 60, 5, 24 * 60),
                Threshold("min_failures", 5, 1, 100_000),
                Threshold("failure_share", 0.2, 0.01, 1.0, share=True),
            ),
            cooldown_minutes=240,
        ),
    )
}
MAX_COOLDOWN_MINUTES = 30 * 24 * 60


@dataclass(frozen=True)
class Finding:
    rule: str
    subject: str
    facts: dict = field(default_factory=dict)


def satisfaction_drop(
    answers: Iterable[tuple[datetime, bool]],
    now: datetime,
    window_minutes: float = 15,
    min_responses: float = 4,
    negative_share: float = 0.5,
) -> dict | None:
    """`answers`: (moment, satisfied) at one location. Fires on the last `window_minutes`."""
    since = now - timedelta(minutes=window_minutes)
    window = [satisfied for moment, satisfied in answers if since < moment <= now]
    if len(window) < min_responses:
        return None
    negative = sum(1 for satisfied in window if not satisfied)
    share = negative / len(window)
    if share + 1e-9 < negative_share:
        return None
    return {"responses": len(window), "negative": negative, "share": round(share, 4),
            "window_minutes": int(window_minutes)}


def weekly_drop(
    weeks: Sequence[tuple[int, int]],
    weeks_before: float = 8,
    min_responses: float = 30,
    alpha: float = 0.05,
) -> dict | None:
    """`weeks`: (satisfied, answers) per complete week, oldest first, the week judged last.

    The week is compared with the `weeks_before` weeks before it pooled (all of them must be
    there: a new channel is not judged until it has the history).
    """
    count = int(weeks_before)
    if len(weeks) < count + 1:
        return None
    current, previous = weeks[-1], weeks[-1 - count : -1]
    satisfied_before = sum(s for s, _ in previous)
    answers_before = sum(n for _, n in previous)
    if current[1] < min_responses or answers_before < min_responses:
        return None
    now_est = _share(*current)
    before_est = _share(satisfied_before, answers_before)
    comparison = compare_proportions(now_est, before_est)
    if not (comparison.difference < 0 and comparison.p < alpha):
        return None
    return {
        "share": round(now_est.estimate, 4),
        "responses": current[1],
        "share_before": round(before_est.estimate, 4),
        "responses_before": answers_before,
        "difference": round(comparison.difference, 4),
        "low": round(comparison.low, 4),
        "high": round(comparison.high, 4),
        "p": round(comparison.p, 6),
        "weeks_before": count,
    }


def _share(satisfied: int, answers: int):
    return proportion_from_counts([1, 0], [1, 1], [satisfied, answers - satisfied])


def kiosk_offline(
    hours: dict, last_seen: datetime | None, since: datetime, now: datetime, minutes: float = 30
) -> dict | None:
    """No heartbeat for more than `minutes` of opening hours (local times). `since`: when the
    kiosk was enrolled, for one that never sent a heartbeat."""
    if not is_open(hours, now):
        return None
    last = last_seen or since
    closed_for = open_minutes_between(hours, last, now)
    if closed_for <= minutes:
        return None
    return {"open_minutes": closed_for, "minutes": int(minutes)}


def kiosk_silent(
    hours: dict,
    last_seen: datetime | None,
    last_answer: datetime | None,
    since: datetime,
    now: datetime,
    minutes: float = 30,
) -> dict | None:
    """Heartbeats come (the kiosk is not offline) but no answer for more than `minutes` of
    opening hours."""
    if not is_open(hours, now) or kiosk_offline(hours, last_seen, since, now, minutes):
        return None
    if last_seen is None:
        return None
    quiet_for = open_minutes_between(hours, last_answer or since, now)
    if quiet_for <= minutes:
        return None
    return {"open_minutes": quiet_for, "minutes": int(minutes)}


def _window(readings, now: datetime, window_minutes: float):
    since = now - timedelta(minutes=window_minutes)
    return [(at, value) for at, value in readings if since <= at <= now and value is not None]


def kiosk_queue(
    hours: dict,
    readings: Iterable[tuple[datetime, int | None]],
    now: datetime,
    window_minutes: float = 30,
    growth: float = 5,
) -> dict | None:
    """`readings`: (moment, queue length) in local time. The queue grew by `growth` or more
    from the lowest reading in the window to the latest, and did not shrink at the end."""
    if not is_open(hours, now):
        return None
    window = sorted(_window(readings, now, window_minutes))
    if len(window) < 2:
        return None
    latest = window[-1][1]
    lowest = min(value for _, value in window)
    if latest - lowest < growth or latest < window[-2][1]:
        return None
    return {"queue": latest, "grew_by": latest - lowest, "window_minutes": int(window_minutes)}


def kiosk_refused(
    hours: dict,
    readings: Iterable[tuple[datetime, int | None]],
    now: datetime,
    window_minutes: float = 30,
    min_refused: float = 1,
) -> dict | None:
    """`readings`: (moment, refused count) in local time; the count rose by `min_refused`."""
    if not is_open(hours, now):
        return None
    window = sorted(_window(readings, now, window_minutes))
    if len(window) < 2:
        return None
    rose = window[-1][1] - min(value for _, value in window)
    if rose < min_refused:
        return None
    return {"refused": rose, "window_minutes": int(window_minutes)}


def invitations_failing(
    outcomes: Iterable[tuple[datetime, bool]],
    retrying: int,
    now: datetime,
    window_minutes: float = 60,
    min_failures: float = 5,
    failure_share: float = 0.2,
) -> dict | None:
    """`outcomes`: (finished at, failed) of messages; `retrying`: messages now waiting for a
    retry after a provider error (each counts as a failure)."""
    since = now - timedelta(minutes=window_minutes)
    window = [failed for at, failed in outcomes if since < at <= now]
    failures = sum(1 for failed in window if failed) + retrying
    total = len(window) + retrying
    if total == 0 or failures < min_failures:
        return None
    share = failures / total
    if share + 1e-9 < failure_share:
        return None
    return {"failures": failures, "messages": total, "share": round(share, 4),
            "retrying": retrying, "window_minutes": int(window_minutes)}


def due(
    findings: Iterable[Finding],
    last_fired: Mapping[tuple[str, str], datetime],
    cooldowns: Mapping[str, float],
    now: datetime,
) -> list[Finding]:
    """The findings that fire now: their rule and subject did not fire within the cooldown."""
    firing = []
    for finding in findings:
        last = last_fired.get((finding.rule, finding.subject))
        minutes = cooldowns.get(finding.rule, RULES[finding.rule].cooldown_minutes)
        cooldown = timedelta(minutes=minutes)
        if last is None or now - last >= cooldown:
            firing.append(finding)
    return firing
