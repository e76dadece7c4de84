"""WhatsApp: business numbers, conversations, sent messages, webhook events; a rule's mode

Revision ID: 0017_whatsapp
Revises: 0021_open_data
Create Date: 2026-12-05 19:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_whatsapp'
down_revision = '0022_partitions'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table(
        'whatsapp_accounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('phone_number_id', sa.String(length=40), nullable=False),
        sa.Column('templates', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_whatsapp_accounts_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_whatsapp_accounts')),
        sa.UniqueConstraint('organisation_id', name=op.f('uq_whatsapp_accounts_organisation_id')),
        sa.UniqueConstraint('phone_number_id', name=op.f('uq_whatsapp_accounts_phone_number_id')),
    )
    op.create_table(
        'whatsapp_conversations',
        sa.Column('id', BIG_ID, nullable=False),
        sa.Column('invitation_id', BIG_ID, nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('address_hash', sa.String(length=64), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('asked', sa.String(length=40), nullable=True),
        sa.Column('skipped', sa.JSON(), nullable=False),
        sa.Column('last_inbound_at', sa.DateTime(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'],
                                name=op.f('fk_whatsapp_conversations_invitation_id_invitations')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_whatsapp_conversations_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_whatsapp_conversations')),
        sa.UniqueConstraint('invitation_id', name=op.f('uq_whatsapp_conversations_invitation_id')),
    )
    op.create_index('ix_whatsapp_conversations_org_state', 'whatsapp_conversations',
                    ['organisation_id', 'state'])
    op.create_index(op.f('ix_whatsapp_conversations_address_hash'), 'whatsapp_conversations',
                    ['address_hash'])
    op.create_table(
        'whatsapp_messages',
        sa.Column('id', BIG_ID, nullable=False),
        sa.Column('message_id', sa.String(length=128), nullable=False),
        sa.Column('invitation_id', BIG_ID, nullable=False),
        sa.Column('question_key', sa.String(length=40), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'],
                                name=op.f('fk_whatsapp_messages_invitation_id_invitations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_whatsapp_messages')),
        sa.UniqueConstraint('message_id', name=op.f('uq_whatsapp_messages_message_id')),
    )
    op.create_index(op.f('ix_whatsapp_messages_invitation_id'), 'whatsapp_messages',
                    ['invitation_id'])
    op.create_table(
        'whatsapp_events',
        sa.Column('id', BIG_ID, nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('data', sa.JSON(), nullable=True),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('processed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_whatsapp_events_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_whatsapp_events')),
        sa.UniqueConstraint('key', name=op.f('uq_whatsapp_events_key')),
    )
    op.create_index('ix_whatsapp_events_pending', 'whatsapp_events',
                    ['processed_at', 'received_at'])
    # A plain ADD COLUMN (no batch rebuild of a table others reference).
    op.add_column('invitation_rules',
                  sa.Column('survey_mode', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('invitation_rules', schema=None) as batch_op:
        batch_op.drop_column('survey_mode')
    op.drop_index('ix_whatsapp_events_pending', table_name='whatsapp_events')
    op.drop_table('whatsapp_events')
    op.drop_index(op.f('ix_whatsapp_messages_invitation_id'), table_name='whatsapp_messages')
    op.drop_table('whatsapp_messages')
    op.drop_index(op.f('ix_whatsapp_conversations_address_hash'),
                  table_name='whatsapp_conversations')
    op.drop_index('ix_whatsapp_conversations_org_state', table_name='whatsapp_conversations')
    op.drop_table('whatsapp_conversations')
    op.drop_table('whatsapp_accounts')
