"""The monthly report's data: a typed, versioned structure that every renderer reads.

The builder makes one ``ReportData``; the PDF, the spreadsheet, the charts and the staff
page read it, and the database keeps it as JSON (``to_dict``/``from_dict``). A suppressed
figure is a ``Suppressed``: it has only ``n`` and its flag, no field a renderer could take
a number from. The same holds for suppressed website pages (``SuppressedPage``) and for
targets whose figure is suppressed (``Target.result`` is None).

Versions of the stored shape:
  1  the plain dicts of before (no "version" key); read as version 2 with ``left_out`` 0.
  2  ``version`` and ``meta.left_out``: stored rows the build could not use (``LeftOut``).
  3  ``method.note`` is a ``WeightNote`` (a code and its parameters, translated by the
     renderers) instead of an English sentence; an older text note is read as the code its
     ``method.calibrated`` implies.
  4  ``funnel``: the invitation funnel per contact channel (``FunnelRow``, counts only; the
     rates are derived). Older data has none and is read with an empty funnel.
     Since version 4 a target may also carry ``measure: "nps"`` (its share, estimate and
     interval are then NPS points, -100..100); without it a target is a share, as before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

VERSION = 4


class UnknownVersion(ValueError):
    """Stored report data of a shape this code cannot read (newer than VERSION)."""


def number(value) -> float | None:
    """A plain Python float, or None for missing, NaN and infinities (JSON-ready)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    value = float(value)
    return value if math.isfinite(value) else None


def _tuple(values, make=lambda v: v) -> tuple:
    return tuple(make(v) for v in values or ())


# Figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """A figure that may be shown: weighted estimate with its 95% interval."""

    n: int
    reliability: str  # "ok" or "indicative"
    estimate: float | None
    low: float | None
    high: float | None
    se: float | None
    n_eff: float | None
    unweighted: float | None

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "reliability": self.reliability,
            "estimate": self.estimate,
            "low": self.low,
            "high": self.high,
            "se": self.se,
            "n_eff": self.n_eff,
            "unweighted": self.unweighted,
        }


@dataclass(frozen=True)
class Suppressed:
    """A figure from fewer than the minimum responses: its n and flag, never a number."""

    n: int
    reliability: str = "suppressed"

    def to_dict(self) -> dict:
        return {"n": self.n, "reliability": "suppressed"}


Figure = Estimate | Suppressed | None


def figure(d: dict | None) -> Figure:
    if d is None:
        return None
    if d.get("reliability") == "suppressed":
        return Suppressed(n=int(d["n"]))
    return Estimate(
        n=int(d["n"]),
        reliability=d["reliability"],
        estimate=d.get("estimate"),
        low=d.get("low"),
        high=d.get("high"),
        se=d.get("se"),
        n_eff=d.get("n_eff"),
        unweighted=d.get("unweighted"),
    )


def _figure_dict(value: Figure) -> dict | None:
    return None if value is None else value.to_dict()


@dataclass(frozen=True)
class Change:
    """a - b with its interval and significance (only made when both may be shown)."""

    difference: float | None
    low: float | None
    high: float | None
    p: float | None
    significant: bool

    @classmethod
    def from_dict(cls, d: dict | None) -> Change | None:
        if d is None:
            return None
        return cls(d["difference"], d.get("low"), d.get("high"), d.get("p"), d["significant"])

    def to_dict(self) -> dict:
        return {
            "difference": self.difference,
            "low": self.low,
            "high": self.high,
            "p": self.p,
            "significant": self.significant,
        }


@dataclass(frozen=True)
class Changes:
    previous: Change | None
    last_year: Change | None

    @classmethod
    def from_dict(cls, d: dict) -> Changes:
        return cls(Change.from_dict(d.get("previous")), Change.from_dict(d.get("last_year")))

    def to_dict(self) -> dict:
        return {
            "previous": _change_dict(self.previous),
            "last_year": _change_dict(self.last_year),
        }


