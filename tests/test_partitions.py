"""Monthly partitions on PostgreSQL: migration 0022 converts tables with data and back, answers
follow their responses, a UUID is stored once across partitions, the worker creates months
ahead, and retention drops a month as a whole."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from app import create_app
from survey.errors import Conflict
from survey.extensions import db
from survey.services import partitions
from survey.services.responses import record_many, record_response

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: the PostgreSQL pass "
                                "runs it (SQLite keeps plain tables)")

# (month, responses) stored before the migration; Amsterdam months.
MONTHS = {date(2025, 1, 1): 3, date(2025, 6, 1): 2, date(2026, 3, 1): 4}


@pytest.fixture
def migrated(database_url):
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS kto_partitions WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE kto_partitions"))
    url = database_url.rsplit("/", 1)[0] + "/kto_partitions"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "HUEY_IMMEDIATE": True})
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        with engine.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS kto_partitions WITH (FORCE)"))
        engine.dispose()


def _sql(query, **params):
    return db.session.execute(text(query), params)


def _before(app) -> str:
    """The revision 0022 follows (the chain is re-ordered when branches are merged)."""
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision("0022_partitions").down_revision


def _prepare(app) -> str:
    """The demo organisation made at the newest schema, then the schema taken back to just
    before 0022 and responses stored there; returns that revision."""
    from survey.demo.loader import load_demo_structure

    upgrade()
    load_demo_structure()
    db.session.commit()
    db.session.remove()
    before = _before(app)
    downgrade(revision=before)
    _store_old_rows()
    return before


def _store_old_rows():
    """Responses with two answers each, written with SQL as the schema before 0022 had them;
    one at 00:30 Amsterdam time on 1 June, which is still 31 May in UTC."""
    org, survey, version = _sql(
        "SELECT s.organisation_id, s.id, v.id FROM surveys s JOIN survey_versions v "
        "ON v.survey_id = s.id WHERE s.slug = 'balie'").one()
    for month, count in MONTHS.items():
        for i in range(count):
            moment = datetime(month.year, month.month, 1, 10 + i, tzinfo=UTC)
            if month == date(2025, 6, 1) and i == 0:
                moment = datetime(2025, 5, 31, 22, 30, tzinfo=UTC)
            rid = _sql(
                "INSERT INTO responses (uuid, payload_hash, organisation_id, survey_id, "
                "survey_version_id, contact_channel, survey_mode, language, submitted_at, "
                "received_at, inclusion_probability, suspect) VALUES (:u, 'x', :o, :s, :v, "
                "'counter', 'kiosk', 'nl', :t, :t, 1, false) RETURNING id",
                u=uuid.uuid4(), o=org, s=survey, v=version, t=moment.replace(tzinfo=None),
            ).scalar()
            for key in ("oordeel", "toelichting"):
                _sql("INSERT INTO answers (response_id, question_key, option) "
                     "VALUES (:r, :k, 'up')", r=rid, k=key)
    db.session.commit()


def _counts():
    return _sql("SELECT (SELECT count(*) FROM responses), (SELECT count(*) FROM answers), "
                "(SELECT max(id) FROM responses)").one()


def _payload(moment: datetime, response_id: str | None = None) -> dict:
    return {"id": response_id or str(uuid.uuid4()), "organisation": "demo", "survey": "balie",
            "contact_channel": "counter", "survey_mode": "kiosk",
            "submitted_at": moment.isoformat(), "answers": {"oordeel": "up"}}


def test_the_migration_partitions_tables_with_data_and_back(migrated):
    with migrated.app_context():
        revision = _prepare(migrated)
        before = _counts()
        assert before[:2] == (9, 18)
        db.session.rollback()  # the migration locks the tables: no transaction may hold them
        upgrade()

        assert partitions.is_partitioned(db.session.connection())
        names = partitions.existing(db.session.connection())
        today = datetime.now(partitions.AMSTERDAM).date()
        for month in [*MONTHS, partitions.first_of(today), partitions.shift(today, 1)]:
            assert partitions.name("responses", month) in names
            assert partitions.name("answers", month) in names
        assert _counts() == before
        # Each response and its answers sit in their Amsterdam month's partitions.
        june = _sql("SELECT tableoid::regclass::text FROM responses "
                    "WHERE submitted_at = '2025-05-31 22:30'").scalar()
        assert june == "partitions.responses_2025_06"
        assert _sql("SELECT count(*) FROM partitions.answers_2025_06").scalar() == 4
        assert _sql("SELECT count(*) FROM answers a JOIN responses r ON r.id = a.response_id "
                    "WHERE a.submitted_at <> r.submitted_at").scalar() == 0
        assert _sql("SELECT count(*) FROM partitions.response_keys").scalar() == 9

        # The app stores into it: ids go on from the old sequence, a replay is stored once,
        # another body under a stored UUID is refused, in whichever month it was stored.
        now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
        payload = _payload(now)
        first = record_response(payload)
        assert first.created and first.id > before[2]
        again = record_response(payload)
        assert (again.created, again.id) == (False, first.id)
        old_uuid = _sql("SELECT uuid FROM responses ORDER BY id LIMIT 1").scalar()
        with pytest.raises(Conflict):
            record_response(_payload(now, str(old_uuid)))
        assert _counts()[:2] == (10, 19)
        here = _sql("SELECT tableoid::regclass::text FROM responses WHERE id = :i",
                    i=first.id).scalar()
        assert here == "partitions." + partitions.name("responses", today)

        # History older than the partitions lands in the default partition.
        assert record_many([_payload(datetime(2019, 5, 1, 12, tzinfo=UTC))]) == 1
        assert _sql("SELECT count(*) FROM partitions.responses_default").scalar() == 1
        assert _sql("SELECT count(*) FROM partitions.answers_default").scalar() == 1

        db.session.commit()
        db.session.remove()
        downgrade(revision=revision)
        assert not partitions.is_partitioned(db.session.connection())
        assert _counts()[:2] == (11, 20)
        assert _sql("SELECT count(*) FROM pg_namespace WHERE nspname = 'partitions'").scalar() == 0
        assert _sql("SELECT count(*) FROM pg_constraint WHERE conname = 'uq_responses_uuid'"
                    ).scalar() == 1
        db.session.remove()
        upgrade()
        assert partitions.is_partitioned(db.session.connection())
        assert _counts()[:2] == (11, 20)
        db.session.commit()


def test_months_are_created_ahead_and_dropped_whole(migrated):
    with migrated.app_context():
        _prepare(migrated)
        db.session.remove()
        upgrade()
        far = date(2031, 11, 20)
        created = partitions.create_ahead_now(far)
        assert created == [f"{t}_{m}" for m in ("2031_11", "2031_12", "2032_01")
                           for t in ("responses", "answers")]
        assert partitions.create_ahead_now(far) == []  # repeating is harmless
        start, end = partitions.bounds(date(2031, 11, 1))
        assert (start, end) == (datetime(2031, 10, 31, 23), datetime(2031, 11, 30, 23))

        kept = _counts()[:2]
        gone = _sql("SELECT uuid FROM partitions.responses_2025_01 LIMIT 1").scalar()
        assert partitions.drop_month(db.session.connection(), date(2025, 1, 1))
        db.session.commit()
        assert _counts()[:2] == (kept[0] - 3, kept[1] - 6)
        names = partitions.existing(db.session.connection())
        assert "responses_2025_01" not in names and "answers_2025_01" not in names
        assert "responses_2025_06" in names
        assert _sql("SELECT count(*) FROM partitions.response_keys WHERE uuid = :u",
                    u=gone).scalar() == 0
        assert not partitions.drop_month(db.session.connection(), date(2025, 1, 1))

        # A single deleted response takes its answers and its key along.
        rid, key = _sql("SELECT id, uuid FROM responses ORDER BY id LIMIT 1").one()
        _sql("DELETE FROM responses WHERE id = :i", i=rid)
        db.session.commit()
        assert _sql("SELECT count(*) FROM answers WHERE response_id = :i", i=rid).scalar() == 0
        assert _sql("SELECT count(*) FROM partitions.response_keys WHERE uuid = :u",
                    u=key).scalar() == 0
        assert _sql("SELECT count(*) FROM partitions.response_keys").scalar() == _counts()[0]
