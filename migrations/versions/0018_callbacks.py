"""Callback requests, their follow-up cases and notes; the service norm and unit inboxes

Revision ID: 0018_callbacks
Revises: 0016_viewer_comments
Create Date: 2026-12-05 19:40:00

"""
from alembic import op
import sqlalchemy as sa

from survey.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0018_callbacks'
down_revision = '0020_report_periods'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: SQLite's batch mode would rebuild tables other tables point at.
    op.add_column(
        'organisations',
        sa.Column('callback_norm_days', sa.Integer(), server_default='2', nullable=False),
    )
    op.add_column('units', sa.Column('inbox_email', sa.String(length=254), nullable=True))
    op.create_table(
        'callback_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uuid', sa.Uuid(), nullable=False),
        sa.Column('payload_hash', sa.String(length=64), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  nullable=True),
        sa.Column('survey_mode', sa.String(length=20), nullable=False),
        sa.Column('contact_channel', sa.String(length=20), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('consent_at', UTCDateTime(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=True),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('details_erased_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_callback_requests_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['response_id'], ['responses.id'],
                                name=op.f('fk_callback_requests_response_id_responses')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_requests')),
        sa.UniqueConstraint('response_id', name=op.f('uq_callback_requests_response_id')),
        sa.UniqueConstraint('uuid', name=op.f('uq_callback_requests_uuid')),
    )
    op.create_index(op.f('ix_callback_requests_organisation_id'), 'callback_requests',
                    ['organisation_id'], unique=False)
    op.create_table(
        'callback_cases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.Column('norm_days', sa.SmallInteger(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('due_at', UTCDateTime(), nullable=False),
        sa.Column('first_contact_at', UTCDateTime(), nullable=True),
        sa.Column('closed_at', UTCDateTime(), nullable=True),
        sa.Column('arrival_mailed_at', UTCDateTime(), nullable=True),
        sa.Column('overdue_mailed_at', UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('new', 'in_progress', 'done', 'unreachable')",
            name=op.f('ck_callback_cases_status'),
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('solved', 'explained', 'referred', 'complaint', "
            "'other')",
            name=op.f('ck_callback_cases_outcome'),
        ),
        sa.ForeignKeyConstraint(['assignee_id'], ['users.id'],
                                name=op.f('fk_callback_cases_assignee_id_users')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_callback_cases_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['request_id'], ['callback_requests.id'],
                                name=op.f('fk_callback_cases_request_id_callback_requests')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'],
                                name=op.f('fk_callback_cases_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_cases')),
        sa.UniqueConstraint('request_id', name=op.f('uq_callback_cases_request_id')),
    )
    op.create_index(op.f('ix_callback_cases_assignee_id'), 'callback_cases', ['assignee_id'],
                    unique=False)
    op.create_index(op.f('ix_callback_cases_unit_id'), 'callback_cases', ['unit_id'],
                    unique=False)
    op.create_index('ix_callback_cases_org_status_due', 'callback_cases',
                    ['organisation_id', 'status', 'due_at'], unique=False)
    op.create_table(
        'callback_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('author_label', sa.String(length=254), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_callback_notes_author_id_users')),
        sa.ForeignKeyConstraint(['case_id'], ['callback_cases.id'],
                                name=op.f('fk_callback_notes_case_id_callback_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_notes')),
    )
    op.create_index(op.f('ix_callback_notes_case_id'), 'callback_notes', ['case_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_callback_notes_case_id'), table_name='callback_notes')
    op.drop_table('callback_notes')
    op.drop_index('ix_callback_cases_org_status_due', table_name='callback_cases')
    op.drop_index(op.f('ix_callback_cases_unit_id'), table_name='callback_cases')
    op.drop_index(op.f('ix_callback_cases_assignee_id'), table_name='callback_cases')
    op.drop_table('callback_cases')
    op.drop_index(op.f('ix_callback_requests_organisation_id'), table_name='callback_requests')
    op.drop_table('callback_requests')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('inbox_email')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('callback_norm_days')
