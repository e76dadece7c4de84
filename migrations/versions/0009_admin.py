"""Administration: memberships (roles per organisation), operators, one-time password links,
the audit log, organisation settings and API key last use

Existing users' organisation, role and report subscription become memberships; the columns
leave the users table.

Revision ID: 0009_admin
Revises: 0007_kiosk_times_widget_rates
Create Date: 2026-12-05 16:40:00

"""
from alembic import op
import sqlalchemy as sa

from survey.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0009_admin'
down_revision = '0008_invitations'
branch_labels = None
depends_on = None


def upgrade():
    # The users table is rebuilt below (SQLite cannot drop columns in place); it must not be
    # referenced by rows of new tables while it is, so the roles wait in a plain table first.
    op.create_table(
        '_users_0009',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=10), nullable=False),
        sa.Column('receives_reports', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
    )
    op.execute(
        "INSERT INTO _users_0009 (user_id, organisation_id, role, receives_reports, created_at) "
        "SELECT id, organisation_id, role, receives_reports, created_at FROM users"
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_operator', sa.Boolean(), server_default='0', nullable=False))
        batch_op.drop_index(batch_op.f('ix_users_organisation_id'))
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_users_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_column('organisation_id')
        batch_op.drop_column('role')
        batch_op.drop_column('receives_reports')

    op.create_table(
        'memberships',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=10), nullable=False),
        sa.Column('receives_reports', sa.Boolean(), server_default='0', nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('deactivated_at', UTCDateTime(), nullable=True),
        sa.CheckConstraint("role IN ('viewer', 'analyst', 'admin')", name=op.f('ck_memberships_role')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_memberships_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
        sa.UniqueConstraint('user_id', 'organisation_id', name=op.f('uq_memberships_user_id_organisation_id')),
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_user_id'), ['user_id'], unique=False)

    op.create_table(
        'password_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('purpose', sa.String(length=10), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.Column('used_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_tokens_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_password_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_password_tokens_token_hash')),
    )
    with op.batch_alter_table('password_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_tokens_user_id'), ['user_id'], unique=False)

    op.create_table(
        'audit_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_label', sa.String(length=254), nullable=False),
        sa.Column('action', sa.String(length=60), nullable=False),
        sa.Column('target', sa.String(length=200), nullable=False),
        sa.Column('before', sa.JSON(), nullable=True),
        sa.Column('after', sa.JSON(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_audit_entries_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_org_time', ['organisation_id', 'created_at'], unique=False)

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_language', sa.String(length=5), server_default='nl', nullable=False))
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), server_default='Europe/Amsterdam', nullable=False))
        batch_op.add_column(sa.Column('complaint_url', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('logo', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('logo_type', sa.String(length=20), nullable=True))

    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_used_at', UTCDateTime(), nullable=True))

    # Every existing user keeps their organisation, role and report subscription.
    op.execute(
        "INSERT INTO memberships (user_id, organisation_id, role, receives_reports, created_at) "
        "SELECT user_id, organisation_id, role, receives_reports, created_at FROM _users_0009"
    )
    op.drop_table('_users_0009')


def downgrade():
    op.drop_table('audit_entries')
    op.drop_table('password_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('role', sa.String(length=10), server_default='viewer', nullable=False))
        batch_op.add_column(sa.Column('receives_reports', sa.Boolean(), server_default='0', nullable=False))
    # A user's first membership becomes their one organisation (analysts become viewers).
    op.execute(
        "UPDATE users SET "
        "organisation_id = (SELECT m.organisation_id FROM memberships m WHERE m.user_id = users.id ORDER BY m.id LIMIT 1), "
        "role = COALESCE((SELECT CASE m.role WHEN 'admin' THEN 'admin' ELSE 'viewer' END FROM memberships m WHERE m.user_id = users.id ORDER BY m.id LIMIT 1), 'viewer'), "
        "receives_reports = COALESCE((SELECT m.receives_reports FROM memberships m WHERE m.user_id = users.id ORDER BY m.id LIMIT 1), receives_reports)"
    )
    op.execute("DELETE FROM users WHERE organisation_id IS NULL")
    op.drop_table('memberships')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_organisation_id_organisations'), 'organisations', ['organisation_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_users_role'), "role IN ('viewer', 'admin')")
        batch_op.create_index(batch_op.f('ix_users_organisation_id'), ['organisation_id'], unique=False)
        batch_op.drop_column('is_operator')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('logo_type')
        batch_op.drop_column('logo')
        batch_op.drop_column('complaint_url')
        batch_op.drop_column('timezone')
        batch_op.drop_column('default_language')
