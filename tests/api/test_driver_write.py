"""The ingest's driver-level writes, inside the unit of work, store exactly what SQLAlchemy
Core stores, all or nothing."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from survey.database import DriverStatement, DriverWrite, unit_of_work
from survey.domain.submission import parse_submission
from survey.extensions import db
from survey.models import Answer, Response
from survey.services.responses import Origin, prepare_response, record_many, record_response
from tests.conftest import count_rows, make_payload

STORED = [c for c in Response.__table__.c if c.name not in ("id", "uuid", "payload_hash")]


def _values(**overrides) -> dict:
    now = datetime(2026, 3, 2, 9, 15, 30, 123456, tzinfo=UTC)
    payload = make_payload(
        submitted_at="2026-03-02T10:14:00.654321+01:00",
        started_at="2026-03-02T10:13:00+01:00",
        answers={"oordeel": "down", "reden": ["lang_wachten"]},
        **overrides,
    )
    values, _rows = prepare_response(parse_submission(payload, now), Origin(), now)
    values["received_at"] = now
    return values


def _row(response_id: int) -> tuple:
    db.session.rollback()
    return db.session.execute(select(*STORED).where(Response.id == response_id)).one()


def test_driver_insert_stores_what_sqlalchemy_stores(app, demo_org):
    values = _values()
    by_core = db.session.execute(
        insert(Response).returning(Response.id), {**values, "uuid": uuid.uuid4()}
    ).scalar_one()
    db.session.commit()
    with unit_of_work() as session:
        by_driver = DriverWrite(session).execute(
            DriverStatement(insert(Response.__table__).returning(Response.__table__.c.id)),
            values,
        )
    assert by_driver != by_core
    assert _row(by_driver) == _row(by_core)
    stored = db.session.get(Response, by_driver)
    assert stored.uuid == values["uuid"]
    assert stored.submitted_at == datetime(2026, 3, 2, 9, 14, 0, 654321, tzinfo=UTC)
    assert (stored.suspect, stored.satisfied, stored.headline_score) == (False, False, None)


def test_an_insert_must_name_every_column(app):
    statement = DriverStatement(insert(Answer.__table__))
    with pytest.raises(ValueError, match="question_key"):
        statement.plan(db.engine.dialect, ("response_id", "number", "option", "text"))


def test_a_failing_statement_undoes_the_whole_transaction(app, demo_org):
    before = count_rows()
    values = _values()
    answer = {"response_id": None, "submitted_at": values["submitted_at"],
              "question_key": "oordeel", "number": None, "option": "up", "text": None}
    with pytest.raises(db.engine.dialect.loaded_dbapi.IntegrityError), unit_of_work() as session:
        write = DriverWrite(session)
        write.execute(
            DriverStatement(insert(Response.__table__).returning(Response.__table__.c.id)),
            values,
        )
        write.execute(DriverStatement(insert(Answer.__table__)), answer)  # NOT NULL refused
    db.session.rollback()
    assert count_rows() == before


ANSWER_COLUMNS = (Answer.question_key, Answer.number, Answer.option, Answer.text)


def _stored(uuid_: str) -> tuple:
    db.session.rollback()
    response = db.session.execute(
        select(Response).where(Response.uuid == uuid.UUID(uuid_))
    ).scalar_one()
    row = db.session.execute(
        select(*[c for c in STORED if c.name != "received_at"]).where(Response.id == response.id)
    ).one()
    answers = db.session.execute(
        select(*ANSWER_COLUMNS).where(Answer.response_id == response.id).order_by(*ANSWER_COLUMNS)
    ).all()
    return row, answers


def test_one_response_and_a_batch_store_identical_rows(app, demo_org):
    """record_response (driver statements) and record_many (SQLAlchemy Core) side by side."""
    stamp = datetime.now(UTC).replace(microsecond=654321).isoformat()
    common = {
        "submitted_at": stamp,
        "started_at": stamp,
        "contact_at": stamp,
        "survey": "telefoon",
        "contact_channel": "phone",
        "survey_mode": "sms",
        "location": None,
        "answers": {
            "cijfer": 4,
            "reden": {"selected": ["niet_in_een_keer", "other"], "other": "Té lang"},
            "in_een_keer": "no",
            "toelichting": "Lang gewacht, één uur.",
        },
        "unit": "burgerzaken",
        "topic": "reisdocumenten",
        "language": "en",
    }
    by_driver, by_core = make_payload(**common), make_payload(**common)
    record_response(by_driver)
    record_many([by_core])
    driver_row, driver_answers = _stored(by_driver["id"])
    core_row, core_answers = _stored(by_core["id"])
    assert driver_row == core_row
    assert driver_answers == core_answers
    assert len(driver_answers) == 5
    assert driver_row.headline_score == 4 and driver_row.satisfied is False
