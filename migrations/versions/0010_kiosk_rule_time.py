"""Responses: the moment the kiosk misuse rules counted an answer at

Revision ID: 0010_kiosk_rule_time
Revises: 0006_session_version
Create Date: 2026-12-01 23:40:00

"""
from alembic import op
import sqlalchemy as sa

from survey.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0010_kiosk_rule_time'
down_revision = '0006_session_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rule_at', UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('rule_at')
