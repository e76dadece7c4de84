"""Kiosk rule times of responses; the widget sampling rates a survey replaced

Revision ID: 0007_kiosk_times_widget_rates
Revises: 0006_session_version
Create Date: 2026-12-01 23:40:00

"""
from alembic import op
import sqlalchemy as sa

from survey.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0007_kiosk_times_widget_rates'
down_revision = '0006_session_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rule_at', UTCDateTime(), nullable=True))
    op.create_table(
        'widget_rate_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('sampling_rate', sa.Float(), nullable=False),
        sa.Column('replaced_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('widget_rate_changes', schema=None) as batch_op:
        batch_op.create_index('ix_widget_rate_changes_survey_id', ['survey_id'], unique=False)


def downgrade():
    op.drop_table('widget_rate_changes')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('rule_at')
