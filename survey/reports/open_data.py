"""Open data: a month's headline figures per channel, taken from the stored monthly report.

The figures are the report's own (``ReportData``: the share satisfied with its interval, n
and reliability; the NPS where it was asked), so a published number can never differ from
the staff report. Nothing else of the report is read: no comments, no search terms, no
breakdowns. A suppressed figure (``Suppressed``) has no number to publish; its n is given
as "<10" (words) or left empty (machine formats), as in the report's tables.

Three forms of the same rows:
- ``spreadsheet_table``: for people, in the report's spreadsheet dialect (Dutch: `;`,
  decimal comma, UTF-8 with a byte order mark, percentages rounded as in the report);
- ``machine_table``: RFC 4180 CSV for programs (comma, decimal point, UTF-8 without a byte
  order mark, codes instead of words, shares as fractions 0..1 with four decimals);
- ``json_document``: the same values as the machine CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from survey.reports import display, texts
from survey.reports.data import Estimate, Figure, ReportData
from survey.stats import round_half_up, round_percent

SHARE_DECIMALS = 4  # 0.9250 = 92.50%
NPS_DECIMALS = 1
LANGUAGES = ("nl", "en")

HEADERS = {
    "channel": _l("Channel"),
    "satisfied": _l("Satisfied (percentage)"),
    "low": _l("Lower bound (percentage)"),
    "high": _l("Upper bound (percentage)"),
    "n": _l("Responses (n)"),
    "reliability": _l("Reliability"),
    "nps": _l("NPS"),
    "nps_low": _l("NPS lower bound"),
    "nps_high": _l("NPS upper bound"),
    "nps_n": _l("NPS responses (n)"),
    "nps_reliability": _l("NPS reliability"),
}
MACHINE_HEADERS = [
    "organisation",
    "month",
    "channel",
    "satisfied_share",
    "satisfied_low",
    "satisfied_high",
    "satisfied_n",
    "satisfied_reliability",
    "nps",
    "nps_low",
    "nps_high",
    "nps_n",
    "nps_reliability",
]


@dataclass(frozen=True)
class Headline:
    """One row: all channels (``channel`` None) or one contact channel."""

    channel: str | None
    satisfied: Figure
    nps: Figure  # None: not asked in this channel

    @property
    def code(self) -> str:
        return self.channel or "all"

    def name(self, language: str) -> str:
        if self.channel is None:
            return texts.word("all_channels", language)
        return texts.channel_name(self.channel, language)


def headlines(data: ReportData) -> list[Headline]:
    """All channels first, then each channel of the report, in the report's order."""
    summary = data.summary
    rows = [Headline(None, summary.satisfied, summary.nps if summary.nps_channels else None)]
    rows += [Headline(c.channel, c.satisfied, c.nps) for c in data.channels]
    return rows


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else float(round_half_up(value, digits))


def share_values(est: Figure) -> dict:
    """A share for machines: estimate, bounds (0..1), n and reliability; a suppressed or
    missing figure has no numbers (and no n: a small cell's count is not published)."""
    if not isinstance(est, Estimate):
        return {
            "share": None, "low": None, "high": None, "n": None,
            "reliability": "no_data" if est is None else "suppressed",
        }  # fmt: skip
    return {
        "share": _round(est.estimate, SHARE_DECIMALS),
        "low": _round(est.low, SHARE_DECIMALS),
        "high": _round(est.high, SHARE_DECIMALS),
        "n": int(est.n),
        "reliability": est.reliability,
    }


def nps_values(est: Figure) -> dict | None:
    if est is None:
        return None
    if not isinstance(est, Estimate):
        return {"score": None, "low": None, "high": None, "n": None, "reliability": "suppressed"}
    return {
        "score": _round(est.estimate, NPS_DECIMALS),
        "low": _round(est.low, NPS_DECIMALS),
        "high": _round(est.high, NPS_DECIMALS),
        "n": int(est.n),
        "reliability": est.reliability,
    }


def json_document(slug: str, name: str, month: date, data: ReportData, built_at) -> dict:
    return {
        "organisation": {"code": slug, "name": name},
        "month": f"{month:%Y-%m}",
        "weighted": bool(data.meta.weighted),
        "built_at": built_at.isoformat() if built_at else None,
        "suppress_below": display.SUPPRESS_BELOW,
        "figures": [
            {
                "channel": row.code,
                "name": {lang: row.name(lang) for lang in LANGUAGES},
                "satisfied": share_values(row.satisfied),
                "nps": nps_values(row.nps),
            }
            for row in headlines(data)
        ],
    }


def machine_table(slug: str, month: date, data: ReportData) -> tuple[list[str], list[list]]:
    rows = []
    for row in headlines(data):
        share = share_values(row.satisfied)
        nps = nps_values(row.nps) or {}
        rows.append(
            [
                slug,
                f"{month:%Y-%m}",
                row.code,
                share["share"], share["low"], share["high"], share["n"], share["reliability"],
                nps.get("score"), nps.get("low"), nps.get("high"), nps.get("n"),
                nps.get("reliability"),
            ]
        )  # fmt: skip
    return list(MACHINE_HEADERS), rows


def _pct(est: Figure, key: str, language: str):
    if est is None:
        return None
    if not isinstance(est, Estimate):
        return texts.word("suppressed", language)
    return round_percent(getattr(est, key))


def _points(est: Figure, key: str, language: str):
    if est is None:
        return None
    if not isinstance(est, Estimate):
        return texts.word("suppressed", language)
    return round_half_up(getattr(est, key))


def _n(est: Figure, language: str):
    if est is None:
        return None
    if not isinstance(est, Estimate):
        return texts.word("less_than_10", language)
    return int(est.n)


def _flag(est: Figure, language: str):
    return None if est is None else texts.word(est.reliability, language)


def spreadsheet_table(data: ReportData, language: str) -> tuple[list[str], list[list]]:
    """The rows for people, rounded as the report rounds (whole percentages, NPS points)."""
    with_nps = any(row.nps is not None for row in headlines(data))
    keys = list(HEADERS) if with_nps else list(HEADERS)[:6]
    headers = [str(HEADERS[k]) for k in keys]
    rows = []
    for row in headlines(data):
        values = [
            row.name(language),
            _pct(row.satisfied, "estimate", language),
            _pct(row.satisfied, "low", language),
            _pct(row.satisfied, "high", language),
            _n(row.satisfied, language),
            _flag(row.satisfied, language),
        ]
        if with_nps:
            values += [
                _points(row.nps, "estimate", language),
                _points(row.nps, "low", language),
                _points(row.nps, "high", language),
                _n(row.nps, language),
                _flag(row.nps, language),
            ]
        rows.append(values)
    return headers, rows
