"""Staff users: session version, raised to end every login session of a user.

Revision ID: 0006_session_version
Revises: 0005_kiosk_refused
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_session_version"
down_revision = "0005_kiosk_refused"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
