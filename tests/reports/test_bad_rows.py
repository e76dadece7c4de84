"""No stored row can stop a report: unusable rows are left out, counted and logged.

The rows are made bad in the database itself, past the ingest's checks, as an import,
older code or a hand-made fix could leave them.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select, update

from survey.extensions import db
from survey.models import Answer, Report, Response
from survey.reports.data import LeftOut, ReportData
from survey.services import reports
from tests.reports.data import load_month

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
