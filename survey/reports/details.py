"""Sections of the report data: reasons, website, comments, method and its notes.

Part of ``survey.reports.data`` (which re-exports every name); see its docstring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from survey.reports.figures import _tuple


@dataclass(frozen=True)
class ReasonRow:
    option: str
    label: str
    count: int
    share: float


@dataclass(frozen=True)
class Reasons:
    respondents: int
    suppressed: bool
    rows: tuple[ReasonRow, ...] = ()  # empty when suppressed

    @classmethod
    def from_dict(cls, d: dict) -> Reasons:
        return cls(
            int(d["respondents"]),
            bool(d["suppressed"]),
            _tuple(
                d.get("rows"),
                lambda r: ReasonRow(r["option"], r["label"], int(r["count"]), r["share"]),
            ),
        )

    def to_dict(self) -> dict:
        return {
            "respondents": self.respondents,
            "suppressed": self.suppressed,
            "rows": [
                {"option": r.option, "label": r.label, "count": r.count, "share": r.share}
                for r in self.rows
            ],
        }


@dataclass(frozen=True)
class Page:
    page: str
    responses: int
    not_helped: int
    suppressed = False  # class constant, not a field


@dataclass(frozen=True)
class SuppressedPage:
    page: str
    suppressed = True  # class constant, not a field


@dataclass(frozen=True)
class Searched:
    text: str
    count: int


@dataclass(frozen=True)
class Website:
    shown: bool
    pages: tuple[Page | SuppressedPage, ...] = ()
    searched: tuple[Searched, ...] = ()

    @classmethod
    def from_dict(cls, d: dict) -> Website:
        def page(p):
            if p["suppressed"]:
                return SuppressedPage(p["page"])
            return Page(p["page"], int(p["responses"]), int(p["not_helped"]))

        return cls(
            bool(d["shown"]),
            _tuple(d.get("pages"), page),
            _tuple(d.get("searched"), lambda r: Searched(r["text"], int(r["count"]))),
        )

    def to_dict(self) -> dict:
        pages = []
        for p in self.pages:
            if isinstance(p, SuppressedPage):
                pages.append({"page": p.page, "suppressed": True})
            else:
                pages.append(
                    {
                        "page": p.page,
                        "suppressed": False,
                        "responses": p.responses,
                        "not_helped": p.not_helped,
                    }
                )
        return {
            "shown": self.shown,
            "pages": pages,
            "searched": [{"text": s.text, "count": s.count} for s in self.searched],
        }


@dataclass(frozen=True)
class Comment:
    channel: str
    name: str
    date: str  # Babel medium date in the report language ("3 okt 2026"), Amsterdam time
    text: str  # scrubbed


@dataclass(frozen=True)
class MethodChannel:
    channel: str
    name: str
    contacts: int | None
    responses: int


@dataclass(frozen=True)
class WeightNote:
    """Why the weighting did not go as docs/METHOD.md describes; renderers translate the
    code (survey.reports.texts.WEIGHT_NOTES) and fill in its parameters."""

    code: str  # one of WEIGHT_NOTE_CODES
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_stored(cls, stored, calibrated: bool, trim_factor: float) -> WeightNote | None:
        if not stored:
            return None
        if isinstance(stored, str):
            # Version 2 and before kept the stats core's English message. A calibrated
            # month with a note was raked without trimming; an uncalibrated one fell back
            # to design weights.
            if calibrated:
                return cls(NOT_TRIMMED, {"trim": trim_factor})
            return cls(DESIGN_WEIGHTS)
        return cls(str(stored["code"]), dict(stored.get("params") or {}))

    def to_dict(self) -> dict:
        return {"code": self.code, "params": dict(self.params)}


NOT_TRIMMED = "not_trimmed"  # trimming failed; raked to the volumes without trimming
DESIGN_WEIGHTS = "design_weights"  # raking to the volumes failed; design weights only
WEIGHT_NOTE_CODES = (NOT_TRIMMED, DESIGN_WEIGHTS)


@dataclass(frozen=True)
class Method:
    calibrated: bool
    trimmed: bool
    trim_factor: float
    note: WeightNote | None
    missing_volumes: tuple[str, ...]
    channels: tuple[MethodChannel, ...]

    @classmethod
    def from_dict(cls, d: dict) -> Method:
        return cls(
            bool(d["calibrated"]),
            bool(d["trimmed"]),
            float(d["trim_factor"]),
            WeightNote.from_stored(d.get("note"), bool(d["calibrated"]), float(d["trim_factor"])),
            _tuple(d.get("missing_volumes")),
            _tuple(
                d.get("channels"),
                lambda r: MethodChannel(
                    r["channel"], r["name"], r.get("contacts"), int(r["responses"])
                ),
            ),
        )

    def to_dict(self) -> dict:
        return {
            "calibrated": self.calibrated,
            "trimmed": self.trimmed,
            "trim_factor": self.trim_factor,
            "note": None if self.note is None else self.note.to_dict(),
            "missing_volumes": list(self.missing_volumes),
            "channels": [
                {
                    "channel": c.channel,
                    "name": c.name,
                    "contacts": c.contacts,
                    "responses": c.responses,
                }
                for c in self.channels
            ],
        }


@dataclass(frozen=True)
class NotApplicableRow:
    """How many of those who answered a yes/no/n.v.t. question chose "n.v.t." (ODRA reports
    this share separately: it does not count in the question's yes share). ``na`` and
    ``share`` are None when fewer than the suppression threshold answered."""

    question: str
    label: str
    answered: int
    na: int | None
    share: float | None

    @classmethod
    def from_dict(cls, d: dict) -> NotApplicableRow:
        return cls(d["question"], d["label"], int(d["answered"]), d.get("na"), d.get("share"))

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "label": self.label,
            "answered": self.answered,
            "na": self.na,
            "share": self.share,
        }


# The invitation funnel ---------------------------------------------------------------------

FUNNEL_STAGES = (
    "contacts",
    "eligible",
    "sampled",
    "no_address",
    "opted_out",
    "throttled",
    "capped",
    "invited",
    "quiet_delayed",
    "sent",
    "delivered",
    "opened",
    "completed",
)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class FunnelRow:
    """One contact channel's contacts of a month and how far their invitations got.

    contacts ≥ eligible ≥ sampled = no_address + opted_out + throttled + capped + invited;
    quiet_delayed ⊆ invited ≥ sent ≥ delivered; opened and completed count invitations.
    """

    channel: str
    contacts: int = 0
    eligible: int = 0
    sampled: int = 0
    no_address: int = 0
    opted_out: int = 0
    throttled: int = 0
    capped: int = 0
    invited: int = 0
    quiet_delayed: int = 0
    sent: int = 0
    delivered: int = 0
    opened: int = 0
    completed: int = 0

    @property
    def rates(self) -> dict[str, float | None]:
        """Each step's share of the step before it; `response` is completed of sent."""
        return {
            "eligible": _rate(self.eligible, self.contacts),
            "sampled": _rate(self.sampled, self.eligible),
            "invited": _rate(self.invited, self.sampled),
            "sent": _rate(self.sent, self.invited),
            "delivered": _rate(self.delivered, self.sent),
            "opened": _rate(self.opened, self.sent),
            "completed": _rate(self.completed, self.opened),
            "response": _rate(self.completed, self.sent),
        }

    @classmethod
    def from_dict(cls, d: dict) -> FunnelRow:
        return cls(str(d["channel"]), **{k: int(d.get(k) or 0) for k in FUNNEL_STAGES})

    def to_dict(self) -> dict:
        return {"channel": self.channel, **{k: getattr(self, k) for k in FUNNEL_STAGES}}
