"""Survey drafts: the questions staff edit in the browser before publishing a version

Revision ID: 0013_survey_drafts
Revises: 0009_admin
Create Date: 2026-12-05 16:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_survey_drafts'
down_revision = '0010_reliability'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_column('draft')
