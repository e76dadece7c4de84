"""Opening hours of locations; measure and start month of report targets

Revision ID: 0012_admin_config
Revises: 0013_survey_drafts
Create Date: 2026-12-05 16:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_admin_config'
down_revision = '0013_survey_drafts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opening_hours', sa.JSON(), nullable=True))
    op.execute("UPDATE locations SET opening_hours = '{}'")
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.alter_column('opening_hours', existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table('report_targets', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('measure', sa.String(length=20), server_default='satisfied', nullable=False)
        )
        batch_op.add_column(sa.Column('start_month', sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_report_targets_measure'), "measure IN ('satisfied', 'yes_share', 'nps')"
        )
    op.execute(
        "UPDATE report_targets SET measure = 'yes_share' WHERE question_key IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('report_targets', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_report_targets_measure'), type_='check')
        batch_op.drop_column('start_month')
        batch_op.drop_column('measure')
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.drop_column('opening_hours')
