"""The alert log's mail claim: when a worker started e-mailing an alert

Revision ID: 0025_alert_claims
Revises: 0017_whatsapp
Create Date: 2026-12-05 21:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025_alert_claims'
down_revision = '0017_whatsapp'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('alert_events', sa.Column('mail_started_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('alert_events', schema=None) as batch_op:
        batch_op.drop_column('mail_started_at')
