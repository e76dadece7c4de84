"""Seeded personal data and the walk over every text column of every table."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

from sqlalchemy import JSON, String, Text, select

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Delivery, Invitation
from survey.services.contacts import receive_contacts
from survey.services.responses import record_many

NAME = "Pietje Puk"
PHONE = "0613572468"
PHONE_E164 = "+31613572468"
EMAIL = "pietje.puk@example.nl"
COMMENTS = [
    f"Ik ben {NAME} en niemand belde terug",
    f"Bel mij op {PHONE} alstublieft",
    f"Mail naar {EMAIL} graag",
    *(f"Opmerking nummer {i} van mevrouw Jansen-Vogelzang" for i in range(3, 12)),
]
PERSONAL = {
    "comments": COMMENTS,
    # What the walk searches for: the name, the number in both forms, the address and a
    # piece of every comment.
    "all": [NAME, PHONE, PHONE_E164, EMAIL, "Jansen-Vogelzang", "niemand belde terug",
            "Bel mij op", "Mail naar", "over mijn paspoort", "paspoort klaar ligt"],
}


def phone_answers(moment: datetime, comments: list[str]) -> None:
    """Telephone survey answers with a comment each, plus a few without, at `moment`."""
    payloads = []
    for i, comment in enumerate(comments):
        payloads.append({
            "id": str(uuid.uuid4()), "organisation": "demo", "survey": "telefoon",
            "contact_channel": "phone", "survey_mode": "sms",
            "submitted_at": (moment + timedelta(hours=i)).isoformat(),
            "answers": {"cijfer": 4 + i % 6, "toelichting": comment},
        })
    record_many(payloads)


def contact_with_failed_message(
    org_id: int, reference: str, moment: datetime, phone: str = PHONE
) -> int:
    """A call with a mobile number, invited by SMS at `moment`; the provider refused it with
    an error that repeats the number. Returns the invitation's id."""
    call = {"reference": reference, "contact_channel": "phone",
            "ended_at": (moment - timedelta(minutes=30)).isoformat(), "phone": phone}
    receive_contacts(org_id, [call], moment)
    with unit_of_work() as session:
        newest = select(Invitation).order_by(Invitation.id.desc())
        invitation = session.execute(newest).scalars().first()
        invitation.status, invitation.failure_code = "failed", "invalid_number"
        invitation.provider_message_id = "SM" + uuid.uuid4().hex
        session.add(Delivery(
            invitation_id=invitation.id, kind="invitation", status="failed_permanent",
            attempts=1, finished_at=moment, provider="twilio",
            error=f"invalid_number The 'To' number {e164(phone)} is not a valid phone number.",
        ))
        return invitation.id


def callback_request(org_id: int, response_id: int, moment: datetime, closed: bool) -> int:
    """A callback request with all its details after a response, its case (closed a day later
    when `closed`) and a staff note that repeats the name and number."""
    from survey.models import CallbackCase, CallbackNote, CallbackRequest

    with unit_of_work() as session:
        request = CallbackRequest(
            uuid=uuid.uuid4(), payload_hash="x" * 64, organisation_id=org_id,
            response_id=response_id, survey_mode="sms", contact_channel="phone",
            consent_at=moment, created_at=moment, name=NAME, phone=PHONE_E164, email=EMAIL,
            message=f"Bel mij terug over mijn paspoort, groet {NAME}",
        )
        session.add(request)
        session.flush()
        case = CallbackCase(
            organisation_id=org_id, request_id=request.id, norm_days=2, created_at=moment,
            due_at=moment + timedelta(days=2), status="done" if closed else "new",
            outcome="solved" if closed else None,
            closed_at=moment + timedelta(days=1) if closed else None,
        )
        session.add(case)
        session.flush()
        session.add(CallbackNote(
            case_id=case.id, author_label="medewerker@gemeente.example",
            text=f"{NAME} gebeld op {PHONE}, afgesproken dat het paspoort klaar ligt",
            created_at=moment,
        ))
        return request.id


def e164(dutch_mobile: str) -> str:
    return "+31" + dutch_mobile[1:]


def text_values():
    """(table, column, value as text) of every text and JSON column of every table."""
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        for column in columns:
            for value in db.session.execute(select(column).where(column.is_not(None))).scalars():
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                yield table.name, column.name, text


def found_personal(values=None) -> dict[str, list[str]]:
    """Which seeded personal values occur where: {value: ["table.column", ...]}."""
    values = values or PERSONAL["all"]
    found: dict[str, list[str]] = {}
    for table, column, text in text_values():
        for value in values:
            if value.lower() in text.lower():
                found.setdefault(value, []).append(f"{table}.{column}")
    return found
