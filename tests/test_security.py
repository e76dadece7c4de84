"""Secure by default: headers and rate limits on every blueprint, cookies, secret key, staff
sessions (open redirect, logout ending copied sessions, login throttled before hashing)."""

from __future__ import annotations

import multiprocessing
import re

import pytest
from flask import g, session

from app import create_app
from survey import config as settings
from survey import security
from survey.extensions import db
from survey.services import users
from tests.conftest import make_payload

STRONG = "k3y-" + "0123456789abcdefghijklmnopqrstuvwxyz"
PASSWORD = "a long password"


def probes(app) -> dict[str, str]:
    """One GET per blueprint, from the URL map: a new blueprint is covered without edits."""
    found = {}
    for rule in app.url_map.iter_rules():
        name = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else None
        if not name or rule.endpoint.endswith("static") or "GET" not in rule.methods:
            continue
        values = {arg: "x" for arg in rule.arguments}
        values.update({arg: 1 for arg in rule.arguments if "id" in arg})
        try:
            path = app.url_map.bind("localhost").build(rule.endpoint, values)
        except Exception:  # noqa: BLE001 - a rule whose converters want other values
            continue
        found.setdefault(name, path)
    return found


def test_every_blueprint_has_a_probe(app):
    assert set(probes(app)) == set(app.blueprints)
    assert {"api", "web", "admin", "kiosk", "ops"} <= set(app.blueprints)


def test_security_headers_on_every_blueprint(app, client):
    for name, path in probes(app).items():
        response = client.get(path)
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["Referrer-Policy"] == "same-origin", name
        assert headers["X-Frame-Options"] == "DENY", name
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp, name
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, name
        assert "worker-src 'self'" in csp and "manifest-src 'self'" in csp, name
        assert "Strict-Transport-Security" not in headers, name  # tests run over http


def test_headers_on_errors_and_api_json(client):
    for response in (client.get("/no/such/page"), client.post("/api/v1/responses", json={})):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


MADE = []


@pytest.fixture(autouse=True)
def _dispose_made_apps():
    """Apps made here close their database connections (PostgreSQL would see them linger)."""
    yield
    while MADE:
        made = MADE.pop()
        with made.app_context():
            db.engine.dispose()


def make(config):
    made = create_app(config)
    MADE.append(made)
    return made


def limited_app(database_url, tmp_path, **extra):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "HUEY_IMMEDIATE": True,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "EXPORTS_DIR": str(tmp_path),
        "RATELIMIT_DEFAULT": "3 per minute",
    }
    config.update(extra)
    return make(config)


def assert_429(response, path):
    assert response.status_code == 429, path
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    if path.startswith(("/api/", "/kiosk/api/")):
        body = response.get_json()
        assert body["error"] == "rate_limited" and body["message"]
    else:
        assert response.mimetype == "text/html"
        assert "Te veel verzoeken" in response.get_data(as_text=True)


