"""No stored row can stop a report: unusable rows are left out, counted and logged.

The rows are made bad in the database itself, past the ingest's checks, as an import,
older code or a hand-made fix could leave them.
"""

from __future__ import annotations

import dataclasses
import html
import io
import logging
import re
from datetime import UTC, datetime

import pdfplumber
import pytest
from sqlalchemy import delete, select, update

from survey.extensions import db
from survey.models import Answer, Report, Response
from survey.reports import texts
from survey.reports.data import LeftOut, ReportData
from survey.services import reports
from survey.services.users import add_user
from tests.reports.data import load_month

LANGUAGES = ("nl", "en")
PASSWORD = "a long password"
OCTOBER = datetime(2026, 9, 30, 22, tzinfo=UTC)  # 1 October 00:00 in Amsterdam


def _ids(channel: str, before: bool = False, limit: int = 1) -> list[int]:
    moment = Response.submitted_at < OCTOBER if before else Response.submitted_at >= OCTOBER
    return list(
        db.session.execute(
            select(Response.id)
            .where(Response.contact_channel == channel, moment)
            .order_by(Response.id)
            .limit(limit)
        ).scalars()
    )


def _set_probability(ids: list[int], p: float) -> None:
    db.session.execute(update(Response).where(Response.id.in_(ids)).values(inclusion_probability=p))


def _spoil(with_volumes: bool):
    """Three October responses and one September response with a tiny probability, and two
    October grades off the 1-10 scale on other responses."""
    load_month(with_volumes=with_volumes)
    counter = _ids("counter", limit=2)
    _set_probability(counter, 1e-300)
    phone = _ids("phone", limit=4)
    _set_probability(phone[:1], 5e-324)
    _set_probability(_ids("counter", before=True), 1e-5)
    grades = list(
        db.session.execute(
            select(Answer.id).where(
                Answer.response_id.in_(phone[1:3]), Answer.question_key == "cijfer"
            )
        ).scalars()
    )
    db.session.execute(update(Answer).where(Answer.id == grades[0]).values(number=99))
    db.session.execute(update(Answer).where(Answer.id == grades[1]).values(number=-3))
    db.session.commit()
    return counter + phone[:1] + _ids("counter", before=True), grades


@pytest.mark.parametrize("with_volumes", [True, False])
def test_report_is_built_without_the_bad_rows_and_counts_them(demo_org, with_volumes, caplog):
    bad_responses, bad_grades = _spoil(with_volumes)
    with caplog.at_level(logging.WARNING, logger="survey.reports.inputs"):
        report = reports.build_monthly_report("demo", "2026-10")
    assert report.status == "ok" and report.last_error is None
    assert report.pdf.startswith(b"%PDF") and report.xlsx.startswith(b"PK")
    data = ReportData.from_dict(report.data)
    assert data.meta.left_out == LeftOut(responses=3, earlier_responses=1, answers=2)
    assert report.data["meta"]["left_out"] == {
        "responses": 3,
        "earlier_responses": 1,
        "answers": 2,
    }
    assert data.summary.responses == 85 - 3
    assert "left out 3 responses of the month, 1 of earlier months and 2 scores" in caplog.text

    # The same figures as a report of the data without those rows at all.
    db.session.execute(delete(Answer).where(Answer.id.in_(bad_grades)))
    db.session.execute(delete(Answer).where(Answer.response_id.in_(bad_responses)))
    db.session.execute(delete(Response).where(Response.id.in_(bad_responses)))
    db.session.commit()
    clean = ReportData.from_dict(reports.build_monthly_report("demo", "2026-10").data)
    assert clean.meta.left_out == LeftOut()
    # Comments, reasons and pages are counts, not weighted figures: a response with an
    # unusable weight still says what it says (here the one phone comment).
    assert [c.channel for c in data.comments] == ["phone"] and clean.comments == ()
    assert dataclasses.replace(data, meta=clean.meta, comments=()) == clean


