"""Two organisations with a member of every role, an operator, and objects of each kind."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import g

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Organisation, User
from survey.services.apikeys import create_api_key
from survey.services.users import add_user, hash_password

PASSWORD = "a long password"
LOGO_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
    b'<rect width="120" height="40" fill="#00476b"/></svg>'
)


@dataclass
class Staff:
    alpha: Organisation
    beta: Organisation
    users: dict[str, User]  # alpha-admin, alpha-analyst, alpha-viewer, beta-admin, operator
    ids: dict[str, dict[str, int]]  # per organisation: a sample id per URL parameter


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """argon2 with small costs in these tests (the real costs are argon2-cffi's defaults);
    many users log in here, on two shared cores."""
    from argon2 import PasswordHasher

    from survey.services import users

    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def staff(app) -> Staff:
    with unit_of_work() as session:
        alpha = Organisation(
            slug="alpha", name="Gemeente Alfa", allowed_origins=[],
            logo=LOGO_SVG, logo_type="image/svg+xml",
        )
        beta = Organisation(slug="beta", name="Gemeente Beta", allowed_origins=[])
        session.add_all([alpha, beta])
    people = {}
    for role in ("admin", "analyst", "viewer"):
        people[f"alpha-{role}"] = add_user(f"{role}@alfa.nl", PASSWORD, "alpha", role=role)
    people["alpha-extra"] = add_user("extra@alfa.nl", PASSWORD, "alpha", role="viewer")
    people["beta-admin"] = add_user("admin@beta.nl", PASSWORD, "beta", role="admin")
    people["beta-viewer"] = add_user("viewer@beta.nl", PASSWORD, "beta", role="viewer")
    with unit_of_work() as session:
        operator = User(
            email="operator@kto.nl", password_hash=hash_password(PASSWORD), is_operator=True
        )
        session.add(operator)
    people["operator"] = operator  # a member of no organisation
    create_api_key("alpha", "alpha key")
    create_api_key("beta", "beta key")
    from survey.models import ApiKey

    keys = {k.organisation_id: k.id for k in db.session.query(ApiKey)}
    ids = {
        "alpha": {"user_id": people["alpha-extra"].id, "key_id": keys[alpha.id]},
        "beta": {"user_id": people["beta-viewer"].id, "key_id": keys[beta.id]},
    }
    from survey.services.survey_editor import create_from_template

    for organisation in (alpha, beta):  # a survey "s" in each: its code is in survey URLs
        create_from_template(organisation, "test", "s", "Survey", "empty")
    return Staff(alpha, beta, people, ids)


def login(client, email: str, password: str = PASSWORD):
    fresh(client)
    response = client.post("/staff/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def fresh(client):
    """The next request as a new one: the fixture's app context would keep Flask-Login's user
    and Flask-WTF's token of the previous request in `g`."""
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    return client
