"""Staff pages: login, reports of one's own organisation only, downloads and SVG charts."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from survey.extensions import db
from survey.models import Organisation
from survey.services import reports
from survey.services.users import add_user
from tests.reports.data import load_month

PASSWORD = "a long password"


def _login(client, email, password=PASSWORD):
    return client.post("/staff/login", data={"email": email, "password": password})


@pytest.fixture
def two_orgs(demo_org):
    db.session.add(Organisation(slug="other", name="Gemeente Anders"))
    db.session.commit()
    load_month()
    add_user("demo@example.nl", PASSWORD, "demo")
    add_user("other@example.nl", PASSWORD, "other")
    add_user("analyst@example.nl", PASSWORD, "demo", role="analyst")
    demo_report = reports.build_monthly_report("demo", "2026-10")
    other_report = reports.build_monthly_report("other", "2026-10")
    return demo_report.id, other_report.id


def test_reports_need_login(client, two_orgs):
    response = client.get("/staff/demo/reports")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert client.get(f"/staff/demo/reports/{two_orgs[0]}/pdf").status_code == 302


def test_wrong_password_is_refused(client, two_orgs):
    response = _login(client, "demo@example.nl", "wrong password!")
    assert response.status_code == 401
    assert "niet juist" in response.get_data(as_text=True)
    assert client.get("/staff/demo/reports").status_code == 302


def test_viewer_sees_and_downloads_own_reports(client, two_orgs):
    demo_id, _ = two_orgs
    assert _login(client, "demo@example.nl").status_code == 302
    listing = client.get("/staff/demo/reports").get_data(as_text=True)
    assert "oktober 2026" in listing and f"/staff/demo/reports/{demo_id}/pdf" in listing
    page = client.get(f"/staff/demo/reports/{demo_id}").get_data(as_text=True)
    for chart in ("channels", "trend", "heatmap", "reasons"):
        assert f"/staff/demo/reports/{demo_id}/svg/{chart}" in page
    pdf = client.get(f"/staff/demo/reports/{demo_id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "kto-demo-2026-10-nl.pdf" in pdf.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(client.get(f"/staff/demo/reports/{demo_id}/xlsx").data))
    assert {"Samenvatting", "Kanalen", "Trend", "Redenen", "Opmerkingen"} <= set(book.sheetnames)
    channels = list(book["Kanalen"].values)
    counter = next(r for r in channels if r[0] == "Balie")
    assert counter[4] == 93  # 37/40 rounded half-up
    letter = next(r for r in channels if r[0] == "Brief")
    assert letter[4] == "te weinig reacties"
    svg = client.get(f"/staff/demo/reports/{demo_id}/svg/channels")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    csv_text = client.get(f"/staff/demo/reports/{demo_id}/csv/channels").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith('\ufeff"Kanaal";"Reacties";"Contacten"')
    # Raw responses (with citizens' comments) are for analysts and administrators.
    assert client.get(f"/staff/demo/reports/{demo_id}/responses").status_code == 403
    assert "/responses" not in page
    client.post("/staff/logout")
    assert _login(client, "analyst@example.nl").status_code == 302
    assert f"/staff/demo/reports/{demo_id}/responses" in client.get(
        f"/staff/demo/reports/{demo_id}"
    ).get_data(as_text=True)
    raw = client.get(f"/staff/demo/reports/{demo_id}/responses").get_data(as_text=True)
    lines = raw.strip().splitlines()
    assert lines[0].startswith('\ufeff"id";"uuid";"survey"') and len(lines) == 1 + 85  # October


def test_viewer_cannot_reach_another_organisations_report(client, two_orgs):
    demo_id, other_id = two_orgs
    _login(client, "analyst@example.nl")
    for path in ("", "/pdf", "/xlsx", "/csv/channels", "/responses", "/svg/channels"):
        assert client.get(f"/staff/demo/reports/{other_id}{path}").status_code == 404
        # ... and the other organisation's own URL: not a member, so not found either
        assert client.get(f"/staff/other/reports/{other_id}{path}").status_code == 404
    assert str(other_id) not in re.findall(
        r"/staff/demo/reports/(\d+)", client.get("/staff/demo/reports").get_data(as_text=True)
    )
    assert client.get(f"/staff/demo/reports/{demo_id}/svg/nope").status_code == 404
    assert client.get(f"/staff/demo/reports/{demo_id}/csv/nope").status_code == 404


def test_logout(client, two_orgs):
    _login(client, "demo@example.nl")
    assert client.post("/staff/logout").status_code == 302
    assert client.get("/staff/demo/reports").status_code == 302


def test_login_form_requires_csrf_token(app, client, demo_org, monkeypatch):
    add_user("demo@example.nl", PASSWORD, "demo")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    _csrf_round_trip(client)


def _csrf_round_trip(client):
    refused = client.post("/staff/login", data={"email": "demo@example.nl", "password": PASSWORD})
    assert refused.status_code == 400
    form = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    accepted = client.post(
        "/staff/login",
        data={"email": "demo@example.nl", "password": PASSWORD, "csrf_token": token},
    )
    assert accepted.status_code == 302
