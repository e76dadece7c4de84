"""Onboarding and accounts: `flask kto org create`, the one-time link, password rules,
forgotten passwords, one's own password, the inactivity timeout."""

from __future__ import annotations

import email
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import AuditEntry, Membership, Organisation, PasswordToken, User
from survey.services import users
from tests.admin.fixtures import PASSWORD, fresh, login
from tests.conftest import count_rows

LINK = re.compile(r"http://[^\s]+/staff/password/([A-Za-z0-9_-]+)")
NEW_PASSWORD = "paarse olifant op de fiets"


def create(runner, *extra):
    args = ["kto", "org", "create", "--code", "arnhem", "--name", "Gemeente Arnhem",
            "--admin", "Kwaliteit@Arnhem.nl", *extra]  # fmt: skip
    return runner.invoke(args=args)


def test_org_create_prints_a_one_time_link_without_mail(app, runner, client):
    result = create(runner)
    assert result.exit_code == 0, result.output
    assert "Mail is not configured" in result.output
    token = LINK.search(result.output).group(1)
    org = db.session.execute(select(Organisation).where(Organisation.slug == "arnhem")).scalar()
    assert org.name == "Gemeente Arnhem"
    user = db.session.execute(select(User).where(User.email == "kwaliteit@arnhem.nl")).scalar()
    assert user.password_hash == ""  # no password until the link is used
    membership = db.session.execute(select(Membership)).scalar()
    assert (membership.user_id, membership.organisation_id, membership.role) == (
        user.id, org.id, "admin"
    )
    stored = db.session.execute(select(PasswordToken)).scalar()
    assert stored.token_hash != token and len(stored.token_hash) == 64  # only a hash
    entry = db.session.execute(select(AuditEntry)).scalar()
    assert (entry.action, entry.actor_label, entry.organisation_id) == (
        "organisation.create", "cli", org.id
    )
    assert entry.after == {"code": "arnhem", "name": "Gemeente Arnhem",
                           "admin": "kwaliteit@arnhem.nl"}

    # Nobody can log in before the link is used (an empty hash matches nothing).
    assert client.post("/staff/login", data={"email": "kwaliteit@arnhem.nl",
                                             "password": ""}).status_code == 400
    page = client.get(f"/staff/password/{token}")
    assert page.status_code == 200 and "kwaliteit@arnhem.nl" in page.get_data(as_text=True)
    done = client.post(f"/staff/password/{token}",
                       data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/staff/login")
    # Used once: the link no longer works.
    assert client.get(f"/staff/password/{token}").status_code == 410
    again = client.post(f"/staff/password/{token}",
                        data={"password": "nog een ander wachtwoord", "confirm":
                              "nog een ander wachtwoord"})
    assert again.status_code == 410
    login(client, "kwaliteit@arnhem.nl", NEW_PASSWORD)
    landing = fresh(client).get("/staff/")
    assert landing.headers["Location"].endswith("/staff/arnhem/")


def test_org_create_mails_the_link_when_mail_is_configured(app, runner, client, smtp_inbox):
    result = create(runner)
    assert result.exit_code == 0, result.output
    assert "E-mailed a one-time link" in result.output
    assert "/staff/password/" not in result.output  # not printed when mailed
    (recipients, raw), = smtp_inbox.messages
    assert recipients == ["kwaliteit@arnhem.nl"]
    message = email.message_from_bytes(raw)
    body = message.get_payload(decode=True).decode()
    assert "Gemeente Arnhem" in body and "uur" in body  # Dutch
    token = LINK.search(body).group(1)
    assert client.get(f"/staff/password/{token}").status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--code", "login"], "code"),
        (["--code", "Arnhem Centrum"], "code"),
        (["--code", "a" * 41], "code"),
        (["--name", ""], "name"),
        (["--name", "x" * 201], "200"),
        (["--admin", "not an address"], "e-mail"),
    ],
)
def test_org_create_refuses_bad_input_and_changes_nothing(app, runner, args, message):
    base = {"--code": "arnhem", "--name": "Gemeente Arnhem", "--admin": "a@arnhem.nl"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    before = count_rows()
    result = runner.invoke(args=["kto", "org", "create", *sum(base.items(), ())])
    assert result.exit_code == 1
    assert message.lower() in result.output.lower()
    assert count_rows() == before


def test_org_create_twice_is_refused(app, runner):
    assert create(runner).exit_code == 0
    before = count_rows()
    again = create(runner)
    assert again.exit_code == 1 and "already exists" in again.output
    assert count_rows() == before


def _token(runner) -> str:
    return LINK.search(create(runner).output).group(1)


@pytest.mark.parametrize(
    ("password", "confirm", "expected"),
    [
        ("kort", "kort", "minstens 10 tekens"),
        ("wachtwoord", "wachtwoord", "meest gebruikte"),
        ("qwertyuiop", "qwertyuiop", "meest gebruikte"),
        ("Password123", "Password123", "meest gebruikte"),
        ("kwaliteit@arnhem.nl", "kwaliteit@arnhem.nl", "meest gebruikte"),
        ("x" * 201, "x" * 201, "niet langer zijn dan 200"),
        (NEW_PASSWORD, "iets anders dan dat", "niet gelijk"),
    ],
)
def test_password_rules_on_the_link_page(app, runner, client, password, confirm, expected):
    token = _token(runner)
    before = count_rows()
    response = client.post(f"/staff/password/{token}",
                           data={"password": password, "confirm": confirm})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert expected in page
    assert 'aria-invalid="true"' in page
    assert count_rows() == before
    user = db.session.execute(select(User)).scalar()
    db.session.refresh(user)
    assert user.password_hash == ""
    assert client.get(f"/staff/password/{token}").status_code == 200  # still usable


def test_an_expired_or_replaced_link_does_not_work(app, runner, client):
    token = _token(runner)
    with unit_of_work() as session:
        stored = session.execute(select(PasswordToken)).scalar()
        stored.expires_at = stored.created_at - timedelta(seconds=1)
    assert client.get(f"/staff/password/{token}").status_code == 410
    assert client.get("/staff/password/" + "x" * 43).status_code == 410
    assert client.get("/staff/password/" + "x" * 500).status_code == 410


def test_forgotten_password_mails_a_reset_link(app, client, staff, smtp_inbox):
    # Unknown address: the same answer, no mail.
    unknown = client.post("/staff/password/forgotten", data={"email": "niemand@alfa.nl"})
    known = client.post("/staff/password/forgotten", data={"email": "viewer@alfa.nl"})
    assert unknown.status_code == known.status_code == 200
    assert "Als dit adres bij een account hoort" in unknown.get_data(as_text=True)
    assert "Als dit adres bij een account hoort" in known.get_data(as_text=True)
    (recipients, raw), = smtp_inbox.messages
    assert recipients == ["viewer@alfa.nl"]
    token = LINK.search(email.message_from_bytes(raw).get_payload(decode=True).decode()).group(1)
    # A session logged in before the reset ends with it.
    other = app.test_client()
    login(other, "viewer@alfa.nl")
    assert fresh(other).get("/staff/alpha/reports").status_code == 200
    assert client.post(f"/staff/password/{token}",
                       data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
                       ).status_code == 302
    assert fresh(other).get("/staff/alpha/reports").status_code == 302
    assert users.authenticate("viewer@alfa.nl", PASSWORD) is None
    assert users.authenticate("viewer@alfa.nl", NEW_PASSWORD) is not None


def test_own_password_change(app, client, staff):
    login(client, "viewer@alfa.nl")
    other = app.test_client()
    login(other, "viewer@alfa.nl")
    before = count_rows()
    wrong = fresh(client).post("/staff/account/password", data={
        "current": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert wrong.status_code == 422
    assert "Het huidige wachtwoord is niet juist" in wrong.get_data(as_text=True)
    common = fresh(client).post("/staff/account/password", data={
        "current": PASSWORD, "password": "1234567890", "confirm": "1234567890"})
    assert common.status_code == 422
    assert count_rows() == before
    done = fresh(client).post("/staff/account/password", data={
        "current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert fresh(client).get("/staff/alpha/reports").status_code == 200  # this browser stays
    assert fresh(other).get("/staff/alpha/reports").status_code == 302  # every other ends


def test_session_ends_after_inactivity(app, client, staff, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_IDLE_MINUTES", 15)
    login(client, "viewer@alfa.nl")
    assert fresh(client).get("/staff/alpha/reports").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 14 * 60
    assert fresh(client).get("/staff/alpha/reports").status_code == 200  # within the limit
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 16 * 60
    ended = fresh(client).get("/staff/alpha/reports")
    assert ended.status_code == 302 and "/staff/login" in ended.headers["Location"]
    assert fresh(client).get("/staff/alpha/reports").status_code == 302  # really logged out


def test_language_choice_survives_navigation(client, staff):
    login(client, "viewer@alfa.nl")
    assert 'lang="en"' in fresh(client).get("/staff/alpha/reports?lang=en").get_data(
        as_text=True)
    page = fresh(client).get("/staff/alpha/reports").get_data(as_text=True)
    assert '<html lang="en">' in page and "Monthly reports" in page
    page = fresh(client).get("/staff/alpha/reports?lang=nl").get_data(as_text=True)
    assert "Maandrapporten" in fresh(client).get("/staff/alpha/reports").get_data(as_text=True)


def test_deactivated_member_cannot_log_in(client, staff):
    from survey.services import members

    members.deactivate(staff.users["alpha-admin"], staff.alpha.id, staff.users["alpha-extra"].id)
    response = client.post("/staff/login", data={"email": "extra@alfa.nl", "password": PASSWORD})
    assert response.status_code == 401
