"""Responses and answers partitioned by month on PostgreSQL; answers carry submitted_at

Revision ID: 0022_partitions
Revises: 0016_viewer_comments
Create Date: 2026-12-05 19:50:00

Every database: `answers.submitted_at`, a copy of its response's, filled from the responses.

PostgreSQL only: `responses` and `answers` become tables partitioned by range of
`submitted_at`, a partition per Amsterdam month in the schema `partitions` (see
survey/services/partitions.py), with partitions for every month that has data, this month
and the next, and a default partition of each. The conversion runs in the migration's one
transaction with both tables locked: new partitioned tables are made like the old ones (columns,
defaults, checks, foreign keys, indexes, the id sequences), the rows copied, the old tables
dropped; if anything fails nothing has changed. The response UUID's uniqueness moves to
`partitions.response_keys`, kept by a trigger. A foreign key from another table to
`responses.id` cannot point at a partitioned table without its month: such keys are dropped
(and written down in `partitions.dropped_foreign_keys`, so the downgrade restores them).
It takes about as long as copying the two tables: plan it in a maintenance window.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import text

import survey.models.types


# revision identifiers, used by Alembic.
revision = '0022_partitions'
down_revision = '0019_alerts_retention'
branch_labels = None
depends_on = None

SCHEMA = "partitions"
LIKE = "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY INCLUDING GENERATED"

KEYS_FUNCTION = f"""
CREATE FUNCTION {SCHEMA}.response_keys_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO {SCHEMA}.response_keys (uuid, submitted_at) VALUES (NEW.uuid, NEW.submitted_at);
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM {SCHEMA}.response_keys WHERE uuid = OLD.uuid;
  ELSIF NEW.uuid IS DISTINCT FROM OLD.uuid OR NEW.submitted_at IS DISTINCT FROM OLD.submitted_at THEN
    UPDATE {SCHEMA}.response_keys SET uuid = NEW.uuid, submitted_at = NEW.submitted_at
    WHERE uuid = OLD.uuid;
  END IF;
  RETURN NULL;
