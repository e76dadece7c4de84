"""The "closing the loop" section of quarter, year and unit reports: callback requests and
complaint referrals counted over the whole period (a quarter spanning three months of cases
here), a unit's report restricted to the unit; figures recomputed from the rows made here."""

from __future__ import annotations

import io
import statistics
from datetime import date, datetime

import pdfplumber
import pytest
from sqlalchemy import select

from survey.domain.working_days import deadline
from survey.extensions import db
from survey.models import Organisation, Unit
from survey.reports import dashboard_cells, dashboard_data, follow_up_build, pdf
from survey.reports.periods import Period
from survey.services import period_reports
from survey.services.responses import record_many
from tests.reports.data import load_month, payload
from tests.reports.test_follow_up import AMS, CASES, NORM_DAYS, _add_cases, _add_complaints, wilson

QUARTER = Period("quarter", date(2026, 10, 1), date(2026, 12, 1))
AS_OF = datetime(2027, 1, 4, 12, tzinfo=AMS)  # every request of the quarter is due by then


def at(month: int, day: int, hour: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=AMS)


# November: phone, KCC; December: counter, Burgerzaken. (channel, unit, created, first
# contact, status, outcome, working days to first contact counted by hand.) 2 November 2026
# is a Monday; 25 and 26 December are public holidays.
MORE = [
    ("phone", "kcc", at(11, 2, 10), at(11, 2, 14), "done", "solved", 4 / 24),
    ("phone", "kcc", at(11, 3, 9), at(11, 4, 9), "done", "solved", 1.0),
    ("phone", "kcc", at(11, 4, 12), at(11, 9, 12), "done", "explained", 3.0),  # late
    ("phone", "kcc", at(11, 5, 10), None, "new", None, None),  # missed
    ("phone", "kcc", at(11, 6, 15), at(11, 9, 9), "done", "solved", 18 / 24),  # Fri-Mon
    ("phone", "kcc", at(11, 10, 10), at(11, 10, 11), "unreachable", None, 1 / 24),
    ("phone", "kcc", at(11, 11, 10), at(11, 12, 10), "done", "referred", 1.0),
    ("phone", "kcc", at(11, 12, 10), at(11, 12, 16), "done", "other", 6 / 24),
    ("counter", "burgerzaken", at(12, 1, 10), at(12, 1, 12), "done", "solved", 2 / 24),
    ("counter", "burgerzaken", at(12, 2, 10), at(12, 3, 10), "done", "solved", 1.0),
    ("counter", "burgerzaken", at(12, 3, 10), None, "new", None, None),  # missed
    ("counter", "burgerzaken", at(12, 4, 10), at(12, 7, 10), "done", "explained", 1.0),
    ("counter", "burgerzaken", at(12, 8, 10), at(12, 8, 11), "done", None, 1 / 24),
    ("counter", "burgerzaken", at(12, 24, 10), at(12, 28, 10), "done", "solved", 1.0),
]
# Outside the quarter: the last of September and the first of January.
OUTSIDE = [
    ("phone", "kcc", at(9, 30, 10), at(9, 30, 12), "done", "solved", 2 / 24),
    ("counter", "burgerzaken", at(1, 2, 10, 2027), None, "new", None, None),
]
QUARTER_CASES = CASES + MORE


@pytest.fixture
def quarter(demo_org, monkeypatch):
    dashboard_cells.clear()
    org = db.session.execute(select(Organisation).where(Organisation.slug == "demo")).scalar_one()
    org.callback_norm_days = NORM_DAYS
    db.session.commit()
    load_month()
    _add_complaints()  # October: 4 counter (3 Burgerzaken) and 2 phone referrals of 91
    # November: 12 counter responses, 2 of them choosing the complaint reason.
    record_many(
        [
            payload("counter", "balie", "kiosk", 1.0,
                    {"oordeel": "down", "reden": ["klacht"]} if i < 2 else {"oordeel": "up"},
                    at(11, 16 + i % 5, 11))
            for i in range(12)
        ]
    )  # fmt: skip
    _add_cases(org, QUARTER_CASES + OUTSIDE)
    real = follow_up_build.collect_period
    monkeypatch.setattr(
        follow_up_build, "collect_period",
        lambda o, first, last, filters=None, now=None: real(o, first, last, filters, AS_OF),
    )  # fmt: skip

    def report(unit: str | None = None):
        unit_id = None
        if unit:
            unit_id = db.session.execute(select(Unit.id).where(Unit.slug == unit)).scalar_one()
        filters = dashboard_data.Filters(unit_id=unit_id)
        return period_reports.report_data(org, QUARTER, filters, "nl", date(2027, 1, 4))

    yield report
    dashboard_cells.clear()


def _truth(cases) -> dict:
    decided = [c for c in cases if c[3] is not None or deadline(c[2], NORM_DAYS) <= AS_OF]
    within = [c for c in decided if c[3] is not None and c[3] <= deadline(c[2], NORM_DAYS)]
    return {
        "received": len(cases),
        "decided": len(decided),
        "within": len(within),
        "days": [c[6] for c in cases if c[3] is not None],
        "closed": [c for c in cases if c[4] in ("done", "unreachable")],
    }


