"""Purpose limitation, erasure of addresses, the opt-out list and link tokens."""

import inspect
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from survey.database import unit_of_work
from survey.errors import Gone, NotFound
from survey.extensions import db
from survey.models import Contact, Invitation, OptOut
from survey.services import invitations
from survey.services.contacts import receive_contacts
from survey.services.invitations import (
    acknowledge_opt_out,
    address_hash,
    destination,
    erase_addresses,
    invitation_for_token,
    link_token,
    mark_completed,
    mark_opened,
    opt_out,
)


@pytest.fixture
def org_id(demo_org):
    from survey.services.catalogue import organisation

    return organisation("demo").id


def now() -> datetime:
    return datetime.now(UTC)


def receive(org_id, *payloads, at=None):
    return receive_contacts(org_id, list(payloads), at or now())


def call(ref, phone="0612345678", minutes_ago=30, at=None, **extra):
    stamp = ((at or now()) - timedelta(minutes=minutes_ago)).isoformat()
    return {
        "reference": ref,
        "contact_channel": "phone",
        "ended_at": stamp,
        "phone": phone,
        **extra,
    }


def mail(ref, email="jan@example.nl", channel="email"):
    stamp = (now() - timedelta(minutes=30)).isoformat()
    return {"reference": ref, "contact_channel": channel, "ended_at": stamp, "email": email}


def invitation_of(contact_id) -> Invitation:
    return db.session.execute(
        select(Invitation).where(Invitation.contact_id == contact_id)
    ).scalar_one()


# Purpose limitation ------------------------------------------------------------------------


def test_the_destination_is_the_contacts_own_address_through_its_channels_mode(org_id):
    a, b, c = receive(
        org_id, call("P-1", "0611111111"), call("P-2", "0622222222"), mail("P-3", "x@y.nl")
    )
    assert destination(invitation_of(a.id).id) == invitations.Destination("sms", "+31611111111")
    assert destination(invitation_of(b.id).id) == invitations.Destination("sms", "+31622222222")
    assert destination(invitation_of(c.id).id) == invitations.Destination("email", "x@y.nl")


def test_no_sending_entry_point_takes_an_address():
    for function in (destination, invitations.link_url, invitations.due_invitations):
        parameters = set(inspect.signature(function).parameters)
        assert not parameters & {"address", "to", "phone", "email", "recipient"}, function


def test_a_mode_that_does_not_match_the_contacts_channel_has_no_destination(org_id):
    (result,) = receive(org_id, call("P-4"))
    inv = invitation_of(result.id)
    with unit_of_work():
        db.session.execute(update(Invitation).values(survey_mode="email"))
    with pytest.raises(Gone) as caught:
        destination(inv.id)
    assert caught.value.code == "no_destination"


def test_an_invitation_cannot_be_pointed_at_another_organisations_contact(org_id):
    from survey.models import Organisation

    with unit_of_work() as session:
        other = Organisation(slug="other", name="Other")
        session.add(other)
    (result,) = receive(org_id, call("P-5"))
    inv = invitation_of(result.id)
    with unit_of_work():
        db.session.execute(update(Invitation).values(organisation_id=other.id))
    with pytest.raises(Gone):
        destination(inv.id)


def test_only_invited_contacts_keep_a_cleartext_address(org_id):
    from survey.services.rules import set_rule

    set_rule("demo", "phone", sampling_rate=0.0001)
    results = receive(org_id, *[call(f"S-{i}", f"0612{i:06d}") for i in range(20)])
    kept = db.session.execute(select(Contact.outcome, Contact.address)).all()
    assert all((address is not None) == (outcome == "invited") for outcome, address in kept), kept
    assert sum(r.outcome == "not_sampled" for r in results) >= 18


# Erasure -----------------------------------------------------------------------------------


def addresses() -> dict[str, str | None]:
    return dict(db.session.execute(select(Contact.reference, Contact.address)).all())


def set_invitation(ref, **values):
    contact_id = db.session.execute(select(Contact.id).where(Contact.reference == ref)).scalar_one()
    with unit_of_work():
        db.session.execute(
            update(Invitation).where(Invitation.contact_id == contact_id).values(**values)
        )


