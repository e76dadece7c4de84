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
  5  ``not_applicable``: the share of "n.v.t." answers per yes/no/n.v.t. question
     (``NotApplicableRow``); older data reads as none.
  6  ``follow_up``: complaint referrals and callback requests per channel and unit
     (``FollowUp``, survey/reports/follow_up_data.py); older data reads as none.
  7  a year report's ``trend`` may carry the year before: ``rows[].before`` (the same
     months a year earlier), ``legend`` and ``month_names``; older data has none.
  A target may also carry ``measure: "nps"`` (its share, estimate and interval are then NPS
  points, -100..100); without it a target is a share, as before (any version reads so).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from survey.reports.details import (  # noqa: F401  (the data's names live here too)
    DESIGN_WEIGHTS,
    FUNNEL_STAGES,
    NOT_TRIMMED,
    WEIGHT_NOTE_CODES,
    Comment,
    FunnelRow,
    Method,
    MethodChannel,
    NotApplicableRow,
    Page,
    ReasonRow,
    Reasons,
    Searched,
    SuppressedPage,
    Website,
    WeightNote,
)
from survey.reports.figures import (  # noqa: F401
    Change,
    Changes,
    Estimate,
    Figure,
    Suppressed,
    Target,
    TargetResult,
    _tuple,
    figure,
    number,
)
from survey.reports.follow_up_data import (  # noqa: F401
    CallbackRow,
    FollowUp,
    ReferralRow,
)
from survey.reports.sections import (  # noqa: F401
    DIMENSIONS,
    BreakdownRow,
    Breakdowns,
    ChannelRow,
    Heatmap,
    LeftOut,
    Meta,
    Organisation,
    Summary,
    Trend,
    TrendRow,
)

VERSION = 7


class UnknownVersion(ValueError):
    """Stored report data of a shape this code cannot read (newer than VERSION)."""


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
    not_applicable: tuple[NotApplicableRow, ...] = ()
    follow_up: FollowUp = field(default_factory=FollowUp)
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
                "not_applicable": [r.to_dict() for r in self.not_applicable],
                "follow_up": self.follow_up.to_dict(),
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
            not_applicable=_tuple(d.get("not_applicable"), NotApplicableRow.from_dict),
            follow_up=FollowUp.from_dict(d.get("follow_up")),
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
