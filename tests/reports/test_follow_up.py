"""The monthly report's "closing the loop" section: complaint referrals and callback requests
per channel and unit, every figure recomputed here from the rows the test made (working days
counted by hand, Wilson's interval from its formula, percentiles by the standard library), in
the data, the XLSX and the Dutch CSV, and small cells suppressed."""

from __future__ import annotations

import csv
import io
import math
import statistics
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pdfplumber
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from survey.database import unit_of_work
from survey.domain.working_days import deadline
from survey.extensions import db
from survey.models import CallbackCase, CallbackRequest, Organisation, Unit
from survey.reports import spreadsheet
from survey.reports.follow_up_build import working_days_elapsed
from survey.services import reports
from survey.services.responses import record_many
from survey.services.users import add_user
from tests.reports.data import load_month, october, payload

AMS = ZoneInfo("Europe/Amsterdam")
Z95 = 1.959963984540054


def local(day: int, hour: int, minute: int = 0, month: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS)


# (channel, unit, created, first contact, status, outcome, working days to first contact
# counted by hand: the hours on Monday-Friday between the two moments / 24). October 2026:
# the 1st is a Thursday; no public holidays; summer time ends on Sunday the 25th.
CASES = [
    ("phone", "kcc", local(1, 10), local(1, 16), "done", "solved", 6 / 24),
    ("phone", "kcc", local(1, 12), local(2, 12), "done", "solved", 1.0),
    ("phone", "kcc", local(2, 15), local(5, 9), "done", "explained", (9 + 9) / 24),  # Fri-Mon
    ("phone", "kcc", local(2, 18), local(6, 18), "done", "solved", (6 + 24 + 18) / 24),
    ("phone", "kcc", local(3, 10), local(5, 12), "done", "complaint", 12 / 24),  # Saturday
    ("phone", "kcc", local(5, 8), local(5, 8, 30), "unreachable", None, 0.5 / 24),
    ("phone", "kcc", local(6, 9), local(8, 9), "done", "referred", 2.0),
    ("phone", "kcc", local(7, 9), local(7, 21), "done", None, 0.5),
    ("phone", "kcc", local(8, 12), local(12, 12), "done", "solved", (12 + 24 + 12) / 24),
    ("phone", "kcc", local(9, 12), local(14, 12), "done", "explained", 3.0),  # late
    ("phone", "kcc", local(12, 10), local(12, 11), "in_progress", None, 1 / 24),
    ("phone", "kcc", local(23, 17), local(26, 9), "done", "other", (7 + 9) / 24),  # DST
    ("phone", "kcc", local(13, 10), None, "new", None, None),  # due 15th: missed
    ("counter", "burgerzaken", local(14, 10), local(14, 15), "done", "solved", 5 / 24),
    ("counter", "burgerzaken", local(15, 10), None, "new", None, None),  # missed
    ("counter", None, local(30, 10), None, "new", None, None),  # still pending (see below)
]
NORM_DAYS = 2
# A report of October made on 31 October at noon: the request of the 30th is due on 3
# November, so it is pending; all others are decided.
AS_OF = local(31, 12)


def _add_cases(org: Organisation, cases=CASES) -> None:
    units = {u.slug: u.id for u in db.session.execute(select(Unit)).scalars()}
    with unit_of_work() as session:
        for channel, unit, created, first, status, outcome, _ in cases:
            request = CallbackRequest(
                uuid=uuid.uuid4(), payload_hash="0" * 64, organisation_id=org.id,
                survey_mode="kiosk" if channel == "counter" else "sms", contact_channel=channel,
                consent_at=created, created_at=created,
            )  # fmt: skip
            session.add(request)
            session.flush()
            session.add(
                CallbackCase(
                    organisation_id=org.id, request_id=request.id,
                    unit_id=units[unit] if unit else None, status=status, outcome=outcome,
                    norm_days=NORM_DAYS, created_at=created,
                    due_at=deadline(created, NORM_DAYS), first_contact_at=first,
                    closed_at=first if status in ("done", "unreachable") else None,
                )
            )  # fmt: skip


def _add_complaints() -> None:
    """Referrals: 4 of the 40 counter responses choose "klacht" (3 in unit burgerzaken), 2
    phone responses choose it among other reasons; a September one does not count."""
    extra = []
    for i in range(4):
        extra.append(payload("counter", "balie", "kiosk", 1.0,
                             {"oordeel": "down", "reden": ["klacht", "lang_wachten"]},
                             october(3 + i), unit="burgerzaken" if i < 3 else None))  # fmt: skip
    for i in range(2):
        extra.append(payload("phone", "telefoon", "sms", 0.5,
                             {"cijfer": 3, "reden": ["klacht"]}, october(6 + i),
                             unit="kcc"))  # fmt: skip
    extra.append(payload("counter", "balie", "kiosk", 1.0,
                         {"oordeel": "down", "reden": ["klacht"]},
                         datetime(2026, 9, 20, 10, tzinfo=UTC)))  # fmt: skip
    # Same code, but a survey without a complaint reason has no "reden" here: nothing.
    record_many(extra)


