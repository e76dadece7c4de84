"""The staff page "Reports by e-mail": every role subscribes and unsubscribes itself, an
administrator manages everyone's; bad input (another organisation's member or unit, unknown
or forged ids, a duplicate, an unknown kind) is a clear error and changes nothing; every
change is in the audit log; a new subscriber gets the ended period's built report at once
(the queue runs its tasks at once in tests) through the real SMTP server."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

import pytest

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import AuditEntry, PeriodReport, ReportSubscription
from survey.reports.period import AMSTERDAM
from survey.services import period_reports
from tests.admin.fixtures import fresh, login
from tests.admin.test_csrf import token_of
from tests.conftest import count_rows

PAGE = "/staff/alpha/subscriptions"


def _subs() -> list[tuple[str, str, int | None]]:
    db.session.rollback()
    rows = db.session.query(ReportSubscription).all()
    return sorted((_email(r.user_id), r.kind, r.unit_id) for r in rows)


def _email(user_id: int) -> str:
    from survey.models import User

    return db.session.get(User, user_id).email


def _html(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


@pytest.mark.parametrize("role", ["viewer", "analyst", "admin"])
def test_every_role_subscribes_and_unsubscribes_itself(client, staff, role):
    login(client, f"{role}@alfa.nl")
    page = _html(fresh(client).get(PAGE))
    assert "<h1>Rapporten per e-mail</h1>" in page
    assert "Uzelf aanmelden" in page
    assert ("Een medewerker aanmelden" in page) is (role == "admin")
    unit = staff.ids["alpha"]["unit_id"]
    done = fresh(client).post(PAGE, data={"own-kind": "quarter", "own-unit": str(unit)})
    assert done.status_code == 303
    assert _subs() == [(f"{role}@alfa.nl", "quarter", unit)]
    page = _html(fresh(client).get(PAGE))
    assert "Opgeslagen." in page and "Kwartaalrapport" in page and "Team" in page
    entry = db.session.query(AuditEntry).filter_by(action="subscription.add").one()
    assert entry.after == {"user": f"{role}@alfa.nl", "kind": "quarter", "unit": "Team"}

    sub_id = db.session.query(ReportSubscription).one().id
    gone = fresh(client).post(f"{PAGE}/{sub_id}/remove")
    assert gone.status_code == 303 and _subs() == []
    assert "De aanmelding is verwijderd." in _html(fresh(client).get(PAGE))
    assert db.session.query(AuditEntry).filter_by(action="subscription.remove").count() == 1


def test_a_viewer_sees_and_removes_only_their_own(client, staff):
    login(client, "admin@alfa.nl")
    for name in ("viewer", "extra"):
        user = staff.users[f"alpha-{name}"]
        assert fresh(client).post(f"{PAGE}/add", data={
            "add-user": str(user.id), "add-kind": "year", "add-unit": ""
        }).status_code == 303
    admin_page = _html(fresh(client).get(PAGE))
    assert "viewer@alfa.nl" in admin_page and "extra@alfa.nl" in admin_page
    assert "Wie krijgt welk rapport" in admin_page

    login(client, "viewer@alfa.nl")
    page = _html(fresh(client).get(PAGE))
    assert "Uw rapporten per e-mail" in page and "extra@alfa.nl" not in page
    others = db.session.query(ReportSubscription).filter_by(
        user_id=staff.users["alpha-extra"].id).one()
    before = count_rows()
    refused = fresh(client).post(f"{PAGE}/{others.id}/remove")
    assert refused.status_code == 404
    assert "Deze aanmelding bestaat niet (meer)." in _html(refused)
    assert count_rows() == before
    # A viewer may not sign up someone else.
    assert fresh(client).post(f"{PAGE}/add", data={
        "add-user": str(staff.users["alpha-extra"].id), "add-kind": "month"
    }).status_code == 403
    assert count_rows() == before


def test_an_administrator_adds_and_removes_for_others(client, staff):
    login(client, "admin@alfa.nl")
    extra = staff.users["alpha-extra"].id
    assert fresh(client).post(f"{PAGE}/add", data={
        "add-user": str(extra), "add-kind": "month", "add-unit": ""
    }).status_code == 303
    assert _subs() == [("extra@alfa.nl", "month", None)]
    sub_id = db.session.query(ReportSubscription).one().id
    assert fresh(client).post(f"{PAGE}/{sub_id}/remove").status_code == 303
    assert _subs() == []
    actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions[-2:] == ["subscription.add", "subscription.remove"]


def test_bad_input_is_refused_and_changes_nothing(client, staff):
    login(client, "admin@alfa.nl")
    extra = str(staff.users["alpha-extra"].id)
    assert fresh(client).post(f"{PAGE}/add", data={
        "add-user": extra, "add-kind": "year", "add-unit": ""
    }).status_code == 303
    beta_unit = str(staff.ids["beta"]["unit_id"])
    cases = [
        ({"add-user": str(staff.users["beta-viewer"].id), "add-kind": "year"},
         "Deze gebruiker is geen lid van deze organisatie."),
        ({"add-user": "987654", "add-kind": "year"},
         "Deze gebruiker is geen lid van deze organisatie."),
        ({"add-user": "abc", "add-kind": "year"},
         "Deze gebruiker is geen lid van deze organisatie."),
        ({"add-user": "99999999999999999999", "add-kind": "year"},
         "Deze gebruiker is geen lid van deze organisatie."),
        ({"add-user": str(staff.users["operator"].id), "add-kind": "year"},
         "Deze gebruiker is geen lid van deze organisatie."),
        ({"add-user": extra, "add-kind": "year", "add-unit": beta_unit},
         "Kies een van de eenheden."),
        ({"add-user": extra, "add-kind": "year", "add-unit": "x1"},
         "Kies een van de eenheden."),
        ({"add-user": extra, "add-kind": "week"},
         "Kies een maand-, kwartaal- of jaarrapport."),
        ({"add-user": extra, "add-kind": "year", "add-unit": ""},
         "Deze persoon krijgt dit rapport al."),
        ({"add-user": "", "add-kind": "year"}, "Dit veld is vereist."),
    ]
    for data, message in cases:
        before = count_rows()
        refused = fresh(client).post(f"{PAGE}/add", data=data)
        assert refused.status_code == 422, (data, refused.status_code)
        page = _html(refused)
        assert message in page, (data, page[-1500:])
        assert 'role="alert"' in page
        assert count_rows() == before, data
    # One's own form: another organisation's unit, a forged subscription id to remove.
    beta_sub = _beta_subscription(staff)
    before = count_rows()
    refused = fresh(client).post(PAGE, data={"own-kind": "month", "own-unit": beta_unit})
    assert refused.status_code == 422 and "Kies een van de eenheden." in _html(refused)
    for forged in (beta_sub, 2**31 + 5, 0):
        gone = fresh(client).post(f"{PAGE}/{forged}/remove")
        assert gone.status_code == 404
    assert count_rows() == before


def _beta_subscription(staff) -> int:
    with unit_of_work() as session:
        row = ReportSubscription(organisation_id=staff.beta.id,
                                 user_id=staff.users["beta-viewer"].id, kind="year",
                                 unit_key=0)
        session.add(row)
    return row.id


def test_other_organisations_and_strangers_get_no_page(client, staff):
    login(client, "admin@beta.nl")
    assert fresh(client).get(PAGE).status_code == 404
    assert fresh(client).post(PAGE, data={"own-kind": "year"}).status_code == 404


def test_forms_need_the_csrf_token(app, client, staff, monkeypatch):
    login(client, "viewer@alfa.nl")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = token_of(fresh(client).get(PAGE).get_data(as_text=True))
    before = count_rows()
    for data in ({"own-kind": "year"}, {"own-kind": "year", "csrf_token": "wrong"}):
        assert fresh(client).post(PAGE, data=data).status_code == 400
    assert count_rows() == before
    ok = fresh(client).post(PAGE, data={"own-kind": "year", "own-unit": "",
                                        "csrf_token": token})
    assert ok.status_code == 303 and count_rows()["report_subscriptions"] == 1


def test_the_navigation_links_the_page_for_every_role(client, staff):
    login(client, "viewer@alfa.nl")
    page = _html(fresh(client).get("/staff/alpha/reports"))
    assert f'<a href="{PAGE}">Rapporten per e-mail</a>' in page
    page = _html(fresh(client).get(PAGE))
    assert f'<a href="{PAGE}" aria-current="page">Rapporten per e-mail</a>' in page
    assert 'href="/staff/alpha/reports" aria-current' not in page


def test_a_new_subscriber_gets_last_years_built_report_at_once(client, staff, smtp_inbox):
    # Last year's report of the organisation was built and mailed (to nobody here).
    today = datetime.now(AMSTERDAM).date()
    period = period_reports.last_complete("year", today)
    with unit_of_work() as session:
        session.add(PeriodReport(
            organisation_id=staff.alpha.id,
            run_key=period_reports.run_key(staff.alpha.id, "year", period, None, "nl"),
            origin="schedule", kind="year", first_month=period.first,
            last_month=period.last, filters={}, language="nl", state="done", progress=100,
            attempts=1, sent_to=0, title=f"Gemeente Alfa: {period.first.year}",
            pdf=b"%PDF-1.4 year report", built_at=datetime.now(UTC),
            mailed_at=datetime.now(UTC),
        ))
    login(client, "viewer@alfa.nl")
    assert fresh(client).post(PAGE, data={"own-kind": "year"}).status_code == 303
    assert len(smtp_inbox.messages) == 1
    to, raw = smtp_inbox.messages[0]
    assert to == ["viewer@alfa.nl"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == (
        f"Gemeente Alfa: rapport klanttevredenheid {period.first.year}"
    )
    attachment = next(p for p in message.walk() if p.get_filename())
    assert attachment.get_filename() == f"kto-alpha-{period.first.year}-nl.pdf"
    assert attachment.get_payload(decode=True) == b"%PDF-1.4 year report"
    # Removed and added again: not sent again.
    sub_id = db.session.query(ReportSubscription).one().id
    fresh(client).post(f"{PAGE}/{sub_id}/remove")
    assert fresh(client).post(PAGE, data={"own-kind": "year"}).status_code == 303
    assert len(smtp_inbox.messages) == 1