def test_the_quarter_report_counts_callbacks_of_its_three_months(quarter):
    data = quarter()
    rows = {(r.group, r.name): r for r in data.follow_up.callbacks}
    assert list(rows) == [
        ("all", "Alle kanalen"), ("channel", "Balie"), ("channel", "Telefoon"),
        ("unit", "Burgerzaken"), ("unit", "Klantcontactcentrum"),
    ]  # fmt: skip
    groups = {
        ("all", "Alle kanalen"): QUARTER_CASES,
        ("channel", "Balie"): [c for c in QUARTER_CASES if c[0] == "counter"],
        ("channel", "Telefoon"): [c for c in QUARTER_CASES if c[0] == "phone"],
        ("unit", "Burgerzaken"): [c for c in QUARTER_CASES if c[1] == "burgerzaken"],
        ("unit", "Klantcontactcentrum"): [c for c in QUARTER_CASES if c[1] == "kcc"],
    }
    for key, cases in groups.items():
        row, truth = rows[key], _truth(cases)
        assert (row.received, row.decided, row.pending) == (
            truth["received"], truth["decided"], truth["received"] - truth["decided"]
        ), key
        assert row.contacted == len(truth["days"]) and row.closed == len(truth["closed"])
        if truth["decided"] >= 10:
            assert row.within_norm.estimate == pytest.approx(truth["within"] / truth["decided"])
            low, high = wilson(truth["within"], truth["decided"])
            assert (row.within_norm.low, row.within_norm.high) == (
                pytest.approx(low), pytest.approx(high)
            )
        if len(truth["days"]) >= 10:
            assert row.median_days == pytest.approx(statistics.median(truth["days"]))
            p90 = statistics.quantiles(truth["days"], n=10, method="inclusive")[8]
            assert row.p90_days == pytest.approx(p90)
    # The literal figures: 16 October, 8 November and 6 December requests; the September
    # and January ones are not in the quarter; on 4 January every request is due.
    whole = rows[("all", "Alle kanalen")]
    assert (whole.received, whole.decided, whole.pending, whole.contacted) == (30, 30, 0, 25)
    assert rows[("channel", "Balie")].received == 3 + 6
    assert rows[("channel", "Telefoon")].received == 13 + 8
    assert whole.outcomes == {"solved": 5 + 3 + 3, "explained": 2 + 1 + 1, "referred": 1 + 1,
                              "complaint": 1, "other": 1 + 1, "unreachable": 1 + 1,
                              "not_recorded": 1 + 0 + 1}  # fmt: skip


def test_the_quarter_report_counts_referrals_of_its_three_months(quarter):
    rows = {(r.group, r.name): r for r in quarter().follow_up.referrals}
    # October: 91 responses to surveys with a complaint reason, 6 referred; November: 12, 2.
    assert (rows[("all", "Alle kanalen")].responses, rows[("all", "Alle kanalen")].referrals) == (
        91 + 12, 6 + 2
    )
    assert rows[("all", "Alle kanalen")].share == pytest.approx(8 / 103)
    assert (rows[("channel", "Balie")].responses, rows[("channel", "Balie")].referrals) == (
        44 + 12, 4 + 2
    )


def test_a_unit_report_counts_the_units_requests_only(quarter):
    data = quarter("burgerzaken")
    rows = {(r.group, r.name): r for r in data.follow_up.callbacks}
    assert list(rows) == [("all", "Alle kanalen"), ("channel", "Balie"), ("unit", "Burgerzaken")]
    mine = [c for c in QUARTER_CASES if c[1] == "burgerzaken"]
    truth = _truth(mine)
    whole = rows[("all", "Alle kanalen")]
    assert (whole.received, whole.decided, whole.contacted, whole.closed) == (
        truth["received"], truth["decided"], len(truth["days"]), len(truth["closed"])
    ) == (8, 8, 6, 6)
    assert whole.within_norm.reliability == "suppressed"  # 8 decided: too few to show
    referrals = {(r.group, r.name): r for r in data.follow_up.referrals}
    assert referrals[("all", "Alle kanalen")].responses == 3  # Burgerzaken's own responses
    assert referrals[("all", "Alle kanalen")].referrals is None  # suppressed
    assert ("unit", "Klantcontactcentrum") not in referrals


def test_the_quarter_pdf_carries_the_section(quarter):
    with pdfplumber.open(io.BytesIO(pdf.render(quarter()))) as doc:
        text = " ".join(" ".join((p.extract_text() or "").split()) for p in doc.pages)
    assert "De cirkel rond" in text and "Binnen de norm" in text
    assert "Verzoeken die in deze periode binnenkwamen" in text
    assert "Verzoeken die deze maand" not in text
    assert "Alle kanalen 30 0" in text  # received, pending
