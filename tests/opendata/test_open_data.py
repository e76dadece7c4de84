"""Open data at /open/<code>/: the report's figures, suppression applied, nothing when not
published, no cookies, cacheable, rate limited."""

from __future__ import annotations

import csv
import io

import pytest

from survey.models import Report
from survey.reports import display
from survey.reports.data import ReportData, Suppressed
from survey.services import reports
from tests.opendata.helpers import load_with_nps, publish

BASE = "/open/demo/2026-10/"


@pytest.fixture
def published(app, demo_org):
    load_with_nps()
    reports.build_monthly_report("demo", "2026-10")
    publish()
    stored = Report.query.one()
    return ReportData.from_dict(stored.data)


def _no_cookie(response):
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers.get("ETag")


def test_json_figures_are_the_reports(client, published):
    response = client.get(BASE + "figures.json")
    assert response.status_code == 200
    _no_cookie(response)
    body = response.get_json()
    assert body["month"] == "2026-10" and body["organisation"]["code"] == "demo"
    rows = {r["channel"]: r for r in body["figures"]}
    assert list(rows) == ["all"] + [c.channel for c in published.channels]
    for channel in published.channels:
        sat = rows[channel.channel]["satisfied"]
        if isinstance(channel.satisfied, Suppressed):
            assert sat == {"share": None, "low": None, "high": None, "n": None,
                           "reliability": "suppressed"}
            continue
        assert sat["share"] == pytest.approx(channel.satisfied.estimate, abs=5e-5)
        assert sat["low"] == pytest.approx(channel.satisfied.low, abs=5e-5)
        assert sat["high"] == pytest.approx(channel.satisfied.high, abs=5e-5)
        assert sat["n"] == channel.satisfied.n
    # Recomputed by hand: counter 37 of 40, one inclusion probability → 0.925.
    assert rows["counter"]["satisfied"]["share"] == 0.925
    assert rows["counter"]["satisfied"]["n"] == 40
    # The letter channel has 5 responses: suppressed, and its n is not published.
    assert rows["letter"]["satisfied"]["reliability"] == "suppressed"
    assert rows["letter"]["satisfied"]["n"] is None
    # NPS only where it was asked: WhatsApp 12 promoters, 6 detractors of 24 → +25.
    assert rows["whatsapp"]["nps"]["score"] == 25.0
    assert rows["whatsapp"]["nps"]["n"] == 24
    assert rows["counter"]["nps"] is None and rows["phone"]["nps"] is None
    text = response.get_data(as_text=True)
    for secret in ("Bel mij", "06-12345678", "Geheime brief", "toelichting"):
        assert secret not in text


def test_html_page_shows_the_reports_rounded_figures(client, published):
    response = client.get(BASE)
    assert response.status_code == 200
    _no_cookie(response)
    assert "Accept-Language" in response.headers["Vary"]
    page = response.get_data(as_text=True)
    counter = next(c for c in published.channels if c.channel == "counter")
    assert display.percent(counter.satisfied, "nl") == "93%"  # 92.5% rounds half up
    assert "<td class=\"num\">93%</td>" in page
    assert display.percent_interval(counter.satisfied, "nl") in page
    assert "te weinig reacties" in page  # letter
    assert "+25" in page
    for secret in ("Bel mij", "06-12345678", "Geheime brief"):
        assert secret not in page
    english = client.get(BASE + "?lang=en").get_data(as_text=True)
    assert "too few responses" in english and 'lang="en"' in english
    assert "?lang=en" in english  # links keep the language without a cookie


def test_spreadsheet_csv_is_dutch_excel(client, published):
    response = client.get(BASE + "figures.csv")
    assert response.status_code == 200
    _no_cookie(response)
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Kanaal", "Tevreden (procent)"]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Balie"][1:5] == ["93", by_name["Balie"][2], by_name["Balie"][3], "40"]
    assert by_name["Brief"][1] == "te weinig reacties" and by_name["Brief"][4] == "<10"
    assert by_name["WhatsApp"][6] == "25"
    english = client.get(BASE + "figures.csv?lang=en").get_data().decode("utf-8-sig")
    assert english.splitlines()[0].startswith('"Channel","Satisfied (percentage)"')


