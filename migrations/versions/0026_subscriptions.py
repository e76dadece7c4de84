"""Report deliveries: which report was e-mailed to whom (a late subscriber's once)

Revision ID: 0026_subscriptions
Revises: 0025_alert_claims
Create Date: 2026-12-05 23:00:00

"""
import sqlalchemy as sa
from alembic import op

import survey.models.types

# revision identifiers, used by Alembic.
revision = '0026_subscriptions'
down_revision = '0025_alert_claims'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('report_key', sa.String(length=40), nullable=False),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('created_at', survey.models.types.UTCDateTime(), nullable=False),
    sa.Column('sent_at', survey.models.types.UTCDateTime(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_report_deliveries_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_deliveries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_deliveries')),
    sa.UniqueConstraint('report_key', 'user_id', name=op.f('uq_report_deliveries_report_key_user_id'))
    )
    op.create_index(op.f('ix_report_deliveries_organisation_id'), 'report_deliveries', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_report_deliveries_user_id'), 'report_deliveries', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_report_deliveries_user_id'), table_name='report_deliveries')
    op.drop_index(op.f('ix_report_deliveries_organisation_id'), table_name='report_deliveries')
    op.drop_table('report_deliveries')