@pytest.fixture
def report_data(demo_org, monkeypatch):
    import survey.reports.follow_up_build as build

    org = db.session.execute(select(Organisation).where(Organisation.slug == "demo")).scalar_one()
    org.callback_norm_days = NORM_DAYS
    db.session.commit()
    load_month()
    _add_complaints()
    _add_cases(org)
    real = build.collect
    monkeypatch.setattr(build, "collect", lambda o, m, now=None: real(o, m, now=AS_OF))
    report = reports.build_monthly_report("demo", "2026-10")
    return report, reports.stored_data(report)


def wilson(successes: int, n: int) -> tuple[float, float]:
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 / (1 + Z95**2 / n) * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def expected_callbacks(rows) -> dict:
    decided = [r for r in rows if r[3] is not None or deadline(r[2], NORM_DAYS) <= AS_OF]
    within = [r for r in decided if r[3] is not None and r[3] <= deadline(r[2], NORM_DAYS)]
    days = [r[6] for r in rows if r[3] is not None]
    return {
        "received": len(rows),
        "decided": len(decided),
        "within": len(within),
        "days": days,
        "closed": [r for r in rows if r[4] in ("done", "unreachable")],
    }


def test_working_days_by_hand():
    for _, _, created, first, _, _, days in CASES:
        if first is not None:
            assert working_days_elapsed(created, first) == pytest.approx(days)
    # King's Day 2027 (Tuesday 27 April) and Christmas do not count either.
    assert working_days_elapsed(local(26, 12, month=4, year=2027),
                                local(28, 12, month=4, year=2027)) == pytest.approx(1.0)
    assert working_days_elapsed(local(24, 12, month=12), local(28, 12, month=12)) == (
        pytest.approx(0.5 + 0.5)
    )


def test_callback_figures_recomputed(report_data):
    _, data = report_data
    rows = {(r.group, r.name): r for r in data.follow_up.callbacks}
    assert list(rows) == [
        ("all", "Alle kanalen"), ("channel", "Balie"), ("channel", "Telefoon"),
        ("unit", "Burgerzaken"), ("unit", "Klantcontactcentrum"),
    ]  # fmt: skip
    groups = {
        ("all", "Alle kanalen"): CASES,
        ("channel", "Balie"): [c for c in CASES if c[0] == "counter"],
        ("channel", "Telefoon"): [c for c in CASES if c[0] == "phone"],
        ("unit", "Burgerzaken"): [c for c in CASES if c[1] == "burgerzaken"],
        ("unit", "Klantcontactcentrum"): [c for c in CASES if c[1] == "kcc"],
    }
    for key, cases in groups.items():
        row, truth = rows[key], expected_callbacks(cases)
        assert (row.received, row.decided, row.pending) == (
            truth["received"], truth["decided"], truth["received"] - truth["decided"]
        ), key
        assert row.contacted == len(truth["days"]) and row.closed == len(truth["closed"])
        if truth["decided"] >= 10:
            est = row.within_norm
            assert est.estimate == pytest.approx(truth["within"] / truth["decided"])
            low, high = wilson(truth["within"], truth["decided"])
            assert (est.low, est.high) == (pytest.approx(low), pytest.approx(high))
        else:
            assert row.within_norm.reliability == "suppressed"
            assert not hasattr(row.within_norm, "estimate")
        if len(truth["days"]) >= 10:
            assert row.median_days == pytest.approx(statistics.median(truth["days"]))
            p90 = statistics.quantiles(truth["days"], n=10, method="inclusive")[8]
            assert row.p90_days == pytest.approx(p90)
        else:
            assert row.median_days is None and row.p90_days is None
        if len(truth["closed"]) >= 10:
            counted = {}
            for c in truth["closed"]:
                kind = "unreachable" if c[4] == "unreachable" else (c[5] or "not_recorded")
                counted[kind] = counted.get(kind, 0) + 1
            assert {k: v for k, v in row.outcomes.items() if v} == counted
        else:
            assert row.outcomes is None
    # The literal figures of the whole month, for the record.
    whole = rows[("all", "Alle kanalen")]
    assert (whole.received, whole.decided, whole.pending, whole.contacted) == (16, 15, 1, 13)
    assert whole.within_norm.estimate == pytest.approx(12 / 15)
    assert whole.median_days == pytest.approx(16 / 24)  # Friday 17:00 to Monday 9:00
    assert whole.outcomes == {"solved": 5, "explained": 2, "referred": 1, "complaint": 1,
                              "other": 1, "unreachable": 1, "not_recorded": 1}  # fmt: skip
    assert data.follow_up.norm_days == NORM_DAYS
    assert data.follow_up.as_of == "2026-10-31T11:00:00+00:00"