def _change_dict(value: Change | None) -> dict | None:
    return None if value is None else value.to_dict()


# Targets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetResult:
    """The figure a target is judged on, present only when it may be shown."""

    estimate: float | None
    low: float | None
    high: float | None
    n: int
    certain: bool
    reliability: str


@dataclass(frozen=True)
class Target:
    question: str | None
    channel: str | None
    share: float
    label: str
    status: str  # met, not_met, suppressed, no_data
    result: TargetResult | None = None
    # satisfied or yes_share (shares 0..1), or nps (NPS points -100..100).
    measure: str = "satisfied"

    @property
    def is_nps(self) -> bool:
        return self.measure == "nps"

    @classmethod
    def from_dict(cls, d: dict | None) -> Target | None:
        if d is None:
            return None
        result = None
        if d["status"] in ("met", "not_met"):
            result = TargetResult(
                d.get("estimate"),
                d.get("low"),
                d.get("high"),
                int(d["n"]),
                bool(d.get("certain")),
                d["reliability"],
            )
        measure = d.get("measure") or ("yes_share" if d.get("question") else "satisfied")
        return cls(
            d.get("question"), d.get("channel"), d["share"], d["label"], d["status"], result,
            measure,
        )

    def to_dict(self) -> dict:
        # Flat, as stored since version 1.
        out: dict[str, Any] = {
            "question": self.question,
            "channel": self.channel,
            "share": self.share,
            "label": self.label,
            "status": self.status,
        }
        if self.is_nps:
            out["measure"] = self.measure
        if self.result is not None:
            r = self.result
            out.update(
                estimate=r.estimate,
                low=r.low,
                high=r.high,
                n=r.n,
                certain=r.certain,
                reliability=r.reliability,
            )
        return out


# Sections --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Organisation:
    slug: str
    name: str


@dataclass(frozen=True)
class LeftOut:
    """Stored rows left out of the weighted figures because they cannot be used: an
    inclusion probability outside (MIN_INCLUSION, 1] or not a number, or a score outside
    its scale. They are logged and counted here; the report is built without them."""

    responses: int = 0  # of the report month
    earlier_responses: int = 0  # of the twelve months before it (trend, changes)
    answers: int = 0  # scores of the report month outside their scale

    @property
    def total(self) -> int:
        return self.responses + self.earlier_responses + self.answers

    @classmethod
    def from_dict(cls, d: dict | None) -> LeftOut:
        d = d or {}
        return cls(
            int(d.get("responses", 0)),
            int(d.get("earlier_responses", 0)),
            int(d.get("answers", 0)),
        )

    def to_dict(self) -> dict:
        return {
            "responses": self.responses,
            "earlier_responses": self.earlier_responses,
            "answers": self.answers,
        }


@dataclass(frozen=True)
class Meta:
    organisation: Organisation
    month: str  # YYYY-MM
    month_name: str
    language: str
    weighted: bool
    left_out: LeftOut = LeftOut()

    @classmethod
    def from_dict(cls, d: dict) -> Meta:
        org = d["organisation"]
        return cls(
            Organisation(org.get("slug", ""), org["name"]),
            d["month"],
            d["month_name"],
            d["language"],
            bool(d["weighted"]),
            LeftOut.from_dict(d.get("left_out")),
        )

    def to_dict(self) -> dict:
        return {
            "organisation": {"slug": self.organisation.slug, "name": self.organisation.name},
            "month": self.month,
            "month_name": self.month_name,
            "language": self.language,
            "weighted": self.weighted,
            "left_out": self.left_out.to_dict(),
        }