def test_addresses_are_erased_when_the_outcome_is_final_and_after_7_days(org_id):
    moment = now()
    receive(
        org_id,
        call("E-scheduled", "0611111111"),
        call("E-delivered", "0622222222"),
        call("E-failed", "0633333333"),
        call("E-answered", "0644444444"),
        call("E-reminder", "0655555555"),
        call("E-expired", "0687654321"),
        at=moment,
    )
    set_invitation("E-delivered", status="delivered", sent_at=moment, delivered_at=moment)
    set_invitation("E-failed", status="failed", failure_code="invalid_number")
    set_invitation("E-answered", status="sent", sent_at=moment, completed_at=moment)
    set_invitation("E-reminder", status="delivered", reminder_due_at=moment + timedelta(days=2))
    set_invitation("E-expired", status="sent", expires_at=moment - timedelta(seconds=1))
    erased_now = erase_addresses(moment)
    kept = addresses()
    assert erased_now == 4, kept
    assert kept == {
        "E-scheduled": "+31611111111",
        "E-delivered": None,
        "E-failed": None,
        "E-answered": None,
        "E-reminder": "+31655555555",  # the reminder still needs it
        "E-expired": None,
    }
    # The hash stays for throttling and opt-out; the moment of erasure is recorded.
    erased = db.session.execute(
        select(Contact).where(Contact.reference == "E-delivered")
    ).scalar_one()
    assert erased.address_hash == address_hash(org_id, "+31622222222")
    assert erased.address_erased_at == moment
    # The reminder sent: now it goes.
    set_invitation("E-reminder", reminded_at=moment)
    assert erase_addresses(moment) == 1 and addresses()["E-reminder"] is None
    # Seven days on, whatever the status.
    assert erase_addresses(moment + timedelta(days=7)) == 1
    assert set(addresses().values()) == {None}


def test_the_periodic_task_erases(org_id, app):
    from survey import tasks

    (result,) = receive(org_id, call("H-1"))
    set_invitation("H-1", status="failed")
    tasks.erase_addresses.call_local()
    assert addresses() == {"H-1": None}
    periodic = {t.__name__ for t in tasks.huey._registry._periodic_tasks}
    assert "erase_addresses" in periodic


def test_a_throttle_still_works_after_erasure(org_id):
    receive(org_id, call("R-1"))
    set_invitation("R-1", status="delivered")
    erase_addresses(now())
    (again,) = receive(org_id, call("R-2"))
    assert again.outcome == "throttled"


# Opt-out -----------------------------------------------------------------------------------


def test_an_opted_out_person_is_never_invited_again(org_id):
    moment = now()
    (first,) = receive(org_id, call("O-1"), at=moment)
    hashed = address_hash(org_id, "+31612345678")
    assert opt_out(org_id, hashed, "sms_stop", moment) is True
    assert opt_out(org_id, hashed, "survey_page", moment) is False  # once on the list
    assert db.session.query(OptOut).count() == 1
    # The waiting invitation is cancelled and its address erased at once.
    inv = invitation_of(first.id)
    assert (inv.status, inv.failure_code) == ("failed", "opted_out")
    assert addresses() == {"O-1": None}
    # Long after any throttle: still not invited, on any channel.
    later = moment + timedelta(days=300)
    (result,) = receive(org_id, call("O-2", at=later), at=later)
    assert result.outcome == "opted_out"


def test_opt_out_is_acknowledged_once(org_id):
    hashed = address_hash(org_id, "jan@example.nl")
    opt_out(org_id, hashed, "email_unsubscribe", now())
    assert acknowledge_opt_out(org_id, hashed, now()) is True
    assert acknowledge_opt_out(org_id, hashed, now()) is False


def test_opt_out_is_per_organisation(org_id):
    from survey.models import Organisation

    with unit_of_work() as session:
        session.add(Organisation(slug="other", name="Other"))
    other = db.session.execute(select(Organisation.id).where(Organisation.slug == "other"))
    other_id = other.scalar_one()
    assert address_hash(org_id, "+31612345678") != address_hash(other_id, "+31612345678")


def test_an_unknown_opt_out_source_is_a_programming_error(org_id):
    with pytest.raises(ValueError):
        opt_out(org_id, "0" * 64, "carrier_pigeon", now())


# Link tokens -------------------------------------------------------------------------------


def test_the_link_token_finds_its_invitation_and_is_not_stored(org_id):
    (result,) = receive(org_id, call("K-1"))
    token = link_token(result.id)
    assert len(token) == 22  # 128 bits, URL-safe base64
    inv = invitation_for_token(token)
    assert inv.contact_id == result.id
    assert token not in str(db.session.execute(select(Invitation.__table__)).all())
    with pytest.raises(NotFound):
        invitation_for_token(token[:-1] + ("A" if token[-1] != "A" else "B"))


def test_opened_once_and_completed_once(org_id):
    (result,) = receive(org_id, call("K-2"))
    inv = invitation_of(result.id)
    first = now()
    assert mark_opened(inv, first) is True
    assert mark_opened(inv, first + timedelta(minutes=5)) is False
    with unit_of_work():
        mark_completed(inv, first + timedelta(minutes=2))
    with pytest.raises(Gone), unit_of_work():
        mark_completed(inv, first + timedelta(minutes=3))
    db.session.expire_all()
    inv = invitation_of(result.id)
    assert inv.opened_at == first and inv.completed_at == first + timedelta(minutes=2)
