"""The contact's handling on responses that came through an invitation

Revision ID: 0015_link_page
Revises: 0009_admin
Create Date: 2026-12-05 16:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_link_page'
down_revision = '0009_admin'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handling', sa.String(length=20), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_responses_handling'), "handling IN ('first_line', 'transferred', 'callback_promised')"
        )


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint('ck_responses_handling', type_='check')
        batch_op.drop_column('handling')
