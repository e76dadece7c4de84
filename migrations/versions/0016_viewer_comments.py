"""Whether viewers of an organisation may read comments

Revision ID: 0016_viewer_comments
Revises: 0012_admin_config
Create Date: 2026-12-05 18:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_viewer_comments'
down_revision = '0012_admin_config'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: SQLite's batch mode would rebuild organisations, which its foreign
    # keys refuse once users and memberships point at it.
    op.add_column(
        'organisations',
        sa.Column('viewers_see_comments', sa.Boolean(), server_default=sa.false(),
                  nullable=False),
    )


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('viewers_see_comments')
