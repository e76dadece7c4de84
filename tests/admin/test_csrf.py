"""Every staff form refuses a missing or a wrong CSRF token, and changes nothing (CSRF is on
in this test, as in production)."""

from __future__ import annotations

import re

from tests.admin.fixtures import PASSWORD, fresh
from tests.admin.test_matrix import build, staff_rules
from tests.conftest import count_rows

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def token_of(page: str) -> str:
    match = TOKEN.search(page)
    return match.group(1) or match.group(2)


def post_rules(app):
    return [rule for rule in staff_rules(app) if "POST" in rule.methods]


def test_every_staff_form_needs_a_valid_csrf_token(app, client, staff, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    # Log in the proper way, with the login form's token.
    page = client.get("/staff/login").get_data(as_text=True)
    assert client.post("/staff/login", data={
        "email": "admin@alfa.nl", "password": PASSWORD, "csrf_token": "wrong"
    }).status_code == 400
    assert fresh(client).post("/staff/login", data={
        "email": "admin@alfa.nl", "password": PASSWORD, "csrf_token": token_of(page)
    }).status_code == 302
    good = token_of(fresh(client).get("/staff/alpha/users").get_data(as_text=True))
    rules = post_rules(app)
    assert len(rules) >= 10
    for rule in rules:
        path = build(rule, "alpha", staff.ids["alpha"])
        for token in (None, "wrong", good[:-4] + "AAAA"):
            data = {
                "name": "x", "invite-email": "n@alfa.nl", "invite-role": "viewer",
                "email": "admin@alfa.nl", "password": "een nieuw wachtwoord",
                "confirm": "een nieuw wachtwoord", "current": PASSWORD,
            }
            if token is not None:
                data["csrf_token"] = token
            before = count_rows()
            response = fresh(client).post(path, data=data)
            assert response.status_code == 400, f"{rule.rule} with token {token!r}"
            assert count_rows() == before, rule.rule
    # The session still works, and the page's own token is accepted (so the refusals above
    # were the token's doing).
    before = count_rows()
    accepted = fresh(client).post("/staff/alpha/api-keys", data={"name": "Met token",
                                                                 "csrf_token": good})
    assert accepted.status_code == 200, accepted.get_data(as_text=True)[-800:]
    assert "kto_" in accepted.get_data(as_text=True)
    assert count_rows()["api_keys"] == before["api_keys"] + 1


def hidden_fields(page: str, action: str) -> dict[str, str]:
    """The hidden inputs of the form that posts to `action`, as the page renders them."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S)
    assert form, action
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form.group(1)):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            fields[name] = re.search(r'value="([^"]*)"', tag).group(1)
    return fields


def test_the_pages_own_tokens_are_accepted(app, client, staff, monkeypatch):
    """Each form as rendered (its own, possibly prefixed, token) works with CSRF on."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/staff/login").get_data(as_text=True)
    fresh(client).post("/staff/login", data={
        "email": "admin@alfa.nl", "password": PASSWORD, "csrf_token": token_of(page)})
    extra = staff.users["alpha-extra"].id
    users = fresh(client).get("/staff/alpha/users").get_data(as_text=True)
    role_action = f"/staff/alpha/users/{extra}/role"
    data = {**hidden_fields(users, role_action), f"m{extra}-role": "analyst"}
    assert any(name.endswith("csrf_token") for name in data)
    assert fresh(client).post(role_action, data=data).status_code == 303
    users = fresh(client).get("/staff/alpha/users").get_data(as_text=True)
    action = f"/staff/alpha/users/{extra}/deactivate"
    assert fresh(client).post(action, data=hidden_fields(users, action)).status_code == 303
    settings = fresh(client).get("/staff/alpha/settings").get_data(as_text=True)
    data = {**hidden_fields(settings, "/staff/alpha/settings"), "name": "Alfa",
            "default_language": "nl", "timezone": "Europe/Amsterdam", "complaint_url": ""}
    assert fresh(client).post("/staff/alpha/settings", data=data).status_code == 303
    before = count_rows()
    assert before["audit_entries"] >= 3
    logout = hidden_fields(settings, "/staff/logout")
    assert fresh(client).post("/staff/logout", data=logout).status_code == 302
    assert fresh(client).get("/staff/alpha/users").status_code == 302