def test_machine_csv_matches_the_json(client, published):
    response = client.get(BASE + "figures-machine.csv")
    _no_cookie(response)
    raw = response.get_data(as_text=True)
    assert not raw.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(raw)))
    body = client.get(BASE + "figures.json").get_json()
    for row, figure in zip(rows, body["figures"], strict=True):
        assert row["channel"] == figure["channel"]
        share = figure["satisfied"]["share"]
        assert row["satisfied_share"] == ("" if share is None else str(share))
    counter = next(r for r in rows if r["channel"] == "counter")
    assert counter["satisfied_share"] == "0.925" and counter["satisfied_n"] == "40"
    letter = next(r for r in rows if r["channel"] == "letter")
    assert letter["satisfied_n"] == "" and letter["satisfied_reliability"] == "suppressed"


def test_index_lists_months_with_links(client, published):
    response = client.get("/open/demo/")
    _no_cookie(response)
    page = response.get_data(as_text=True)
    assert "oktober 2026" in page and "/open/demo/2026-10/figures.json" in page
    listing = client.get("/open/demo/months.json").get_json()
    assert [m["month"] for m in listing["months"]] == ["2026-10"]


def test_etag_gives_not_modified(client, published):
    first = client.get(BASE + "figures.json")
    again = client.get(BASE + "figures.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    reports.build_monthly_report("demo", "2026-10")  # a rebuild is a new version
    third = client.get(BASE + "figures.json", headers={"If-None-Match": first.headers["ETag"]})
    assert third.status_code == 200


PATHS = ["/open/demo/", "/open/demo/months.json", BASE, BASE + "figures.csv",
         BASE + "figures-machine.csv", BASE + "figures.json"]


@pytest.mark.parametrize("path", PATHS)
def test_not_published_is_404_and_leaks_nothing(client, published, path):
    publish(on=False)
    response = client.get(path)
    assert response.status_code == 404
    unknown = client.get(path.replace("/demo/", "/nobody/"))
    assert unknown.status_code == 404
    assert response.get_data() == unknown.get_data()  # the same page: nothing confirmed
    text = response.get_data(as_text=True)
    assert "Voorbeeld" not in text and "2026-10" not in text
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("month", ["2026-09", "2026-13", "oktober", "9999-99"])
def test_month_without_report_is_404(client, published, month):
    assert client.get(f"/open/demo/{month}/figures.json").status_code == 404


def test_staff_cookie_is_not_renewed(client, published):
    client.get("/staff/login?lang=en")  # a session cookie with the language choice
    response = client.get(BASE + "figures.json")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_rate_limited_like_other_public_endpoints(published, database_url, tmp_path):
    from tests.test_security import assert_429, limited_app

    limited = limited_app(
        database_url, tmp_path, RATELIMIT_DEFAULT="100/minute", RATELIMIT_OPEN_DATA="3/minute"
    )
    client = limited.test_client()
    for path in (BASE + "figures.json", "/open/demo/"):
        assert [client.get(path).status_code for _ in range(3)] == [200, 200, 200]
        assert_429(client.get(path), path)


def test_administrator_switches_open_data_on_in_the_settings(client, app, demo_org):
    from survey.models import AuditEntry, Organisation
    from survey.services.users import add_user
    from tests.admin.fixtures import fresh, login

    add_user("beheer@voorbeeld.nl", "a long password", "demo", role="admin")
    assert client.get("/open/demo/").status_code == 404
    login(client, "beheer@voorbeeld.nl")
    form = {"name": "Gemeente Voorbeeld", "default_language": "nl",
            "timezone": "Europe/Amsterdam", "complaint_url": "", "open_data": "y"}
    assert fresh(client).post("/staff/demo/settings", data=form).status_code == 303
    assert Organisation.query.filter_by(slug="demo").one().open_data is True
    entry = AuditEntry.query.filter_by(action="organisation.settings").one()
    assert entry.before["open_data"] is False and entry.after["open_data"] is True
    fresh(client)
    anonymous = app.test_client()
    page = anonymous.get("/open/demo/")
    assert page.status_code == 200 and "Er zijn nog geen maanden gepubliceerd." in page.get_data(
        as_text=True)