def test_every_probability_of_the_month_bad_still_builds(demo_org):
    load_month()
    ids = list(db.session.execute(select(Response.id)).scalars())
    _set_probability(ids, 1e-300)
    db.session.commit()
    report = reports.build_monthly_report("demo", "2026-10")
    data = ReportData.from_dict(report.data)
    assert data.meta.left_out == LeftOut(responses=85, earlier_responses=40, answers=0)
    assert data.summary.responses == 0 and data.summary.satisfied is None
    assert db.session.query(Report).one().status == "ok"


# Where people read the report: the PDF's method section and the staff report page. -------

LEFT_OUT = {
    "nl": [
        "3 reacties zijn niet meegeteld in de gewogen cijfers, omdat hun gegevens niet klopten.",
        "1 reactie uit eerdere maanden is niet meegeteld in de trend, omdat de gegevens niet "
        "klopten.",
        "2 scores zijn niet meegeteld, omdat ze buiten de schaal vielen.",
    ],
    "en": [
        "3 responses were left out of the weighted figures, because their data was not valid.",
        "1 response of earlier months was left out of the trend, because its data was not "
        "valid.",
        "2 scores were left out, because they were outside the scale.",
    ],
}
# Words of every sentence above, in either language: none of them may show in a clean report.
LEFT_OUT_WORDS = re.compile(r"niet meegeteld|left out of|were left out|was left out")


def _pdf_text(pdf_bytes: bytes) -> str:
    """The PDF's text with line breaks and runs of spaces as one space."""
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as doc:
        return " ".join(" ".join(page.extract_text() or "" for page in doc.pages).split())


def _page_text(client, report_id: int, language: str) -> str:
    page = client.get(f"/staff/demo/reports/{report_id}?lang={language}")
    assert page.status_code == 200
    return " ".join(html.unescape(page.get_data(as_text=True)).split())


def _method_section(text: str, language: str) -> str:
    heading = {"nl": "Methode", "en": "Method"}[language]
    return text[text.rindex(heading) :]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_pdf_and_the_page_say_how_many_rows_were_left_out(client, demo_org, language):
    _spoil(with_volumes=True)
    report = reports.build_monthly_report("demo", "2026-10", language)
    method = _method_section(_pdf_text(report.pdf), language)
    for sentence in LEFT_OUT[language]:
        assert sentence in method
    add_user("demo@example.nl", PASSWORD, "demo")
    client.post("/staff/login", data={"email": "demo@example.nl", "password": PASSWORD})
    page = _page_text(client, report.id, language)
    for sentence in LEFT_OUT[language]:
        assert f"<p>{sentence}</p>" in page
    other = {"nl": "en", "en": "nl"}[language]  # the page speaks its reader's language
    assert LEFT_OUT[other][0] in _page_text(client, report.id, other)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_clean_report_says_nothing_about_rows_left_out(client, demo_org, language):
    load_month()
    report = reports.build_monthly_report("demo", "2026-10", language)
    assert ReportData.from_dict(report.data).meta.left_out == LeftOut()
    pdf_text = _pdf_text(report.pdf)
    assert _method_section(pdf_text, language)  # the section is there, without the sentence
    assert LEFT_OUT_WORDS.search(pdf_text) is None
    add_user("demo@example.nl", PASSWORD, "demo")
    client.post("/staff/login", data={"email": "demo@example.nl", "password": PASSWORD})
    assert LEFT_OUT_WORDS.search(_page_text(client, report.id, language)) is None


def test_left_out_counts_are_written_with_babel_and_the_right_plural(app):
    lines = {
        language: texts.left_out_lines(LeftOut(1234, 1, 1), language) for language in LANGUAGES
    }
    assert lines["nl"] == [
        "1.234 reacties zijn niet meegeteld in de gewogen cijfers, omdat hun gegevens niet "
        "klopten.",
        "1 reactie uit eerdere maanden is niet meegeteld in de trend, omdat de gegevens niet "
        "klopten.",
        "1 score is niet meegeteld, omdat die buiten de schaal viel.",
    ]
    assert lines["en"][0] == (
        "1,234 responses were left out of the weighted figures, because their data was not valid."
    )
    assert lines["en"][2] == "1 score was left out, because it was outside the scale."
    assert texts.left_out_lines(LeftOut(), "nl") == []
    assert texts.left_out_lines(LeftOut(0, 0, 2), "en") == [
        "2 scores were left out, because they were outside the scale."
    ]
