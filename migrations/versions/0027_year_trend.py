"""Period reports keep their tables as XLSX next to the PDF (the year report's trend with the
year before, and every other table)

Revision ID: 0027_year_trend
Revises: 0026_subscriptions
Create Date: 2026-12-05 23:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0027_year_trend'
down_revision = '0026_subscriptions'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('period_reports', sa.Column('xlsx', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('period_reports', schema=None) as batch_op:
        batch_op.drop_column('xlsx')
