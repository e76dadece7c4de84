"""Users, API keys and the audit log pages: what administrators change, and what they may not."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import ApiKey, AuditEntry, Membership, User
from survey.services import apikeys
from tests.admin.fixtures import fresh, login
from tests.conftest import count_rows

LINK = re.compile(r"/staff/password/([A-Za-z0-9_-]{20,})")


@pytest.fixture
def admin(client, staff):
    login(client, "admin@alfa.nl")
    return fresh(client)


def audit_actions() -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def test_invite_without_mail_shows_the_link_once(admin, staff, app):
    response = admin.post("/staff/alpha/users",
                          data={"invite-email": "Nieuw@Alfa.nl", "invite-role": "analyst"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    token = LINK.search(page).group(1)
    assert "nieuw@alfa.nl is nu lid" in page
    user = db.session.execute(select(User).where(User.email == "nieuw@alfa.nl")).scalar()
    membership = db.session.execute(
        select(Membership).where(Membership.user_id == user.id)).scalar()
    assert (membership.organisation_id, membership.role) == (staff.alpha.id, "analyst")
    assert token not in fresh(admin).get("/staff/alpha/users").get_data(as_text=True)
    assert "member.invite" in audit_actions()
    other = app.test_client()
    assert other.post(f"/staff/password/{token}", data={
        "password": "een heel nieuw wachtwoord", "confirm": "een heel nieuw wachtwoord",
    }).status_code in (302, 303)
    login(other, "nieuw@alfa.nl", "een heel nieuw wachtwoord")
    assert fresh(other).get("/staff/alpha/reports").status_code == 200
    assert fresh(other).get("/staff/alpha/users").status_code == 403  # an analyst


def test_invite_with_mail_sends_the_link(admin, staff, smtp_inbox):
    response = admin.post("/staff/alpha/users",
                          data={"invite-email": "nieuw@alfa.nl", "invite-role": "viewer"})
    assert response.status_code in (302, 303)
    (recipients, raw), = smtp_inbox.messages
    assert recipients == ["nieuw@alfa.nl"] and b"/staff/password/" in raw
    page = fresh(admin).get("/staff/alpha/users").get_data(as_text=True)
    assert "gemaild naar nieuw@alfa.nl" in page and not LINK.search(page)


def test_a_link_for_someone_of_another_organisation_is_never_shown(admin, staff):
    # beta's member, invited to alpha, has a password: no link at all.
    response = admin.post("/staff/alpha/users",
                          data={"invite-email": "viewer@beta.nl", "invite-role": "viewer"})
    assert response.status_code in (302, 303)
    page = fresh(admin).get("/staff/alpha/users").get_data(as_text=True)
    assert "viewer@beta.nl" in page and not LINK.search(page)
    # A password link for them goes by e-mail only (none configured: nothing shown).
    user_id = db.session.execute(
        select(User.id).where(User.email == "viewer@beta.nl")).scalar()
    response = fresh(admin).post(f"/staff/alpha/users/{user_id}/password-link")
    assert response.status_code in (302, 303)
    assert not LINK.search(fresh(admin).get("/staff/alpha/users").get_data(as_text=True))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"invite-email": "geen adres", "invite-role": "viewer"}, "invite-email",
         "geen e-mailadres"),
        ({"invite-email": "a" * 250 + "@alfa.nl", "invite-role": "viewer"}, "invite-email",
         "254"),
        ({"invite-email": "nieuw@alfa.nl", "invite-role": "owner"}, "invite-role", "keuze"),
        ({"invite-email": "viewer@alfa.nl", "invite-role": "viewer"}, "invite-email",
         "al lid"),
        ({"invite-email": "", "invite-role": "viewer"}, "invite-email", None),
    ],
)
def test_invite_refuses_bad_input_at_the_field(admin, staff, data, field, message):
    before = count_rows()
    response = admin.post("/staff/alpha/users", data=data)
    assert response.status_code in (409, 422)
    page = response.get_data(as_text=True)
    if field:
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page) or re.search(
            rf'aria-invalid="true"[^>]*id="{field}"', page), page[:3000]
    if message:
        assert message in page.lower() or message in page
    assert count_rows() == before


def test_change_role_and_last_admin(admin, staff):
    extra = staff.users["alpha-extra"].id
    assert admin.post(f"/staff/alpha/users/{extra}/role", data={f"m{extra}-role": "admin"}
                      ).status_code in (302, 303)
    role = db.session.execute(select(Membership.role).where(Membership.user_id == extra)).scalar()
    assert role == "admin"
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "member.role")
                               ).scalar()
    assert entry.before == {"email": "extra@alfa.nl", "role": "viewer"}
    assert entry.after == {"email": "extra@alfa.nl", "role": "admin"}
    assert entry.actor_label == "admin@alfa.nl"
    # A wrong role: refused at the field, nothing changed.
    before = count_rows()
    bad = fresh(admin).post(f"/staff/alpha/users/{extra}/role", data={f"m{extra}-role": "x"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    assert count_rows() == before


def test_the_last_administrator_stays(client, staff):
    login(client, "admin@beta.nl")
    me = staff.users["beta-admin"].id
    before = count_rows()
    response = fresh(client).post(f"/staff/beta/users/{me}/role", data={f"m{me}-role": "viewer"})
    assert response.status_code == 422
    assert "minstens één actieve beheerder" in response.get_data(as_text=True)
    assert count_rows() == before
    fresh(client).post(f"/staff/beta/users/{me}/deactivate")
    assert db.session.execute(
        select(Membership.deactivated_at).where(Membership.user_id == me)).scalar() is None


def test_deactivate_ends_access_at_once(admin, staff, app):
    other = app.test_client()
    login(other, "extra@alfa.nl")
    assert fresh(other).get("/staff/alpha/reports").status_code == 200
    extra = staff.users["alpha-extra"].id
    assert fresh(admin).post(f"/staff/alpha/users/{extra}/deactivate").status_code in (302, 303)
    assert fresh(other).get("/staff/alpha/reports").status_code == 404
    page = fresh(admin).get("/staff/alpha/users").get_data(as_text=True)
    assert "Uitgeschakeld" in page
    assert "member.deactivate" in audit_actions()


def test_api_key_shown_once_works_and_is_revoked(admin, staff):
    response = admin.post("/staff/alpha/api-keys", data={"name": "Telefonie-export"})
    assert response.status_code == 200
    key = re.search(r'id="new-key">(kto_[^<]+)<', response.get_data(as_text=True)).group(1)
    stored = db.session.execute(select(ApiKey).where(ApiKey.label == "Telefonie-export")).scalar()
    assert stored.key_hash != key and stored.prefix == key[:12]
    assert key not in fresh(admin).get("/staff/alpha/api-keys").get_data(as_text=True)
    assert apikeys.organisation_id_for_key(key) == staff.alpha.id
    assert apikeys.flush_last_use(force=True) >= 1
    db.session.refresh(stored)
    assert stored.last_used_at is not None
    assert fresh(admin).post(f"/staff/alpha/api-keys/{stored.id}/revoke").status_code == 303
    assert apikeys.organisation_id_for_key(key) is None
    assert {"api_key.create", "api_key.revoke"} <= set(audit_actions())


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_api_key_bad_name_changes_nothing(admin, staff, name):
    before = count_rows()
    response = admin.post("/staff/alpha/api-keys", data={"name": name})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert count_rows() == before


def test_audit_log_page_and_formula_safe_csv(admin, staff):
    admin.post("/staff/alpha/api-keys", data={"name": "=HYPERLINK(\"http://x\")"})
    page = fresh(admin).get("/staff/alpha/audit").get_data(as_text=True)
    assert "api_key.create" in page and "admin@alfa.nl" in page
    response = fresh(admin).get("/staff/alpha/audit.csv")
    assert response.mimetype == "text/csv"
    assert "kto-alpha-audit.csv" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["time_utc", "actor", "action", "target", "field", "before", "after"]
    names = [r for r in rows[1:] if r[2] == "api_key.create" and r[4] == "name"]
    assert names and names[-1][6] == "'=HYPERLINK(\"http://x\")"
    # Only alpha's entries.
    assert all(r[1] != "admin@beta.nl" for r in rows[1:])


def test_audit_log_has_no_route_that_changes_it(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.audit"):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_audit_record_commits_with_the_change_or_not_at_all(app, staff):
    from survey.database import unit_of_work
    from survey.services import audit

    before = count_rows()
    with pytest.raises(RuntimeError), unit_of_work() as session:
        audit.record(session, staff.users["alpha-admin"], staff.alpha.id, "x.test", "x",
                     None, {"a": 1})
        raise RuntimeError("the change fails")
    assert count_rows() == before