def test_rate_limit_on_every_blueprint(app, database_url, tmp_path):
    limited = limited_app(database_url, tmp_path, **dict.fromkeys(settings.RATE_LIMITS, "3/minute"))
    for name, path in probes(limited).items():
        client = limited.test_client()
        for _ in range(3):
            assert client.get(path).status_code != 429, name
        assert_429(client.get(path), path)
        # another address has its own allowance
        assert client.get(path, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code != 429


@pytest.mark.parametrize(
    "key, method, path, body",
    [
        ("RATELIMIT_INGEST", "post", "/api/v1/responses", "payload"),
        ("RATELIMIT_WIDGET", "get", "/api/v1/widget/demo/website", None),
        ("RATELIMIT_KIOSK", "get", "/kiosk/api/config", None),
        ("RATELIMIT_KIOSK", "post", "/kiosk/api/heartbeat", {}),
        ("RATELIMIT_KIOSK_ENROL", "post", "/kiosk/api/enrol", {"token": "x"}),
    ],
)
def test_public_endpoints_limited_per_ip_with_json_429(
    app, demo_org, database_url, tmp_path, key, method, path, body
):
    limited = limited_app(database_url, tmp_path, **{key: "2 per minute"})
    client = limited.test_client()
    for _ in range(2):
        json_body = make_payload() if body == "payload" else body
        assert getattr(client, method)(path, json=json_body).status_code != 429
    json_body = make_payload() if body == "payload" else body
    assert_429(getattr(client, method)(path, json=json_body), path)


def test_figures_are_generous(app):
    assert app.config["RATELIMIT_INGEST"] == "600 per minute"
    assert app.config["RATELIMIT_WIDGET"] == "600 per minute"


def test_login_limited_per_account_before_the_password_is_checked(
    app, demo_org, database_url, tmp_path, monkeypatch
):
    users.add_user("kwaliteit@voorbeeld.nl", PASSWORD, "demo")
    limited = limited_app(
        database_url, tmp_path, RATELIMIT_LOGIN_ACCOUNT="3 per minute",
        RATELIMIT_LOGIN_IP="100 per minute", RATELIMIT_DEFAULT="100 per minute",
    )
    checked = []

    class CountingHasher:
        def verify(self, *args):
            checked.append(1)
            return real.verify(*args)

    real = users._hasher
    monkeypatch.setattr(users, "_hasher", CountingHasher())
    guess = {"email": "kwaliteit@voorbeeld.nl", "password": "wrong guess"}
    for n in range(3):
        client = limited.test_client()
        addr = {"REMOTE_ADDR": f"10.0.0.{n}"}  # other addresses: the account's limit counts
        assert client.post("/staff/login", data=guess, environ_base=addr).status_code == 401
    assert len(checked) == 3
    response = limited.test_client().post(
        "/staff/login", data=guess, environ_base={"REMOTE_ADDR": "10.0.0.99"}
    )
    assert_429(response, "/staff/login")
    assert len(checked) == 3  # refused before argon2 ran
    other = {"email": "iemand@voorbeeld.nl", "password": "x"}
    assert limited.test_client().post("/staff/login", data=other).status_code == 401


def test_login_limited_per_ip(app, demo_org, database_url, tmp_path):
    limited = limited_app(
        database_url, tmp_path, RATELIMIT_LOGIN_IP="3 per minute",
        RATELIMIT_DEFAULT="100 per minute",
    )
    client = limited.test_client()
    for n in range(3):
        data = {"email": f"u{n}@voorbeeld.nl", "password": "wrong guess"}
        assert client.post("/staff/login", data=data).status_code == 401
    response = client.post("/staff/login", data={"email": "z@voorbeeld.nl", "password": "x"})
    assert_429(response, "/staff/login")
    assert client.get("/staff/login").status_code == 200  # the page itself still opens


# ---- staff sessions ----


def get(client, path):
    """A request as a new one: the fixture's app context would keep Flask-Login's cached
    user in g between requests."""
    g.pop("_login_user", None)
    return client.get(path)


def login(client, next_=None):
    url = "/staff/login" + (f"?next={next_}" if next_ is not None else "")
    return client.post(url, data={"email": "kwaliteit@voorbeeld.nl", "password": PASSWORD})


@pytest.mark.parametrize(
    "target",
    ["/%09/evil.example", "%2F%09%2Fevil.example", "/\\evil.example", "//evil.example",
     "/%0A/evil.example", "/%0d%0aSet-Cookie:x=1", "https://evil.example/", "/%E2%80%8B/evil"],
)
def test_next_must_be_a_local_path(client, demo_org, target):
    users.add_user("kwaliteit@voorbeeld.nl", PASSWORD, "demo")
    response = login(client, target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


def test_local_next_is_followed(client, demo_org):
    users.add_user("kwaliteit@voorbeeld.nl", PASSWORD, "demo")
    assert login(client, "/staff/demo/reports?x=1").headers["Location"] == "/staff/demo/reports?x=1"


def test_logout_ends_a_copied_session(app, client, demo_org):
    users.add_user("kwaliteit@voorbeeld.nl", PASSWORD, "demo")
    login(client)
    cookie = client.get_cookie("session")
    copy = app.test_client()
    copy.set_cookie("session", cookie.value)
    assert get(copy, "/staff/demo/reports").status_code == 200
    g.pop("_login_user", None)
    assert client.post("/staff/logout").status_code == 302
    assert get(copy, "/staff/demo/reports").status_code == 302  # back to the login page


def test_password_change_ends_sessions(app, client, demo_org):
    users.add_user("kwaliteit@voorbeeld.nl", PASSWORD, "demo")
    login(client)
    assert get(client, "/staff/demo/reports").status_code == 200
    users.set_password("kwaliteit@voorbeeld.nl", "another long password")
    assert get(client, "/staff/demo/reports").status_code == 302


def test_session_cookie_flags(app, client, demo_org):
    users.add_user("kwaliteit@voorbeeld.nl", PASSWORD, "demo")
    cookie = login(client).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # testing: http


def test_production_cookie_is_secure_and_http_redirects(database_url, tmp_path):
    prod = make({"KTO_ENV": "production", "SECRET_KEY": STRONG,
                 "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False})
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    client = prod.test_client()
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200  # load balancer probes over http
    secure = client.get("/", base_url="https://localhost")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]
    with prod.test_request_context(base_url="https://localhost"):
        session["x"] = 1
        response = prod.make_response("ok")
        prod.session_interface.save_session(prod, session, response)
        assert re.search(r"; Secure", response.headers["Set-Cookie"])


# ---- the secret key ----


@pytest.mark.parametrize("key", [None, "", "dev", "change-me", "test-secret", "short-key-1234",
                                 "a" * 40])
def test_production_refuses_missing_default_or_weak_secret(tmp_path, key):
    config = {"KTO_ENV": "production", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}
    if key is not None:
        config["SECRET_KEY"] = key
    with pytest.raises(security.InsecureConfiguration):
        create_app(config)


def test_production_accepts_a_strong_secret(tmp_path):
    app = make({"KTO_ENV": "production", "SECRET_KEY": STRONG,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.secret_key == STRONG


def test_environment_decides(monkeypatch):
    monkeypatch.delenv("KTO_ENV", raising=False)
    assert settings.from_environment({})["KTO_ENV"] == "production"
    assert security.environment({"KTO_ENV": "development"}) == "development"
    assert security.environment({"TESTING": True, "KTO_ENV": "production"}) == "testing"


def _secret(directory, start, queue):
    start.wait()
    queue.put(settings.instance_secret(directory))


def test_generated_secret_is_the_same_for_processes_starting_together(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    for attempt in range(3):
        directory = tmp_path / f"instance{attempt}"
        start, queue = ctx.Event(), ctx.Queue()
        workers = [ctx.Process(target=_secret, args=(directory, start, queue)) for _ in range(4)]
        for worker in workers:
            worker.start()
        start.set()
        keys = {queue.get(timeout=60) for _ in workers}
        for worker in workers:
            worker.join(30)
        assert len(keys) == 1
        key = keys.pop()
        assert len(key) == 64 and (directory / "secret_key").read_text() == key
        assert [p.name for p in directory.iterdir()] == ["secret_key"]  # no temporary left
        assert (directory / "secret_key").stat().st_mode & 0o777 == 0o600
