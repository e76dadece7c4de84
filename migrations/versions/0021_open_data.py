"""Open data per organisation, and comparison groups of organisations

Revision ID: 0021_open_data
Revises: 0016_viewer_comments
Create Date: 2026-12-05 19:45:00

"""
from alembic import op
import sqlalchemy as sa

from survey.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0021_open_data'
down_revision = '0016_viewer_comments'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: SQLite's batch mode would rebuild organisations, which its foreign
    # keys refuse once users and memberships point at it.
    op.add_column(
        'organisations',
        sa.Column('open_data', sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table(
        'comparison_groups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_comparison_groups')),
        sa.UniqueConstraint('slug', name=op.f('uq_comparison_groups_slug')),
    )
    op.create_table(
        'comparison_members',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('invited_at', UTCDateTime(), nullable=False),
        sa.Column('joined_at', UTCDateTime(), nullable=True),
        sa.Column('consented_by', sa.String(length=254), nullable=True),
        sa.ForeignKeyConstraint(['group_id'], ['comparison_groups.id'],
                                name=op.f('fk_comparison_members_group_id_comparison_groups')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_comparison_members_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_comparison_members')),
        sa.UniqueConstraint('group_id', 'organisation_id',
                            name=op.f('uq_comparison_members_group_id_organisation_id')),
    )
    with op.batch_alter_table('comparison_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comparison_members_group_id'), ['group_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_comparison_members_organisation_id'),
                              ['organisation_id'], unique=False)


def downgrade():
    op.drop_table('comparison_members')
    op.drop_table('comparison_groups')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('open_data')
