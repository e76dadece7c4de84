"""Staff downloads from a real HTTP server: a streamed body runs after the view returned,
which the test client hides (it keeps the application context around)."""

from __future__ import annotations

import csv
import io

import requests

from survey.services import reports
from survey.services.users import add_user
from tests.browser.conftest import LiveServer
from tests.reports.data import load_month

PASSWORD = "a long password"


def test_raw_responses_csv_streams_from_a_live_server(app, demo_org):
    load_month()
    add_user("demo@example.nl", PASSWORD, "demo", role="analyst")
    report = reports.build_monthly_report("demo", "2026-10")
    with LiveServer(app) as server, requests.Session() as http:
        login = http.post(
            f"{server.url}/staff/login",
            data={"email": "demo@example.nl", "password": PASSWORD},
            allow_redirects=False,
            timeout=30,
        )
        assert login.status_code == 302
        page = http.get(f"{server.url}/staff/demo/reports/{report.id}", timeout=30)
        assert f"/staff/demo/reports/{report.id}/responses" in page.text
        response = http.get(f"{server.url}/staff/demo/reports/{report.id}/responses", timeout=60)
        assert response.status_code == 200
        assert "kto-demo-2026-10-nl-responses.csv" in response.headers["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["id", "uuid", "survey"]
    assert len(rows) == 1 + 85  # October only
    # Comments are scrubbed as in the report: no phone number or e-mail address.
    comments = [row[rows[0].index("toelichting")] for row in rows[1:]]
    assert "Bel mij op [telefoonnummer], mail [e-mailadres]" in comments
    assert "06-12345678" not in response.text and "jansen" not in response.text