@dataclass(frozen=True)
class Summary:
    responses: int
    satisfied: Figure
    nps: Figure
    nps_channels: tuple[str, ...]
    satisfied_changes: Changes
    nps_changes: Changes
    targets: tuple[Target, ...]

    MEASURES = ("satisfied", "nps")

    def measure(self, name: str) -> tuple[Figure, Changes]:
        """The figure and its changes of one measure ("satisfied" or "nps")."""
        if name == "satisfied":
            return self.satisfied, self.satisfied_changes
        if name == "nps":
            return self.nps, self.nps_changes
        raise KeyError(name)

    @classmethod
    def from_dict(cls, d: dict) -> Summary:
        changes = d["changes"]
        return cls(
            int(d["responses"]),
            figure(d["satisfied"]),
            figure(d["nps"]),
            _tuple(d.get("nps_channels")),
            Changes.from_dict(changes["satisfied"]),
            Changes.from_dict(changes["nps"]),
            _tuple(d.get("targets"), Target.from_dict),
        )

    def to_dict(self) -> dict:
        return {
            "responses": self.responses,
            "satisfied": _figure_dict(self.satisfied),
            "nps": _figure_dict(self.nps),
            "nps_channels": list(self.nps_channels),
            "changes": {
                "satisfied": self.satisfied_changes.to_dict(),
                "nps": self.nps_changes.to_dict(),
            },
            "targets": [t.to_dict() for t in self.targets],
        }


@dataclass(frozen=True)
class ChannelRow:
    channel: str
    name: str
    responses: int
    contacts: int | None
    satisfied: Figure
    nps: Figure
    grade: Figure
    change_previous: Change | None
    change_last_year: Change | None
    target: Target | None

    @classmethod
    def from_dict(cls, d: dict) -> ChannelRow:
        return cls(
            d["channel"],
            d["name"],
            int(d["responses"]),
            d.get("contacts"),
            figure(d.get("satisfied")),
            figure(d.get("nps")),
            figure(d.get("grade")),
            Change.from_dict(d.get("change_previous")),
            Change.from_dict(d.get("change_last_year")),
            Target.from_dict(d.get("target")),
        )

    def to_dict(self) -> dict:
        return {
            "channel": self.channel,
            "name": self.name,
            "responses": self.responses,
            "contacts": self.contacts,
            "satisfied": _figure_dict(self.satisfied),
            "nps": _figure_dict(self.nps),
            "grade": _figure_dict(self.grade),
            "change_previous": _change_dict(self.change_previous),
            "change_last_year": _change_dict(self.change_last_year),
            "target": None if self.target is None else self.target.to_dict(),
        }


@dataclass(frozen=True)
class TrendRow:
    channel: str | None  # None: all channels
    name: str
    points: tuple[Figure, ...]


@dataclass(frozen=True)
class Trend:
    months: tuple[str, ...]
    labels: tuple[str, ...]
    weighted: tuple[bool, ...]
    rows: tuple[TrendRow, ...]

    @classmethod
    def from_dict(cls, d: dict) -> Trend:
        return cls(
            _tuple(d["months"]),
            _tuple(d["labels"]),
            _tuple(d["weighted"], bool),
            _tuple(
                d["rows"],
                lambda r: TrendRow(r.get("channel"), r["name"], _tuple(r["points"], figure)),
            ),
        )

    def to_dict(self) -> dict:
        return {
            "months": list(self.months),
            "labels": list(self.labels),
            "weighted": list(self.weighted),
            "rows": [
                {
                    "channel": r.channel,
                    "name": r.name,
                    "points": [_figure_dict(p) for p in r.points],
                }
                for r in self.rows
            ],
        }


@dataclass(frozen=True)
class BreakdownRow:
    name: str
    responses: int
    satisfied: Figure


DIMENSIONS = ("location", "unit", "topic")


