"""Contacts, invitations (extended), deliveries, the opt-out list and invitation rules

Revision ID: 0008_invitations
Revises: 0007_kiosk_times_widget_rates
Create Date: 2026-12-05 16:22:58

The invitations table existed as an unused stub: its new NOT NULL columns need no default.

"""
from alembic import op
import sqlalchemy as sa
import survey.models.types


# revision identifiers, used by Alembic.
revision = '0008_invitations'
down_revision = '0007_kiosk_times_widget_rates'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('opt_outs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_at', survey.models.types.UTCDateTime(), nullable=False),
    sa.Column('acknowledged_at', survey.models.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("source IN ('sms_stop', 'email_unsubscribe', 'survey_page', 'whatsapp', 'staff')", name=op.f('ck_opt_outs_source')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_opt_outs_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opt_outs')),
    sa.UniqueConstraint('organisation_id', 'address_hash', name=op.f('uq_opt_outs_organisation_id_address_hash'))
    )
    op.create_table('contacts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('client_uuid', sa.Uuid(), nullable=True),
    sa.Column('payload_hash', sa.String(length=64), nullable=False),
    sa.Column('contact_channel', sa.String(length=20), nullable=False),
    sa.Column('ended_at', survey.models.types.UTCDateTime(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('handling', sa.String(length=20), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('address_kind', sa.String(length=10), nullable=True),
    sa.Column('address', sa.String(length=320), nullable=True),
    sa.Column('address_hash', sa.String(length=64), nullable=True),
    sa.Column('address_erased_at', survey.models.types.UTCDateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('created_at', survey.models.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("address_kind IN ('phone', 'email')", name=op.f('ck_contacts_address_kind')),
    sa.CheckConstraint("contact_channel IN ('counter', 'phone', 'email', 'contact_form', 'letter', 'whatsapp', 'website', 'social')", name=op.f('ck_contacts_contact_channel')),
    sa.CheckConstraint("handling IN ('first_line', 'transferred', 'callback_promised')", name=op.f('ck_contacts_handling')),
    sa.CheckConstraint("outcome IN ('invited', 'not_eligible', 'not_sampled', 'throttled', 'opted_out', 'no_address', 'capped')", name=op.f('ck_contacts_outcome')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_contacts_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_contacts_topic_id_topics')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_contacts_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_contacts_client_uuid')),
    sa.UniqueConstraint('organisation_id', 'reference', name=op.f('uq_contacts_organisation_id_reference'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index('ix_contacts_org_address_hash', ['organisation_id', 'address_hash'], unique=False)
        batch_op.create_index('ix_contacts_org_ended', ['organisation_id', 'ended_at'], unique=False)

    op.create_table('invitation_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('contact_channel', sa.String(length=20), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('sampling_rate', sa.Float(), nullable=False),
    sa.Column('delay_minutes', sa.Integer(), nullable=False),
    sa.Column('quiet_start', sa.Time(), nullable=False),
    sa.Column('quiet_end', sa.Time(), nullable=False),
    sa.Column('throttle_days', sa.Integer(), nullable=False),
    sa.Column('expiry_days', sa.Integer(), nullable=False),
    sa.Column('daily_cap', sa.Integer(), nullable=True),
    sa.Column('reminder_after_hours', sa.Integer(), nullable=True),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', survey.models.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("contact_channel IN ('counter', 'phone', 'email', 'contact_form', 'letter', 'whatsapp', 'website', 'social')", name=op.f('ck_invitation_rules_contact_channel')),
    sa.CheckConstraint('sampling_rate > 0 AND sampling_rate <= 1', name=op.f('ck_invitation_rules_sampling_rate')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_invitation_rules_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_invitation_rules_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_rules')),
    sa.UniqueConstraint('organisation_id', 'contact_channel', name=op.f('uq_invitation_rules_organisation_id_contact_channel'))
    )
    op.create_table('deliveries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('invitation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', survey.models.types.UTCDateTime(), nullable=True),
    sa.Column('provider', sa.String(length=20), nullable=True),
    sa.Column('provider_message_id', sa.String(length=100), nullable=True),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.Column('claimed_at', survey.models.types.UTCDateTime(), nullable=True),
    sa.Column('finished_at', survey.models.types.UTCDateTime(), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.CheckConstraint("kind IN ('invitation', 'reminder')", name=op.f('ck_deliveries_kind')),
    sa.CheckConstraint("status IN ('claimed', 'sent', 'failed_temporary', 'failed_permanent', 'unknown')", name=op.f('ck_deliveries_status')),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_deliveries_invitation_id_invitations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_deliveries_idempotency_key')),
    sa.UniqueConstraint('invitation_id', 'kind', name=op.f('uq_deliveries_invitation_id_kind'))
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_status_next', ['status', 'next_attempt_at'], unique=False)

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=False))
        batch_op.add_column(sa.Column('quiet_delayed', sa.Boolean(), nullable=False))
        batch_op.add_column(sa.Column('due_at', survey.models.types.UTCDateTime(), nullable=False))
        batch_op.add_column(sa.Column('expires_at', survey.models.types.UTCDateTime(), nullable=False))
        batch_op.add_column(sa.Column('reminder_due_at', survey.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('sent_at', survey.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('delivered_at', survey.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('opened_at', survey.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('completed_at', survey.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('reminded_at', survey.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('failure_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('provider', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('provider_message_id', sa.String(length=100), nullable=True))
        batch_op.create_index('ix_invitations_org_created', ['organisation_id', 'created_at'], unique=False)
        batch_op.create_index('ix_invitations_status_due', ['status', 'due_at'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_invitations_contact_id'), ['contact_id'])
        batch_op.create_foreign_key(batch_op.f('fk_invitations_contact_id_contacts'), 'contacts', ['contact_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_invitations_status'), "status IN ('scheduled', 'sending', 'sent', 'delivered', 'failed', 'expired')")
        batch_op.create_check_constraint(op.f('ck_invitations_inclusion_probability'), 'inclusion_probability > 0 AND inclusion_probability <= 1')



def downgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_invitations_inclusion_probability'), type_='check')
        batch_op.drop_constraint(op.f('ck_invitations_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_invitations_contact_id_contacts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_invitations_contact_id'), type_='unique')
        batch_op.drop_index('ix_invitations_status_due')
        batch_op.drop_index('ix_invitations_org_created')
        batch_op.drop_column('provider_message_id')
        batch_op.drop_column('provider')
        batch_op.drop_column('failure_code')
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('completed_at')
        batch_op.drop_column('opened_at')
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('reminder_due_at')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('due_at')
        batch_op.drop_column('quiet_delayed')
        batch_op.drop_column('status')
        batch_op.drop_column('contact_id')

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_status_next')

    op.drop_table('deliveries')
    op.drop_table('invitation_rules')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_contacts_org_ended')
        batch_op.drop_index('ix_contacts_org_address_hash')

    op.drop_table('contacts')
    op.drop_table('opt_outs')
