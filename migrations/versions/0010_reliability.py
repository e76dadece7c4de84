"""Reliability: the client's own time beside a corrected one; one claimed run per monthly report

Revision ID: 0010_reliability
Revises: 0009_admin
Create Date: 2026-12-05 16:45:00

"""
from alembic import op
import sqlalchemy as sa

from survey.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0010_reliability'
down_revision = '0015_link_page'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_submitted_at', UTCDateTime(), nullable=True))
    op.create_table(
        'report_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('worker', sa.String(length=80), nullable=False),
        sa.Column('claimed_at', UTCDateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('built_at', UTCDateTime(), nullable=True),
        sa.Column('mail_started_at', UTCDateTime(), nullable=True),
        sa.Column('mailed_at', UTCDateTime(), nullable=True),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_report_jobs_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_jobs')),
        sa.UniqueConstraint('organisation_id', 'month', 'language',
                            name=op.f('uq_report_jobs_organisation_id_month_language')),
    )
    with op.batch_alter_table('report_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_jobs_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    op.drop_table('report_jobs')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('client_submitted_at')
