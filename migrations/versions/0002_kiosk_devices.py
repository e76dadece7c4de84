"""Kiosk devices: enrolment, health and settings

Devices existing before this revision get default settings ({}).

Revision ID: 0002_kiosk_devices
Revises: 0001_survey_core
Create Date: 2026-11-23 16:17:36.737291

"""
from alembic import op
import sqlalchemy as sa
import survey.models.types


# revision identifiers, used by Alembic.
revision = '0002_kiosk_devices'
down_revision = '0001_survey_core'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enrolment_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('enrolment_expires_at', survey.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('enrolled_at', survey.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_seen', survey.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('app_version', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('queue_length', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('last_submission_at', survey.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('settings', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.create_unique_constraint(batch_op.f('uq_devices_enrolment_token_hash'), ['enrolment_token_hash'])


def downgrade():
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_devices_enrolment_token_hash'), type_='unique')
        batch_op.drop_column('settings')
        batch_op.drop_column('last_submission_at')
        batch_op.drop_column('queue_length')
        batch_op.drop_column('app_version')
        batch_op.drop_column('last_seen')
        batch_op.drop_column('enrolled_at')
        batch_op.drop_column('enrolment_expires_at')
        batch_op.drop_column('enrolment_token_hash')
