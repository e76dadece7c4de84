"""Migration 0009 turns every existing user's organisation, role and report subscription into
a membership, on a database that has users (the models' own schema test has none)."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from survey.extensions import db
from tests.test_migrations import _fresh_database_url


def _before(app) -> str:
    """The revision just before 0009 (the chain is re-ordered when branches merge)."""
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision("0009_admin").down_revision


def test_existing_users_become_members(database_url, tmp_path):
    url = _fresh_database_url(database_url, tmp_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        before = _before(app)
        upgrade(revision=before)
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO organisations (id, slug, name, allowed_origins, created_at) VALUES "
                "(1, 'zeist', 'Gemeente Zeist', '[]', '2026-01-01 00:00:00'),"
                "(2, 'odra', 'ODRA', '[]', '2026-01-01 00:00:00')"
            ))
            conn.execute(text(
                "INSERT INTO users (id, organisation_id, email, password_hash, role, "
                "receives_reports, language, created_at, session_version) VALUES "
                "(1, 1, 'chef@zeist.nl', 'h1', 'admin', true, 'nl', '2026-01-02 00:00:00', 3),"
                "(2, 2, 'kijker@odra.nl', 'h2', 'viewer', false, 'en', '2026-01-03 00:00:00', 0)"
            ))
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT user_id, organisation_id, role, receives_reports, deactivated_at "
                "FROM memberships ORDER BY user_id"
            )).all()
            assert [tuple(r) for r in rows] == [(1, 1, "admin", True, None),
                                                (2, 2, "viewer", False, None)]
            users = conn.execute(text(
                "SELECT id, email, password_hash, is_operator, session_version FROM users "
                "ORDER BY id"
            )).all()
            assert [tuple(u) for u in users] == [(1, "chef@zeist.nl", "h1", False, 3),
                                                 (2, "kijker@odra.nl", "h2", False, 0)]
            columns = {c["name"] for c in db.inspect(conn).get_columns("users")}
            assert not {"organisation_id", "role", "receives_reports"} & columns
        if db.engine.dialect.name == "sqlite":
            # SQLite rebuilds a table to drop a column, which its foreign keys refuse while
            # other tables' rows point at it: downgrades are checked on PostgreSQL.
            db.engine.dispose()
            return
        # And back: the first membership becomes the user's organisation again.
        downgrade(revision=before)
        with db.engine.connect() as conn:
            back = conn.execute(text(
                "SELECT id, organisation_id, role, receives_reports FROM users ORDER BY id"
            )).all()
            assert [tuple(r) for r in back] == [(1, 1, "admin", True), (2, 2, "viewer", False)]
        db.engine.dispose()