def test_referral_counts_recomputed(report_data):
    _, data = report_data
    rows = {(r.group, r.name): r for r in data.follow_up.referrals}
    # Bases: the month's responses to surveys with a complaint reason (balie, telefoon,
    # contact): 40 + 4 counter, 40 + 2 phone, 5 letter (contact survey) = 91.
    assert rows[("all", "Alle kanalen")].responses == 91
    assert rows[("all", "Alle kanalen")].referrals == 6
    assert rows[("all", "Alle kanalen")].share == pytest.approx(6 / 91)
    assert (rows[("channel", "Balie")].responses, rows[("channel", "Balie")].referrals) == (44, 4)
    assert (rows[("channel", "Telefoon")].responses,
            rows[("channel", "Telefoon")].referrals) == (42, 2)  # fmt: skip
    # 5 letters: too few to show.
    assert rows[("channel", "Brief")].responses == 5
    assert rows[("channel", "Brief")].referrals is None and rows[("channel", "Brief")].share is None
    # Units: 3 counter responses in Burgerzaken (suppressed), 2 phone in the KCC (suppressed).
    assert rows[("unit", "Burgerzaken")].responses == 3
    assert rows[("unit", "Burgerzaken")].referrals is None
    assert rows[("unit", "Klantcontactcentrum")].responses == 2


def test_xlsx_and_dutch_csv_carry_the_section(report_data):
    report, data = report_data
    book = load_workbook(io.BytesIO(report.xlsx))
    assert {"Doorverwijzingen naar klachten", "Terugbelverzoeken",
            "Uitkomst terugbelverzoeken"} <= set(book.sheetnames)  # fmt: skip
    sheet = book["Terugbelverzoeken"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == [
        "Alles, kanaal of afdeling", "Verzoeken ontvangen", "Nog binnen de termijn",
        "Binnen de norm", "Interval van", "Interval tot", "Betrouwbaarheid",
        "Mediaan werkdagen tot eerste contact", "90e percentiel werkdagen tot eerste contact",
        "Afgesloten",
    ]  # fmt: skip
    low, high = wilson(12, 15)
    assert values[1][:4] == ["Alle kanalen", 16, 1, 80]
    assert values[1][4:7] == [round(100 * low), round(100 * high), "indicatief"]
    assert values[1][7] == 0.7
    burgerzaken = next(v for v in values if v[0] == "Burgerzaken")
    assert burgerzaken[3] == "te weinig reacties" and burgerzaken[7] == "te weinig reacties"
    text = spreadsheet.table_csv(data, "referrals")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == ["Alles, kanaal of afdeling", "Reacties",
                        "Verwezen naar de klachtenpagina", "Aandeel"]  # fmt: skip
    assert lines[1] == ["Alle kanalen", "91", "6", "7"]
    assert ["Brief", "5", "te weinig reacties", "te weinig reacties"] in lines
    outcomes = list(csv.reader(io.StringIO(spreadsheet.table_csv(data, "callback_outcomes")
                                           .lstrip("\ufeff")), delimiter=";"))  # fmt: skip
    assert outcomes[0][:3] == ["Alles, kanaal of afdeling", "Afgesloten", "Opgelost"]
    assert outcomes[1][:3] == ["Alle kanalen", "12", "5"]


def test_pdf_and_staff_page_show_the_section(report_data, client):
    report, _ = report_data
    add_user("viewer@voorbeeld.nl", "a long password for reports", "demo", "viewer")
    client.post("/staff/login", data={"email": "viewer@voorbeeld.nl",
                                      "password": "a long password for reports"})  # fmt: skip
    page = client.get(f"/staff/demo/reports/{report.id}").get_data(as_text=True)
    assert "<caption>Terugbelverzoeken</caption>" in page
    assert "<caption>Doorverwijzingen naar klachten</caption>" in page
    assert '<th scope="row">Alle kanalen</th><td>16</td><td>1</td><td>80%</td>' in page
    assert ">None<" not in page and "te weinig reacties" in page
    assert client.get(f"/staff/demo/reports/{report.id}/csv/callbacks").status_code == 200
    with pdfplumber.open(io.BytesIO(report.pdf)) as doc:
        text = " ".join(" ".join((page.extract_text() or "").split()) for page in doc.pages)
    assert "De cirkel rond" in text and "Binnen de norm" in text
    assert "Doorverwijzingen naar klachten" in text


def test_older_report_data_has_no_section(report_data):
    from survey.reports.data import ReportData

    _, data = report_data
    stored = data.to_dict()
    del stored["follow_up"]
    stored["version"] = 5
    old = ReportData.from_dict(stored)
    assert not old.follow_up.shown
    assert "referrals" not in spreadsheet.tables(old)
