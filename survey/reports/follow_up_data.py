"""The monthly report's "closing the loop" section as data: complaint referrals and callback
requests, per channel and unit (part of ``survey.reports.data``, version 6).

A complaint referral is a response of the month that chose the survey's complaint reason
(an option flagged ``complaint``, survey/domain/complaints.py): its thank-you screen pointed
to the organisation's complaint page. A callback request counts in the month it was received.

Small cells: a row with fewer than the report's minimum of responses (referrals) or of
decided requests (the norm), first contacts (the times) or closed cases (the outcomes) keeps
its count of requests or responses and None for the figure, as the rest of the report does.
"""

from __future__ import annotations

from dataclasses import dataclass

from survey.reports.figures import Figure, _figure_dict, figure

# Rows: the whole organisation, then per contact channel, then per unit.
GROUPS = ("all", "channel", "unit")
OUTCOMES = ("solved", "explained", "referred", "complaint", "other")


@dataclass(frozen=True)
class ReferralRow:
    group: str  # all, channel or unit
    code: str | None  # the channel's code or the unit's id; None for "all" and "no unit"
    name: str
    responses: int
    referrals: int | None  # None: suppressed (fewer responses than the minimum)
    share: float | None

    @classmethod
    def from_dict(cls, d: dict) -> ReferralRow:
        return cls(d["group"], d.get("code"), d["name"], int(d["responses"]),
                   d.get("referrals"), d.get("share"))  # fmt: skip

    def to_dict(self) -> dict:
        return {
            "group": self.group,
            "code": self.code,
            "name": self.name,
            "responses": self.responses,
            "referrals": self.referrals,
            "share": self.share,
        }


@dataclass(frozen=True)
class CallbackRow:
    """The callback requests of one group received in the month.

    ``decided``: requests whose first contact came, or whose deadline passed, by the time the
    report was built (the others are ``pending``); ``within_norm`` is the share of the decided
    ones first contacted by their deadline, with its Wilson interval. Times to first contact
    are in working days (weekends and Dutch public holidays do not count)."""

    group: str
    code: str | None
    name: str
    received: int
    decided: int
    pending: int
    within_norm: Figure
    contacted: int
    median_days: float | None
    p90_days: float | None
    closed: int
    outcomes: dict[str, int] | None  # None: suppressed

    @classmethod
    def from_dict(cls, d: dict) -> CallbackRow:
        return cls(
            group=d["group"],
            code=d.get("code"),
            name=d["name"],
            received=int(d["received"]),
            decided=int(d["decided"]),
            pending=int(d["pending"]),
            within_norm=figure(d.get("within_norm")),
            contacted=int(d["contacted"]),
            median_days=d.get("median_days"),
            p90_days=d.get("p90_days"),
            closed=int(d["closed"]),
            outcomes=d.get("outcomes"),
        )

    def to_dict(self) -> dict:
        return {
            "group": self.group,
            "code": self.code,
            "name": self.name,
            "received": self.received,
            "decided": self.decided,
            "pending": self.pending,
            "within_norm": _figure_dict(self.within_norm),
            "contacted": self.contacted,
            "median_days": self.median_days,
            "p90_days": self.p90_days,
            "closed": self.closed,
            "outcomes": None if self.outcomes is None else dict(self.outcomes),
        }


@dataclass(frozen=True)
class FollowUp:
    """Complaint referrals and callback requests of the month; empty in older reports."""

    referrals: tuple[ReferralRow, ...] = ()
    callbacks: tuple[CallbackRow, ...] = ()
    norm_days: int | None = None  # the organisation's norm when the report was built
    as_of: str | None = None  # when the report looked at the cases (ISO 8601, UTC)

    @property
    def shown(self) -> bool:
        return bool(self.referrals or self.callbacks)

    @classmethod
    def from_dict(cls, d: dict | None) -> FollowUp:
        if not d:
            return cls()
        return cls(
            referrals=tuple(ReferralRow.from_dict(r) for r in d.get("referrals") or ()),
            callbacks=tuple(CallbackRow.from_dict(r) for r in d.get("callbacks") or ()),
            norm_days=d.get("norm_days"),
            as_of=d.get("as_of"),
        )

    def to_dict(self) -> dict:
        return {
            "referrals": [r.to_dict() for r in self.referrals],
            "callbacks": [r.to_dict() for r in self.callbacks],
            "norm_days": self.norm_days,
            "as_of": self.as_of,
        }
