"""Kiosk devices: how many answers the server refused that the tablet keeps

Revision ID: 0005_kiosk_refused
Revises: 0004_reports
Create Date: 2026-11-23 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_kiosk_refused'
down_revision = '0004_reports'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refused_count', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('refused_count')
