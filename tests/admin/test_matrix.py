"""Every /staff route declares its role, and every role gets what it should on every route:
anonymous → login, too low a role → 403, another organisation (its code or its ids) → 404."""

from __future__ import annotations

import re

import pytest

from survey.admin.permissions import RANK, declared_role
from tests.admin.fixtures import fresh, login

# A sample value for each URL parameter; int parameters get an id of the organisation's own
# objects (conftest `ids`) when known. Other modules add their parameters here.
SAMPLE_TEXT = {
    "kind": "pdf",
    "name": "channels",
    "token": "not-a-token",
    "row": "all",
    # surveys (conftest: "s" in both organisations, from the empty template)
    "slug": "s",
    "key": "oordeel",
    "channel": "kiosk",
    # alerts
    "rule": "kiosk_offline",
}
MEMBER_ROLES = ("admin", "analyst", "viewer")


def staff_rules(app):
    return [
        rule for rule in app.url_map.iter_rules()
        if rule.rule == "/staff" or rule.rule.startswith("/staff/")
    ]  # fmt: skip


def test_every_staff_route_declares_a_role(app):
    missing = [
        rule.endpoint for rule in staff_rules(app)
        if declared_role(app.view_functions[rule.endpoint]) is None
    ]  # fmt: skip
    assert len(staff_rules(app)) > 10
    assert missing == []


def test_a_view_without_a_declaration_is_found(app):
    """The walk above really fails on a route that declares nothing."""

    def undeclared():
        return "x"

    assert declared_role(undeclared) is None
    assert declared_role(app.view_functions["admin.users"]) == "admin"
    assert declared_role(app.view_functions["admin.login"]) == "public"  # under its rate limit


def build(rule, org: str, ids: dict[str, int]) -> str:
    values = {}
    for name in rule.arguments:
        if name == "org":
            values[name] = org
        elif type(rule._converters.get(name)).__name__.startswith("Int"):
            values[name] = ids.get(name, 1)
        else:
            values[name] = SAMPLE_TEXT.get(name, "x")
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), path)
    return path


def request(client, method: str, path: str):
    fresh(client)
    return client.open(path, method=method, data={})


def cases(app):
    """Every (rule, method); reading ones first, since an allowed POST may change things."""
    found = [
        (rule, method)
        for rule in staff_rules(app)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    ]
    return sorted(found, key=lambda case: (case[1] != "GET", case[0].rule, case[1]))


def test_route_role_matrix(app, staff):
    people = ("alpha-admin", "alpha-analyst", "alpha-viewer", "operator")
    anonymous = app.test_client()
    clients = {person: app.test_client() for person in people}
    for person, client in clients.items():
        login(client, staff.users[person].email)
    checked = 0
    for rule, method in cases(app):
        role = declared_role(app.view_functions[rule.endpoint])
        own = build(rule, "alpha", staff.ids["alpha"])
        label = f"{method} {rule.rule} ({role})"
        if role == "public" or rule.endpoint == "admin.logout":
            continue  # login, password links: tests/admin/test_accounts.py
        # Anonymous: to the login page.
        response = request(anonymous, method, own)
        assert response.status_code == 302, label
        assert "/staff/login" in response.headers["Location"], label
        for person in people:
            client = clients[person]
            status = request(client, method, own).status_code
            if role == "operator":
                expected_ok = person == "operator"
                assert (status == 403) != expected_ok, f"{label} as {person}: {status}"
            elif role == "login":
                assert status in (200, 302, 303, 400, 422), f"{label} as {person}: {status}"
            elif person == "operator":
                assert status == 404, f"{label} as operator (no member): {status}"
            else:
                allowed = RANK[person.split("-")[1]] >= RANK[role]
                if not allowed:
                    assert status == 403, f"{label} as {person}: {status}"
                else:
                    assert status not in (401, 403), f"{label} as {person}: {status}"
                    if method == "GET" and not _has_int(rule):
                        assert status in (200, 302), f"{label} as {person}: {status}"
            if role in RANK and person != "operator":
                # Another organisation's code: not found, whatever the role.
                other = build(rule, "beta", staff.ids["beta"])
                assert request(client, method, other).status_code == 404, f"{label} beta"
                if _has_int(rule) and RANK[person.split("-")[1]] >= RANK[role]:
                    # Own organisation's code with another organisation's ids: not found.
                    mixed = build(rule, "alpha", staff.ids["beta"])
                    if mixed != own:
                        status = request(client, method, mixed).status_code
                        assert status == 404, f"{label} with beta's ids as {person}: {status}"
            checked += 1
    assert checked > 40


def _has_int(rule) -> bool:
    return any(
        type(c).__name__.startswith("Int") for c in rule._converters.values()
    )


@pytest.mark.parametrize("role", MEMBER_ROLES)
def test_navigation_shows_what_the_role_may_open(client, staff, role):
    login(client, staff.users[f"alpha-{role}"].email)
    page = fresh(client).get("/staff/alpha/reports").get_data(as_text=True)
    nav = page.split('class="sections"', 1)[1].split("</nav>", 1)[0]
    assert "/staff/alpha/reports" in nav
    for path in ("/users", "/api-keys", "/audit", "/settings"):
        assert (f"/staff/alpha{path}" in nav) == (role == "admin"), (role, path)
