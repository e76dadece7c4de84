"""The year report's trend: the twelve months of the year and the same months of the year
before as a second line in every small chart, in the PDF, the SVG (its <desc> and data
table) and the XLSX; a month without responses is a gap, never a zero."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, date, datetime
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from survey.extensions import db
from survey.models import Organisation
from survey.reports import charts, dashboard_cells, dashboard_data, pdf, spreadsheet
from survey.reports.data import ReportData
from survey.reports.periods import Period
from survey.services import period_reports
from survey.services.responses import record_many
from tests.reports.data import COUNTER, load_month, payload

NEW_YEAR = date(2027, 1, 4)
YEAR = Period("year", date(2026, 1, 1), date(2026, 12, 1))
# The year before, at the counter (equal weights): (month, satisfied, responses).
BEFORE = [(3, 9, 20), (9, 21, 35), (10, 30, 40), (6, 3, 5)]  # June 2025: too few responses


def _share(up: int, n: int) -> int:
    """Satisfied % rounded half up, computed apart from the report code."""
    return int(100 * up / n + 0.5)


@pytest.fixture
def year_data(demo_org):
    dashboard_cells.clear()
    load_month()  # September and October 2026
    payloads = []
    for month, up, n in BEFORE:
        moment = datetime(2025, month, 12, 9, tzinfo=UTC)
        payloads += [
            payload(*COUNTER, {"oordeel": "up" if i < up else "down"}, moment) for i in range(n)
        ]
    record_many(payloads)
    org = db.session.query(Organisation).filter_by(slug="demo").one()
    data = period_reports.report_data(org, YEAR, dashboard_data.Filters(), "nl", NEW_YEAR)
    yield data
    dashboard_cells.clear()


def test_each_row_holds_the_same_months_of_the_year_before(year_data):
    trend = year_data.trend
    assert trend.legend == ("2026", "2025")
    assert trend.months[0] == "2026-01" and len(trend.months) == 12
    counter = next(r for r in trend.rows if r.channel == "counter")
    assert len(counter.before) == 12
    assert round(counter.before[2].estimate * 100, 6) == pytest.approx(100 * 9 / 20)
    assert round(counter.before[9].estimate * 100, 6) == pytest.approx(100 * 30 / 40)
    assert counter.before[0] is None  # January 2025: no responses, a gap
    assert counter.before[5].reliability == "suppressed"  # June 2025: 5 responses
    # Stored and read back, the second line stays.
    again = ReportData.from_dict(year_data.to_dict())
    assert again.trend == trend


def test_the_data_table_and_the_svg_list_both_years_per_month(year_data):
    headers, rows = charts.table("trend", year_data)
    assert headers[:2] == ["Kanaal", "Jaar"] and headers[2:] == [
        "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"
    ]  # fmt: skip
    by = {(r[0], r[1]): dict(zip(headers[2:], r[2:], strict=True)) for r in rows}
    assert by[("Balie", "2025")]["mrt"] == str(_share(9, 20)) == "45"
    assert by[("Balie", "2025")]["okt"] == str(_share(30, 40)) == "75"
    assert by[("Balie", "2025")]["jan"] == "–"  # a gap, not 0
    assert by[("Balie", "2025")]["jun"] == "te weinig reacties"
    assert by[("Balie", "2026")]["okt"] == str(_share(37, 40))
    assert by[("Balie", "2026")]["sep"] == str(_share(30, 40))
    assert by[("Alle kanalen", "2025")]["okt"] == "75"  # only the counter answered then

    svg = charts.svg("trend", year_data)
    root = ElementTree.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert root.find("s:title", ns).text
    desc = root.find("s:desc", ns).text
    assert "Balie 2025: jan –; feb –; mrt 45;" in desc and "sep 60; okt 75" in desc
    assert "okt 75" in desc.split("Balie 2025:")[1].split(".")[0]
    # The year before is dashed and another colour than this year's line: September and
    # October 2025 joined (30/40 in October, as September 2026 at the counter).
    lines = [e for e in root.iter() if e.tag.endswith("polyline")]
    before = [e for e in lines if "stroke: rgb(75%,33%,0%)" in e.get("style", "")]
    now = [e for e in lines if "stroke: rgb(11%,37%,54%)" in e.get("style", "")]
    assert len(before) == 2  # all channels and the counter: only the counter answered
    assert all("stroke-dasharray" in e.get("style") for e in before)
    assert not any("stroke-dasharray" in e.get("style") for e in now)

    def points(e):
        values = [float(v) for v in re.split(r"[ ,]+", e.get("points").strip())]
        return list(zip(values[::2], values[1::2], strict=True))

    sep_25, oct_25 = points(before[1])
    counter = [points(e) for e in now if len(points(e)) == 2]
    assert any(
        c[0][1] == pytest.approx(oct_25[1]) and c[1][0] == pytest.approx(oct_25[0])
        for c in counter
    )  # 75% both; the same x for October
    assert sep_25[1] != pytest.approx(oct_25[1])  # 60% and 75%


def test_the_xlsx_trend_sheet_has_both_years(year_data):
    book = load_workbook(io.BytesIO(spreadsheet.xlsx(year_data)), read_only=True)
    sheet = book["Trend"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    headers = rows[0]
    assert headers[:2] == ("Kanaal", "Jaar") or headers[:2] == ["Kanaal", "Jaar"]
    column = {name: k for k, name in enumerate(headers)}
    balie = {r[1]: r for r in rows[1:] if r[0] == "Balie"}
    assert balie["2025"][column["mrt"]] == _share(9, 20)
    assert balie["2025"][column["okt"]] == _share(30, 40)
    assert balie["2025"][column["jan"]] is None  # an empty cell, not 0
    assert balie["2026"][column["okt"]] == _share(37, 40)


def test_the_pdf_shows_the_legend_and_the_year_before(year_data, tmp_path):
    path = tmp_path / "year.pdf"
    path.write_bytes(pdf.render(year_data))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    page = next(p for p in text.split("\f") if "Trend: per maand" in p)
    assert re.search(r"2026\s+2025", page)  # the legend: this year, the year before
    balie = [line for line in page.splitlines() if re.match(r"\s*(Balie\s+)?2025\s", line)]
    assert any(re.search(r"2025\s+–\s+–\s+45%", line) for line in balie), page


def test_a_quarter_report_has_no_second_line(demo_org):
    dashboard_cells.clear()
    load_month()
    org = db.session.query(Organisation).filter_by(slug="demo").one()
    quarter = Period("quarter", date(2026, 10, 1), date(2026, 12, 1))
    data = period_reports.report_data(org, quarter, dashboard_data.Filters(), "nl", NEW_YEAR)
    assert not data.trend.has_before and all(r.before == () for r in data.trend.rows)
    assert charts.table("trend", data)[0][1] != "Jaar"
    dashboard_cells.clear()


def test_a_year_report_made_from_the_dashboard_offers_its_xlsx(year_data, client):
    from survey.services.users import add_user

    org = db.session.query(Organisation).filter_by(slug="demo").one()
    run = period_reports.request(org, {"period": "year", "at": "2026"}, "nl", None)
    run_id = run.id
    assert period_reports.run_requested(run_id)
    add_user("griffie@example.nl", "a long password", "demo")
    client.post("/staff/login", data={"email": "griffie@example.nl", "password": "a long password"})
    page = client.get(f"/staff/demo/report-runs/{run_id}").get_data(as_text=True)
    assert "Download de tabellen (XLSX)" in page
    download = client.get(f"/staff/demo/report-runs/{run_id}/xlsx")
    assert download.status_code == 200
    assert 'filename="kto-demo-2026-nl.xlsx"' in download.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(download.data), read_only=True)["Trend"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    column = {name: k for k, name in enumerate(rows[0])}
    balie = {r[1]: r for r in rows[1:] if r[0] == "Balie"}
    assert balie["2025"][column["sep"]] == _share(21, 35)
    assert balie["2025"][column["okt"]] == _share(30, 40)
    assert balie["2026"][column["sep"]] == _share(30, 40)
    listing = client.get("/staff/demo/reports").get_data(as_text=True)
    assert f"/staff/demo/report-runs/{run_id}/xlsx" in listing
