"""The invitation funnel: the service, GET /api/v1/funnel, and the monthly report's section
(typed data, PDF, XLSX, staff page), with old stored reports still rendering."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pdfplumber
import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Contact, Invitation, Organisation
from survey.reports import pdf, spreadsheet
from survey.reports.data import FunnelRow, ReportData
from survey.services import decisions, reports
from survey.services.apikeys import create_api_key
from survey.services.catalogue import organisation
from survey.services.contacts import receive_contacts
from survey.services.funnel import funnel
from survey.services.invitations import address_hash, opt_out
from survey.services.rules import set_rule
from survey.services.users import add_user

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
NOVEMBER = date(2026, 11, 1)


class Draws:
    """Sampling draws in a fixed order (the service's are random)."""

    def __init__(self, values):
        self.values = list(values)

    def random(self):
        return self.values.pop(0)


def contact(ref, channel="phone", ended=NOW - timedelta(hours=1), **extra) -> dict:
    body = {"reference": ref, "contact_channel": channel, "ended_at": ended.isoformat()}
    return {**body, **extra}


def stamp(ref, **values):
    cid = db.session.execute(select(Contact.id).where(Contact.reference == ref)).scalar_one()
    with unit_of_work():
        db.session.execute(update(Invitation).where(Invitation.contact_id == cid).values(**values))


@pytest.fixture
def month(demo_org, monkeypatch):
    """November 2026 of the demo: calls, e-mails and a letter through every step."""
    org_id = organisation("demo").id
    set_rule("demo", "phone", sampling_rate=0.5)
    opt_out(org_id, address_hash(org_id, "+31687654321"), "sms_stop", NOW)
    draws = Draws([0.1, 0.1, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
    monkeypatch.setattr(decisions, "_draws", draws)
    evening = datetime(2026, 11, 19, 20, 55, tzinfo=UTC)  # 21:55 in Amsterdam: quiet
    # Reported at once that evening: sent at 09:00 the next morning.
    (quiet,) = receive_contacts(
        org_id, [contact("P6", phone="0633333333", ended=evening)], evening + timedelta(minutes=1)
    )
    assert quiet.due_at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    receive_contacts(
        org_id,
        [
            contact("P1", phone="0611111111"),
            contact("P2", phone="0622222222"),  # draw 0.9: not sampled
            contact("P3", phone="0201234567"),  # landline: no address
            contact("P4", phone="0687654321"),  # opted out
            contact("P5", phone="0611111111"),  # throttled: P1's number
            contact("E1", "email", email="a@example.nl"),
            contact("E2", "email", email="b@example.nl"),
            contact("L1", "letter"),
            # 31 October 23:30 UTC is 1 November 00:30 in Amsterdam: November.
            contact(
                "E3",
                "email",
                email="c@example.nl",
                ended=datetime(2026, 10, 31, 23, 30, tzinfo=UTC),
            ),
        ],
        NOW,
    )
    assert draws.values == []
    monkeypatch.setattr(decisions, "_draws", Draws([0.1, 0.1]))
    sent = NOW + timedelta(minutes=10)
    stamp(
        "P1", status="delivered", sent_at=sent, delivered_at=sent, opened_at=sent, completed_at=sent
    )
    stamp("P6", status="sent", sent_at=sent)
    stamp("E1", status="sent", sent_at=sent, opened_at=sent, completed_at=sent)
    stamp("E2", status="sent", sent_at=sent, opened_at=sent)
    # Another month and another organisation stay out.
    receive_contacts(
        org_id,
        [
            contact(
                "OCT",
                "email",
                email="d@example.nl",
                ended=datetime(2026, 10, 31, 22, 30, tzinfo=UTC),
            )
        ],
        NOW,
    )
    with unit_of_work() as session:
        session.add(Organisation(slug="other", name="Other"))
    other_id = organisation("other").id
    receive_contacts(other_id, [contact("X1", phone="0644444444")], NOW)
    return org_id


PHONE = FunnelRow(
    "phone",
    contacts=6,
    eligible=6,
    sampled=5,
    no_address=1,
    opted_out=1,
    throttled=1,
    capped=0,
    invited=2,
    quiet_delayed=1,
    sent=2,
    delivered=1,
    opened=1,
    completed=1,
)
# E3 ended on 31 October (Amsterdam: 1 November), reported 20 days later: too late to ask.
EMAIL = FunnelRow(
    "email", contacts=3, eligible=2, sampled=2, invited=2, sent=2, opened=2, completed=1
)
LETTER = FunnelRow("letter", contacts=1)


def test_the_funnel_counts_every_step_per_channel(month):
    result = funnel(month, NOVEMBER)
    assert result.rows == (PHONE, EMAIL, LETTER)
    assert result.total.contacts == 10 and result.total.completed == 2
    assert PHONE.rates["response"] == 0.5 and EMAIL.rates["response"] == 0.5
    assert PHONE.rates["sampled"] == 5 / 6 and LETTER.rates["sampled"] is None


def test_the_funnel_api(month, client):
    headers = {"Authorization": f"Bearer {create_api_key('demo')}"}
    response = client.get("/api/v1/funnel?month=2026-11", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["month"] == "2026-11"
    phone = body["channels"][0]
    assert phone["channel"] == "phone" and phone["throttled"] == 1 and phone["completed"] == 1
    assert phone["rates"]["response"] == 0.5 and phone["rates"]["delivered"] == 0.5
    assert body["total"]["contacts"] == 10
    october = client.get("/api/v1/funnel?month=2026-10", headers=headers).get_json()
    assert october["total"]["contacts"] == 1
    assert client.get("/api/v1/funnel?month=2026-13", headers=headers).status_code == 400
    assert client.get("/api/v1/funnel", headers=headers).status_code == 400
    assert client.get("/api/v1/funnel?month=2026-11").status_code == 401


def test_the_monthly_report_has_the_funnel_per_channel(month, client):
    built = reports.build_monthly_report("demo", "2026-11", "nl")
    data = reports.stored_data(built)
    assert data.funnel == (PHONE, EMAIL, LETTER)
    with pdfplumber.open(io.BytesIO(built.pdf)) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    assert "Uitnodigingen na een contact: de trechter" in text
    assert "Respons (ingevuld van verzonden) 50% Verzonden" in text
    assert "Telefoon" in text and "Brief" in text
    book = load_workbook(io.BytesIO(built.xlsx))
    sheet = book["Uitnodigingstrechter"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == ["Kanaal", "Stap", "Aantal", "Aandeel", "van"]
    assert [
        "Telefoon",
        "In de steekproef",
        5,
        83,
        "Komt in aanmerking voor een uitnodiging",
    ] in rows
    assert ["E-mail", "Respons (ingevuld van verzonden)", None, 50, "Verzonden"] in rows
    add_user("staff@example.nl", "a long password", "demo")
    client.post("/staff/login", data={"email": "staff@example.nl", "password": "a long password"})
    page = client.get(f"/staff/demo/reports/{built.id}").get_data(as_text=True)
    assert '<section lang="nl" aria-labelledby="funnel-title">' in page
    assert "<caption>Telefoon</caption>" in page
    assert '<th scope="row">Respons (ingevuld van verzonden)</th><td></td><td>50%</td>' in page


def test_an_english_report_speaks_english(month):
    built = reports.build_monthly_report("demo", "2026-11", "en")
    rows = spreadsheet.tables(reports.stored_data(built))["funnel"][1]
    assert ["Phone", "Response rate (completed of sent)", None, 50, "Sent"] in rows


def test_a_stored_report_of_version_3_still_renders_without_a_funnel(month):
    built = reports.build_monthly_report("demo", "2026-11", "nl")
    stored = reports.stored_data(built).to_dict()
    stored["version"] = 3
    del stored["funnel"]
    old = ReportData.from_dict(stored)
    assert old.funnel == ()
    assert "funnel" not in spreadsheet.tables(old)
    with pdfplumber.open(io.BytesIO(pdf.render(old))) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    assert "trechter" not in text and "Methode" in text
