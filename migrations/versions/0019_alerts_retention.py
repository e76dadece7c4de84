"""Alert rules, the alert log and kiosk readings; the retention job's runs and the
organisation's comment retention period

Revision ID: 0019_alerts_retention
Revises: 0018_callbacks
Create Date: 2026-12-05 19:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_alerts_retention'
down_revision = '0018_callbacks'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: SQLite's batch mode would rebuild organisations, which its foreign
    # keys refuse once users and memberships point at it.
    op.add_column(
        'organisations',
        sa.Column('comment_retention_months', sa.Integer(), server_default='24', nullable=False),
    )
    op.create_table(
        'alert_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('rule', sa.String(length=40), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('cooldown_minutes', sa.Integer(), nullable=False),
        sa.Column('thresholds', sa.JSON(), nullable=False),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_alert_rules_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_rules')),
        sa.UniqueConstraint('organisation_id', 'rule',
                            name=op.f('uq_alert_rules_organisation_id_rule')),
    )
    op.create_index(op.f('ix_alert_rules_organisation_id'), 'alert_rules', ['organisation_id'])
    op.create_table(
        'alert_events',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('rule', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=100), nullable=False),
        sa.Column('fired_at', sa.DateTime(), nullable=False),
        sa.Column('facts', sa.JSON(), nullable=False),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('mailed_at', sa.DateTime(), nullable=True),
        sa.Column('mail_error', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_alert_events_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_events')),
    )
    op.create_index('ix_alert_events_org_rule_subject', 'alert_events',
                    ['organisation_id', 'rule', 'subject'])
    op.create_index('ix_alert_events_org_fired', 'alert_events',
                    ['organisation_id', 'fired_at'])
    op.create_table(
        'kiosk_readings',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('device_id', sa.Integer(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen', sa.DateTime(), nullable=True),
        sa.Column('queue_length', sa.Integer(), nullable=True),
        sa.Column('refused_count', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='CASCADE',
                                name=op.f('fk_kiosk_readings_device_id_devices')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosk_readings')),
    )
    op.create_index('ix_kiosk_readings_device_at', 'kiosk_readings', ['device_id', 'read_at'])
    op.create_table(
        'retention_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('errors', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_runs')),
    )
    op.create_index(op.f('ix_retention_runs_started_at'), 'retention_runs', ['started_at'])


def downgrade():
    op.drop_index(op.f('ix_retention_runs_started_at'), table_name='retention_runs')
    op.drop_table('retention_runs')
    op.drop_index('ix_kiosk_readings_device_at', table_name='kiosk_readings')
    op.drop_table('kiosk_readings')
    op.drop_index('ix_alert_events_org_fired', table_name='alert_events')
    op.drop_index('ix_alert_events_org_rule_subject', table_name='alert_events')
    op.drop_table('alert_events')
    op.drop_index(op.f('ix_alert_rules_organisation_id'), table_name='alert_rules')
    op.drop_table('alert_rules')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('comment_retention_months')