END $$
"""


def _rows(sql, **params):
    return op.get_bind().execute(text(sql), params).all()


def _indexes(table):
    return _rows("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                 " AND tablename = :t", t=table)


def _constraints(table, kind):
    return _rows("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                 "WHERE conrelid = CAST(:t AS regclass) AND contype = :k AND conparentid = 0",
                 t=table, k=kind)


def _columns(table):
    return [r[0] for r in _rows(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = :t ORDER BY ordinal_position", t=table)]


def _keep_sequence(old, new):
    """The id sequence of the old table goes on serving the new one."""
    seq, identity = op.get_bind().execute(text(
        "SELECT pg_get_serial_sequence(:t, 'id'), (SELECT attidentity FROM pg_attribute "
        "WHERE attrelid = CAST(:t AS regclass) AND attname = 'id')"), {"t": old}).one()
    if identity:  # an identity column: LIKE made a new sequence, continue after the old one
        op.execute(f"SELECT setval(pg_get_serial_sequence('{new}', 'id'), "
                   f"GREATEST((SELECT max(id) FROM {old}), 1))")
    elif seq:
        op.execute(f"ALTER SEQUENCE {seq} OWNED BY {new}.id")


def _set_aside(table, keep_out=()):
    """Rename a table and its indexes out of the way; returns its index definitions."""
    indexes = [(n, d) for n, d in _indexes(table) if n not in keep_out]
    op.execute(f"ALTER TABLE {table} RENAME TO {table}_unpartitioned")
    for index, _ in _indexes(f"{table}_unpartitioned"):
        op.execute(f"ALTER INDEX {index} RENAME TO {index[:40]}_unpartitioned")
    return indexes


def _partition_postgres():
    from survey.services import partitions

    bind = op.get_bind()
    op.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    op.execute("LOCK TABLE responses, answers IN ACCESS EXCLUSIVE MODE")
    op.execute(f"CREATE TABLE {SCHEMA}.dropped_foreign_keys (table_name text, name text, "
               "definition text)")
    for table, name, definition in _rows(
        "SELECT CAST(conrelid AS regclass)::text, conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE confrelid = CAST('responses' AS regclass) AND contype = 'f'"
    ):
        op.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        if table != "answers":  # answers get theirs back, with the month
            bind.execute(text(f"INSERT INTO {SCHEMA}.dropped_foreign_keys VALUES (:t, :n, :d)"),
                         {"t": table, "n": name, "d": definition})
    outgoing = {t: _constraints(t, "f") for t in ("responses", "answers")}
    for index, definition in _indexes("responses") + _indexes("answers"):
        if definition.startswith("CREATE UNIQUE") and index not in (
            "pk_responses", "uq_responses_uuid", "pk_answers"
        ):
            raise RuntimeError(f"unique index {index} cannot be kept on a partitioned table")
    indexes = {
        "responses": _set_aside("responses", ("pk_responses", "uq_responses_uuid")),
        "answers": _set_aside("answers", ("pk_answers",)),
    }
    response_columns = _columns("responses_unpartitioned")
    answer_columns = _columns("answers_unpartitioned")

    op.execute(f"CREATE TABLE responses (LIKE responses_unpartitioned {LIKE}) "
               "PARTITION BY RANGE (submitted_at)")
    op.execute(f"CREATE TABLE answers (LIKE answers_unpartitioned {LIKE}, "
               "submitted_at TIMESTAMP WITHOUT TIME ZONE NOT NULL) "
               "PARTITION BY RANGE (submitted_at)")
    op.execute("ALTER TABLE responses ADD CONSTRAINT pk_responses PRIMARY KEY (id, submitted_at)")
    op.execute("ALTER TABLE answers ADD CONSTRAINT pk_answers PRIMARY KEY (id, submitted_at)")
    for table in ("responses", "answers"):
        _keep_sequence(f"{table}_unpartitioned", table)
        for name, definition in outgoing[table]:
            if "REFERENCES responses" not in definition:
                op.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _, definition in indexes[table]:
            op.execute(definition)
    op.execute("CREATE INDEX ix_responses_uuid ON responses (uuid)")
    op.execute("ALTER TABLE answers ADD CONSTRAINT fk_answers_response_id_responses "
               "FOREIGN KEY (response_id, submitted_at) REFERENCES responses (id, submitted_at) "
               "ON DELETE CASCADE")

    months = [r[0] for r in _rows(
        "SELECT DISTINCT CAST(date_trunc('month', (submitted_at AT TIME ZONE 'UTC') "
        "AT TIME ZONE 'Europe/Amsterdam') AS date) FROM responses_unpartitioned")]
    today = bind.execute(text("SELECT CAST(now() AT TIME ZONE 'Europe/Amsterdam' AS date)"))
    today = today.scalar()
    for month in sorted(set(months) | {partitions.first_of(today),
                                       partitions.shift(today, 1)}):
        partitions.create_month(bind, month)
    for table in ("responses", "answers"):
        op.execute(f"CREATE TABLE {SCHEMA}.{table}_default PARTITION OF {table} DEFAULT")

    columns = ", ".join(response_columns)
    op.execute(f"INSERT INTO responses ({columns}) SELECT {columns} FROM responses_unpartitioned")
    columns = ", ".join(answer_columns)
    selected = ", ".join(f"a.{c}" for c in answer_columns)
    op.execute(f"INSERT INTO answers ({columns}, submitted_at) SELECT {selected}, r.submitted_at "
               "FROM answers_unpartitioned a JOIN responses_unpartitioned r "
               "ON r.id = a.response_id")
    op.execute("DROP TABLE answers_unpartitioned")
    op.execute("DROP TABLE responses_unpartitioned")

    op.execute(f"CREATE TABLE {SCHEMA}.response_keys (uuid UUID PRIMARY KEY, "
               "submitted_at TIMESTAMP WITHOUT TIME ZONE NOT NULL)")
    op.execute(f"INSERT INTO {SCHEMA}.response_keys SELECT uuid, submitted_at FROM responses")
    op.execute(f"CREATE INDEX ix_response_keys_submitted_at ON {SCHEMA}.response_keys "
               "(submitted_at)")
    op.execute(KEYS_FUNCTION)
    op.execute("CREATE TRIGGER response_keys AFTER INSERT OR UPDATE OR DELETE ON responses "
               f"FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.response_keys_sync()")
    op.execute("ANALYZE responses")
    op.execute("ANALYZE answers")


def _unpartition_postgres():
    bind = op.get_bind()
    op.execute("LOCK TABLE responses, answers IN ACCESS EXCLUSIVE MODE")
    op.execute("DROP TRIGGER response_keys ON responses")
    outgoing = {t: _constraints(t, "f") for t in ("responses", "answers")}
    indexes = {
        "responses": _set_aside("responses", ("pk_responses", "ix_responses_uuid")),
        "answers": _set_aside("answers", ("pk_answers",)),
    }
    response_columns = _columns("responses_unpartitioned")
    answer_columns = [c for c in _columns("answers_unpartitioned") if c != "submitted_at"]
    op.execute(f"CREATE TABLE responses (LIKE responses_unpartitioned {LIKE})")
    op.execute(f"CREATE TABLE answers (LIKE answers_unpartitioned {LIKE})")
    op.execute("ALTER TABLE answers DROP COLUMN submitted_at")
    op.execute("ALTER TABLE responses ADD CONSTRAINT pk_responses PRIMARY KEY (id)")
    op.execute("ALTER TABLE responses ADD CONSTRAINT uq_responses_uuid UNIQUE (uuid)")
    op.execute("ALTER TABLE answers ADD CONSTRAINT pk_answers PRIMARY KEY (id)")
    for table in ("responses", "answers"):
        _keep_sequence(f"{table}_unpartitioned", table)
        for name, definition in outgoing[table]:
            if "REFERENCES responses" not in definition:
                op.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _, definition in indexes[table]:
            op.execute(definition.replace(" ON ONLY ", " ON "))
    columns = ", ".join(response_columns)
    op.execute(f"INSERT INTO responses ({columns}) SELECT {columns} FROM responses_unpartitioned")
    columns = ", ".join(answer_columns)
    op.execute(f"INSERT INTO answers ({columns}) SELECT {columns} FROM answers_unpartitioned")
    op.execute("DROP TABLE answers_unpartitioned")
    op.execute("DROP TABLE responses_unpartitioned")
    op.execute("ALTER TABLE answers ADD CONSTRAINT fk_answers_response_id_responses "
               "FOREIGN KEY (response_id) REFERENCES responses (id) ON DELETE CASCADE")
    for table, name, definition in _rows(
        f"SELECT table_name, name, definition FROM {SCHEMA}.dropped_foreign_keys"
    ):
        op.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    op.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
    del bind


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _partition_postgres()
        return
    op.add_column('answers', sa.Column('submitted_at', survey.models.types.UTCDateTime(),
                                       nullable=False, server_default='1970-01-01 00:00:00'))
    op.execute("UPDATE answers SET submitted_at = (SELECT r.submitted_at FROM responses r "
               "WHERE r.id = answers.response_id)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _unpartition_postgres()
        return
    # answers is referenced by no other table: SQLite's batch mode may rebuild it.
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('submitted_at')
