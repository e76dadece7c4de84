"""Sampling through the API: the rule's rate decides who is invited, the rate is stored on each
invitation as its inclusion probability, and the rest is counted as not sampled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from survey.extensions import db
from survey.models import Contact, Invitation
from survey.services import rules


def test_a_quarter_sampled_with_the_rate_as_inclusion_probability(client, import_headers):
    rules.set_rule("demo", "phone", sampling_rate=0.25, throttle_days=0)
    ended = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    batch = [
        {
            "reference": f"S-{i}",
            "contact_channel": "phone",
            "ended_at": ended,
            "phone": f"+3161{i:07d}",
        }
        for i in range(800)
    ]
    answer = client.post("/api/v1/contacts", json=batch, headers=import_headers)
    assert answer.status_code in (200, 201), answer.get_json()
    db.session.rollback()
    outcomes = dict(
        db.session.execute(select(Contact.outcome, db.func.count()).group_by(Contact.outcome)).all()
    )
    invited = outcomes.get("invited", 0)
    # 800 draws at 0.25: 200 expected, sd 12.2; 5 sd either way.
    assert 139 <= invited <= 261, outcomes
    assert outcomes == {"invited": invited, "not_sampled": 800 - invited}
    probabilities = db.session.execute(select(Invitation.inclusion_probability)).scalars().all()
    assert len(probabilities) == invited and set(probabilities) == {0.25}
    # Not sampled: no invitation, and no cleartext address kept (purpose limitation).
    kept = db.session.execute(
        select(db.func.count())
        .select_from(Contact)
        .where(Contact.outcome == "not_sampled", Contact.address.is_not(None))
    ).scalar()
    assert kept == 0
