"""The alert settings and log pages and the privacy page: saving, refusing bad input with
nothing changed, and what each role may do."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import AlertEvent, AlertRule, AuditEntry, Organisation
from tests.admin.fixtures import fresh, login
from tests.conftest import count_rows


def form(**overrides) -> dict:
    data = {"enabled": "y", "window_minutes": "10", "min_responses": "5",
            "negative_share": "60", "cooldown_minutes": "90",
            "recipients": "teamleider@alfa.example\nbalie@alfa.example"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_administrator_sets_a_rule(staff, client):
    login(client, staff.users["alpha-admin"].email)
    page = client.get("/staff/alpha/alerts/rules/satisfaction_drop")
    assert page.status_code == 200
    assert 'value="50"' in page.get_data(as_text=True)  # the default share, in percent
    response = fresh(client).post("/staff/alpha/alerts/rules/satisfaction_drop", data=form())
    assert response.status_code == 303
    rule = db.session.execute(select(AlertRule)).scalar_one()
    assert (rule.rule, rule.enabled, rule.cooldown_minutes) == ("satisfaction_drop", True, 90)
    assert rule.thresholds == {"window_minutes": 10, "min_responses": 5, "negative_share": 0.6}
    assert rule.recipients == ["teamleider@alfa.example", "balie@alfa.example"]
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "alert_rule.update")).scalar_one()
    assert entry.after["cooldown_minutes"] == 90
    overview = fresh(client).get("/staff/alpha/alerts?lang=en").get_data(as_text=True)
    assert "teamleider@alfa.example, balie@alfa.example" in overview
    assert "Share negative (%): 60%" in overview


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("negative_share", "150", "Number must be between 1.0 and 100.0."),
        ("min_responses", "veel", "Not a valid decimal value."),
        ("cooldown_minutes", "-5", "Number must be between 0 and 43200."),
        ("recipients", "teamleider@alfa", "Give e-mail addresses"),
        ("recipients", "a@alfa.example\r\nBcc: x@evil.example", "Give e-mail addresses"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_changes(
    staff, client, field, value, message
):
    login(client, staff.users["alpha-admin"].email)
    rows = count_rows()
    response = fresh(client).post(
        "/staff/alpha/alerts/rules/satisfaction_drop?lang=en", data=form(**{field: value})
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body and 'aria-invalid="true"' in body
    assert count_rows() == rows


def test_an_unknown_rule_is_a_404(staff, client):
    login(client, staff.users["alpha-admin"].email)
    assert client.get("/staff/alpha/alerts/rules/nonsense").status_code == 404
    assert fresh(client).post("/staff/alpha/alerts/rules/nonsense", data=form()).status_code == 404


def test_the_log_shows_alerts_to_analysts_of_their_own_organisation_only(staff, client):
    with unit_of_work() as session:
        for org in (staff.alpha, staff.beta):
            session.add(AlertEvent(
                organisation_id=org.id, rule="invitations_failing", subject="invitations",
                fired_at=datetime(2026, 11, 30, 9, tzinfo=UTC), recipients=[],
                facts={"failures": 7 if org is staff.alpha else 99, "messages": 20,
                       "share": 0.35, "retrying": 2, "window_minutes": 60},
            ))
    login(client, staff.users["alpha-analyst"].email)
    page = client.get("/staff/alpha/alerts?lang=en")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "7 of 20 messages failed (35%)" in body and "99 of" not in body
    assert "/alerts/rules/" not in body  # analysts do not change rules


def test_the_privacy_page_sets_the_retention_period(staff, client):
    login(client, staff.users["alpha-admin"].email)
    assert client.get("/staff/alpha/privacy").status_code == 200
    response = fresh(client).post("/staff/alpha/privacy", data={"comment_retention_months": "18"})
    assert response.status_code == 303
    assert db.session.get(Organisation, staff.alpha.id).comment_retention_months == 18
    rows = count_rows()
    bad = fresh(client).post("/staff/alpha/privacy?lang=en",
                             data={"comment_retention_months": "500"})
    assert bad.status_code == 422 and "Number must be between 1 and 120." in bad.get_data(
        as_text=True)
    assert count_rows() == rows


def test_the_privacy_page_lists_runs_with_this_organisations_counts(staff, client):
    from survey.services import retention

    retention.run(datetime(2026, 12, 1, 2, 30, tzinfo=UTC))
    login(client, staff.users["alpha-admin"].email)
    body = client.get("/staff/alpha/privacy?lang=en").get_data(as_text=True)
    assert "Comments scrubbed: 0" in body and "completed" in body
