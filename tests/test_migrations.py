"""Migrations build the same schema as the models, and Alembic has one head."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from survey.extensions import db


def test_alembic_has_a_single_head(app):
    config = app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, heads


def _fresh_database_url(database_url, tmp_path):
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS kto_migrations"))
        conn.execute(text("CREATE DATABASE kto_migrations"))
    engine.dispose()
    return database_url.rsplit("/", 1)[0] + "/kto_migrations"


def test_migrations_match_the_models(database_url, tmp_path):
    url = _fresh_database_url(database_url, tmp_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            diff = compare_metadata(context, db.metadata)
            tables = set(inspect(conn).get_table_names())
        db.engine.dispose()
    if url.startswith("postgresql"):
        diff = _without_partitioning(diff)
    assert diff == []
    assert set(db.metadata.tables) <= tables


def _without_partitioning(diff):
    """On PostgreSQL, responses and answers are partitioned by month (migration 0022): their
    primary keys and the answers' foreign key include submitted_at, and the UUID is unique
    through partitions.response_keys (indexed, not a unique constraint, on responses)."""
    expected = []
    for item in diff:
        kind, obj = item[0], item[1]
        table = getattr(getattr(obj, "table", None), "name", None)
        if (kind, table) in {("remove_fk", "answers"), ("add_fk", "answers"),
                             ("add_constraint", "responses")} or (
            kind == "remove_index" and obj.name == "ix_responses_uuid"
        ):
            if kind == "add_constraint":
                assert obj.name == "uq_responses_uuid", item
            if kind == "add_fk":
                assert [c.name for c in obj.columns] == ["response_id"], item
            expected.append(item)
    assert {i[0] for i in expected} == {"remove_fk", "add_fk", "add_constraint", "remove_index"}
    return [item for item in diff if item not in expected]
