"""Website widget: trigger, presentation and visitor hash on responses

Revision ID: 0003_widget
Revises: 0002_kiosk_devices
Create Date: 2026-11-23 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_widget'
down_revision = '0002_kiosk_devices'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trigger', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('presentation', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('visitor_hash', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_responses_survey_visitor', ['survey_id', 'visitor_hash'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('ix_responses_survey_visitor')
        batch_op.drop_column('visitor_hash')
        batch_op.drop_column('presentation')
        batch_op.drop_column('trigger')
