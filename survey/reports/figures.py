"""Figures of the report data: an estimate or a suppressed cell, changes, targets.

Part of ``survey.reports.data`` (which re-exports every name); see its docstring.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


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
        return cls(d.get("question"), d.get("channel"), d["share"], d["label"], d["status"], result)

    def to_dict(self) -> dict:
        # Flat, as stored since version 1.
        out: dict[str, Any] = {
            "question": self.question,
            "channel": self.channel,
            "share": self.share,
            "label": self.label,
            "status": self.status,
        }
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