@dataclass(frozen=True)
class Breakdowns:
    location: tuple[BreakdownRow, ...] = ()
    unit: tuple[BreakdownRow, ...] = ()
    topic: tuple[BreakdownRow, ...] = ()

    def of(self, dimension: str) -> tuple[BreakdownRow, ...]:
        if dimension not in DIMENSIONS:
            raise KeyError(dimension)
        return getattr(self, dimension)

    @classmethod
    def from_dict(cls, d: dict) -> Breakdowns:
        def rows(dim):
            return _tuple(
                d.get(dim),
                lambda r: BreakdownRow(r["name"], int(r["responses"]), figure(r["satisfied"])),
            )

        return cls(*(rows(dim) for dim in DIMENSIONS))

    def to_dict(self) -> dict:
        return {
            dim: [
                {"name": r.name, "responses": r.responses, "satisfied": _figure_dict(r.satisfied)}
                for r in self.of(dim)
            ]
            for dim in DIMENSIONS
        }


@dataclass(frozen=True)
class Heatmap:
    """Responses per weekday (0 = Monday) x hour, satisfied share where it may be shown."""

    volume: tuple[tuple[int, ...], ...]
    satisfied: tuple[tuple[float | None, ...], ...]
    days: tuple[str, ...]

    @classmethod
    def from_dict(cls, d: dict) -> Heatmap:
        return cls(
            _tuple(d["volume"], lambda row: _tuple(row, int)),
            _tuple(d["satisfied"], _tuple),
            _tuple(d["days"]),
        )

    def to_dict(self) -> dict:
        return {
            "volume": [list(r) for r in self.volume],
            "satisfied": [list(r) for r in self.satisfied],
            "days": list(self.days),
        }


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


# The report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportData:
    meta: Meta
    summary: Summary
    channels: tuple[ChannelRow, ...]
    trend: Trend
    breakdowns: Breakdowns
    heatmap: Heatmap
    reasons: Reasons
    website: Website
    comments: tuple[Comment, ...]
    method: Method
    funnel: tuple[FunnelRow, ...] = ()
    version: int = field(default=VERSION)

    @property
    def language(self) -> str:
        return self.meta.language

    def to_dict(self) -> dict:
        """JSON-ready (plain Python numbers, no NaN), in the stored shape of VERSION."""
        return _clean(
            {
                "version": VERSION,
                "meta": self.meta.to_dict(),
                "summary": self.summary.to_dict(),
                "channels": [c.to_dict() for c in self.channels],
                "trend": self.trend.to_dict(),
                "breakdowns": self.breakdowns.to_dict(),
                "heatmap": self.heatmap.to_dict(),
                "reasons": self.reasons.to_dict(),
                "website": self.website.to_dict(),
                "comments": [
                    {"channel": c.channel, "name": c.name, "date": c.date, "text": c.text}
                    for c in self.comments
                ],
                "method": self.method.to_dict(),
                "funnel": [r.to_dict() for r in self.funnel],
            }
        )

    @classmethod
    def from_dict(cls, d: dict) -> ReportData:
        """Stored data of any known version (a missing "version" is version 1)."""
        version = int(d.get("version", 1))
        if version > VERSION:
            raise UnknownVersion(f"Report data version {version} is newer than {VERSION}.")
        return cls(
            meta=Meta.from_dict(d["meta"]),
            summary=Summary.from_dict(d["summary"]),
            channels=_tuple(d["channels"], ChannelRow.from_dict),
            trend=Trend.from_dict(d["trend"]),
            breakdowns=Breakdowns.from_dict(d["breakdowns"]),
            heatmap=Heatmap.from_dict(d["heatmap"]),
            reasons=Reasons.from_dict(d["reasons"]),
            website=Website.from_dict(d["website"]),
            comments=_tuple(
                d.get("comments"),
                lambda c: Comment(c["channel"], c["name"], c["date"], c["text"]),
            ),
            method=Method.from_dict(d["method"]),
            funnel=_tuple(d.get("funnel"), FunnelRow.from_dict),
            version=VERSION,
        )


def _clean(value):
    """numpy scalars to Python numbers, NaN and infinities to None (JSON has neither)."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
