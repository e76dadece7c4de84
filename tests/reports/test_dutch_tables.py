"""The Dutch report's XLSX and CSV say Dutch words and open in Dutch Excel."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from survey.domain.channels import CONTACT_CHANNELS
from survey.extensions import db
from survey.models import Organisation, ReportTarget
from survey.reports import spreadsheet
from survey.services import reports
from tests.reports.data import load_month

# Every code the builder writes into its data, the tables' own keys and former column codes,
# and what Python writes for values it does not know how to show.
CODE_WORDS = {
    # reliability, target status, measures
    "ok", "indicative", "suppressed", "met", "not_met", "no_data", "certain",
    "satisfied", "nps", "grade",
    # table keys (sheet names)
    "summary", "targets", "channels", "trend", "location", "unit", "topic", "hours",
    "reasons", "pages", "searched", "comments", "method",
    # column codes
    "measure", "estimate", "low", "high", "unweighted", "reliability", "change_previous",
    "significant_previous", "change_last_year", "significant_last_year", "weighted",
    "target", "share", "status", "channel", "responses", "contacts", "satisfied_weighted",
    "satisfied_unweighted", "mean_grade", "significant", "weekday", "hour", "reason",
    "count", "share_of_respondents", "respondents", "page", "not_helped", "text", "date",
    # Python's own words
    "True", "False", "None", "nan", "NaN", "inf",
} | set(CONTACT_CHANNELS)  # fmt: skip


@pytest.fixture
def dutch_report(demo_org):
    org = db.session.query(Organisation).filter_by(slug="demo").one()
    db.session.add_all(
        [
            ReportTarget(organisation_id=org.id, share=0.60, label_nl="60% tevreden",
                         label_en="60% satisfied"),
            ReportTarget(organisation_id=org.id, question_key="in_een_keer", share=0.80,
                         label_nl="80% in één keer", label_en="80% in one go"),
        ]
    )  # fmt: skip
    db.session.commit()
    load_month()
    return reports.build_monthly_report("demo", "2026-10")


def _english(value) -> bool:
    text = str(value).strip()
    return text in CODE_WORDS or any(code in text for code in CODE_WORDS if "_" in code)


def test_dutch_xlsx_has_no_english_code_words(dutch_report):
    book = load_workbook(io.BytesIO(dutch_report.xlsx))
    assert not [name for name in book.sheetnames if _english(name)]
    assert "Samenvatting" in book.sheetnames and "Kanalen" in book.sheetnames
    found = [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None and _english(cell.value)
    ]
    assert found == []
    values = {c.value for s in book.worksheets for r in s.iter_rows() for c in r}
    # The flags are there, as Dutch words.
    assert {"indicatief", "te weinig reacties", "gehaald", "niet gehaald", "ja"} <= values


def test_dutch_csv_has_no_english_code_words_and_opens_in_dutch_excel(dutch_report, app):
    data = reports.stored_data(dutch_report)
    words = set()
    for name in spreadsheet.tables(data):
        text = spreadsheet.table_csv(data, name)
        assert text.startswith("\ufeff")  # UTF-8 with BOM
        body = text.removeprefix("\ufeff")
        rows = list(csv.reader(io.StringIO(body), delimiter=";"))
        assert rows and all(len(row) == len(rows[0]) for row in rows)  # one column per field
        found = [value for row in rows for value in row if value and _english(value)]
        assert found == [], name
        words |= {value for row in rows for value in row}
    assert {"indicatief", "te weinig reacties", "gehaald", "niet gehaald"} <= words
    channels = list(csv.reader(io.StringIO(spreadsheet.table_csv(data, "channels")[1:]),
                               delimiter=";"))  # fmt: skip
    phone = next(row for row in channels if row[0] == "Telefoon")
    assert phone[9] == "6,5"  # mean grade (38 * 8 + 22 * 4) / 60, decimal comma
    assert phone[1] == "40" and channels[0][:3] == ["Kanaal", "Reacties", "Contacten"]


def test_english_report_tables_speak_english(demo_org, app):
    load_month()
    report = reports.build_monthly_report("demo", "2026-10", "en")
    book = load_workbook(io.BytesIO(report.xlsx))
    assert "Summary" in book.sheetnames and "Channels" in book.sheetnames
    text = spreadsheet.table_csv(reports.stored_data(report), "channels")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    phone = next(row for row in rows if row[0] == "Phone")
    assert phone[9] == "6.5" and rows[0][:3] == ["Channel", "Responses", "Contacts"]
