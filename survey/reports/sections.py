"""Sections of the report data: meta, summary, channels, trend, breakdowns, heatmap.

Part of ``survey.reports.data`` (which re-exports every name); see its docstring.
"""

from __future__ import annotations

from dataclasses import dataclass

from survey.reports.figures import (
    Change,
    Changes,
    Figure,
    Target,
    _change_dict,
    _figure_dict,
    _tuple,
    figure,
)


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
    # A year report's second line: the same months of the year before (else empty).
    before: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class Trend:
    """The trend's periods (``months``: their codes, ``labels``: axis labels) and one row per
    channel. A year report also has the year before: each row's ``before`` holds the same
    months a year earlier, ``legend`` names the two lines ("2026", "2025") and
    ``month_names`` are the months without their year ("jan", for the tables)."""

    months: tuple[str, ...]
    labels: tuple[str, ...]
    weighted: tuple[bool, ...]
    rows: tuple[TrendRow, ...]
    legend: tuple[str, ...] = ()  # (this year, the year before) when rows have ``before``
    month_names: tuple[str, ...] = ()

    @property
    def has_before(self) -> bool:
        return len(self.legend) == 2

    @classmethod
    def from_dict(cls, d: dict) -> Trend:
        return cls(
            _tuple(d["months"]),
            _tuple(d["labels"]),
            _tuple(d["weighted"], bool),
            _tuple(
                d["rows"],
                lambda r: TrendRow(
                    r.get("channel"),
                    r["name"],
                    _tuple(r["points"], figure),
                    _tuple(r.get("before"), figure),
                ),
            ),
            _tuple(d.get("legend")),
            _tuple(d.get("month_names")),
        )

    def to_dict(self) -> dict:
        out = {
            "months": list(self.months),
            "labels": list(self.labels),
            "weighted": list(self.weighted),
            "rows": [
                {
                    "channel": r.channel,
                    "name": r.name,
                    "points": [_figure_dict(p) for p in r.points],
                    **({"before": [_figure_dict(p) for p in r.before]} if r.before else {}),
                }
                for r in self.rows
            ],
        }
        if self.has_before:
            out["legend"] = list(self.legend)
            out["month_names"] = list(self.month_names)
        return out


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
