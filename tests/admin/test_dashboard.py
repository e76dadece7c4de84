"""The staff dashboard: period and filters in the URL, the report's figures, roles."""

from __future__ import annotations

import re

import pytest

from survey.extensions import db
from survey.models import Location, Organisation
from survey.reports import dashboard_cells
from survey.reports.builder import build
from survey.reports.inputs import collect
from survey.reports.period import parse_month
from survey.services.users import add_user
from tests.reports.data import load_month

PASSWORD = "a long password"


def _login(client, email):
    client.post("/staff/login", data={"email": email, "password": PASSWORD})


@pytest.fixture
def staff(app, demo_org):
    dashboard_cells.clear()
    load_month()
    add_user("viewer@example.nl", PASSWORD, "demo")
    add_user("analyst@example.nl", PASSWORD, "demo", role="analyst")
    yield
    dashboard_cells.clear()


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_dashboard_month_equals_the_monthly_report(client, staff):
    _login(client, "viewer@example.nl")
    page = client.get("/staff/demo/dashboard?period=month&at=2026-10")
    assert page.status_code == 200
    org = db.session.query(Organisation).filter_by(slug="demo").one()
    report = build(collect(org, parse_month("2026-10"), "nl"))
    text = _text(page.get_data(as_text=True))
    from survey.reports import display

    assert f"Tevreden, alle kanalen {display.percent(report.summary.satisfied, 'nl')}" in text
    for row in report.channels:
        if row.satisfied is not None and not display.suppressed(row.satisfied):
            assert f"{row.name} {display.percent(row.satisfied, 'nl')}" in text
    assert "Balie: 18 procentpunt hoger dan vorige maand." in text  # changes, listed first
    assert text.index("Significante veranderingen") < text.index("Per kanaal")


def test_landing_page_is_the_dashboard(client, staff):
    _login(client, "viewer@example.nl")
    response = client.get("/staff/demo/")
    assert response.status_code == 302 and "/staff/demo/dashboard" in response.headers["Location"]


def test_filters_and_periods_in_the_url(client, staff):
    _login(client, "viewer@example.nl")
    location = db.session.query(Location).filter_by(name="Stadhuis").first()
    assert location is not None
    page = client.get(f"/staff/demo/dashboard?period=quarter&at=2026-Q4&location={location.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "K4 2026" in html
    assert f'<option value="{location.id}" selected>' in html
    # 20 counter responses at the Stadhuis (every second one), 19 of them up.
    assert "n = 20" in _text(html)
    assert "period=quarter" in html and "at=2026-Q3" in html  # previous period link
    for bad in (
        "period=week",
        "period=month&at=2026-13",
        "channel=fax",
        "location=abc",
        "period=range&from=2026-06&to=2026-01",
    ):
        assert client.get(f"/staff/demo/dashboard?{bad}").status_code == 422


def test_charts_are_svg_with_title_and_data_tables(client, staff):
    _login(client, "viewer@example.nl")
    html = client.get("/staff/demo/dashboard?period=month&at=2026-10").get_data(as_text=True)
    sources = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert any("/dashboard/chart/channels.svg" in s for s in sources)
    assert any("/dashboard/spark/counter.svg" in s for s in sources)
    assert html.count('class="data-table"') == sum("/dashboard/chart/" in s for s in sources)
    for src in sources:
        svg = client.get(src.replace("&amp;", "&"))
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        body = svg.get_data(as_text=True)
        assert "<title>" in body and "<title>...</title>" not in body
    assert client.get("/staff/demo/dashboard/chart/nope.svg").status_code == 404


def test_comments_for_analysts_only_scrubbed_and_searchable(client, staff):
    _login(client, "viewer@example.nl")
    html = client.get("/staff/demo/dashboard?period=month&at=2026-10").get_data(as_text=True)
    assert "Zoek in opmerkingen" not in html and "Bel mij" not in html
    client.post("/staff/logout")
    client.get("/staff/login")
    _login(client, "analyst@example.nl")
    html = client.get("/staff/demo/dashboard?period=month&at=2026-10").get_data(as_text=True)
    assert "Zoek in opmerkingen" in html
    assert "Bel mij op" in html and "06-12345678" not in html and "j.jansen" not in html
    assert "Geheime brief" not in html  # letter has 5 responses: suppressed, no comments
    found = client.get("/staff/demo/dashboard?period=month&at=2026-10&q=bel").get_data(as_text=True)
    assert "Bel mij op" in found
    none = client.get("/staff/demo/dashboard?period=month&at=2026-10&q=12345678").get_data(
        as_text=True
    )
    assert "Geen opmerkingen gevonden." in none  # a scrubbed number is not searchable


def test_other_organisation_is_not_found(client, staff):
    db.session.add(Organisation(slug="other", name="Gemeente Anders"))
    db.session.commit()
    _login(client, "viewer@example.nl")
    assert client.get("/staff/other/dashboard").status_code == 404
    assert client.get("/staff/other/dashboard/chart/channels.svg").status_code == 404


def test_cells_are_cached_per_month(app, client, staff):
    _login(client, "viewer@example.nl")
    client.get("/staff/demo/dashboard?period=month&at=2026-10")
    cache = app.extensions["kto.dashboard"]
    months = {k[1] for k in cache if len(k) == 2 and k[1] != "index"}
    assert parse_month("2026-10") in months and parse_month("2026-09") in months
    before = len(cache)
    client.get("/staff/demo/dashboard?period=month&at=2026-10&channel=counter")
    month_keys = [k for k in cache if len(k) == 2]
    assert len(month_keys) == len([k for k in list(cache)[:before] if len(k) == 2])


def test_quarter_changes_speak_of_periods(client, staff):
    _login(client, "viewer@example.nl")
    html = client.get("/staff/demo/dashboard?period=quarter&at=2026-Q4").get_data(as_text=True)
    text = _text(html)
    assert "Balie: 18 procentpunt hoger dan de vorige periode." in text
    changes = text[text.index("Significante veranderingen") : text.index("Per kanaal")]
    assert "vorige maand" not in changes
    ranged = client.get("/staff/demo/dashboard?period=range&from=2026-09&to=2026-10")
    assert ranged.status_code == 200
    assert "sep 2026 – okt 2026" in _text(ranged.get_data(as_text=True))


def test_make_report_for_a_quarter_and_a_location(client, staff):
    """"Maak rapport" queues the view's report (the test queue runs it at once); its page
    shows the progress and then the download."""
    import io

    import pdfplumber

    _login(client, "viewer@example.nl")
    location = db.session.query(Location).filter_by(name="Stadhuis").first()
    page = client.get(f"/staff/demo/dashboard?period=quarter&at=2026-Q4&location={location.id}")
    html = page.get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]*dashboard/report)"', html)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))
    assert fields["period"] == "quarter" and fields["location"] == str(location.id)
    fields["csrf_token"] = token
    queued = client.post(form.group(1), data=fields)
    assert queued.status_code == 303 and "/staff/demo/report-runs/" in queued.headers["Location"]
    db.session.rollback()  # the test client's requests share this session: read afresh
    status = client.get(queued.headers["Location"] + "/status.json").get_json()
    assert status["state"] == "done" and status["progress"] == 100
    run_page = _text(client.get(queued.headers["Location"]).get_data(as_text=True))
    assert "Het rapport is klaar." in run_page
    response = client.get(status["download"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "kto-demo-2026-Q4-nl.pdf" in response.headers["Content-Disposition"]
    with pdfplumber.open(io.BytesIO(response.data)) as doc:
        text = " ".join(" ".join(p.extract_text() or "" for p in doc.pages).split())
    assert "Gemeente Voorbeeld · Stadhuis" in text and "K4 2026" in text
    assert "Trend: de laatste 13 perioden" in text
    assert "n = 20" in text  # the location's responses only
    assert "vorige maand" not in text


def test_a_report_of_another_organisation_is_not_found(client, staff):
    from survey.services import period_reports

    org = db.session.query(Organisation).filter_by(slug="demo").one()
    run = period_reports.request(org, {"period": "month", "at": "2026-10"}, "nl", None)
    run_id = run.id
    other = Organisation(slug="andere", name="Andere gemeente")
    db.session.add(other)
    db.session.commit()
    add_user("ander@example.nl", PASSWORD, "andere")
    _login(client, "ander@example.nl")
    assert client.get(f"/staff/andere/report-runs/{run_id}").status_code == 404
    assert client.get(f"/staff/andere/report-runs/{run_id}/pdf").status_code == 404


def test_make_report_refuses_a_bad_period(client, staff):
    from survey.models import PeriodReport

    _login(client, "viewer@example.nl")
    html = client.get("/staff/demo/dashboard?period=month&at=2026-10").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    before = db.session.query(PeriodReport).count()
    bad = client.post(
        "/staff/demo/dashboard/report",
        data={"csrf_token": token, "period": "quarter", "at": "2026-Q5"},
    )
    assert bad.status_code == 422
    missing = client.post("/staff/demo/dashboard/report", data={"csrf_token": token})
    assert missing.status_code == 422
    assert db.session.query(PeriodReport).count() == before


@pytest.mark.parametrize(
    ("query", "word", "year_word"),
    [
        ("period=quarter&at=2026-Q4", "vorig kwartaal", "zelfde kwartaal vorig jaar"),
        ("period=year&at=2026", "vorig jaar", "het jaar ervoor"),
        ("period=range&from=2026-09&to=2026-10", "vorige periode", "zelfde periode vorig jaar"),
    ],
)
def test_period_tables_name_their_comparison(client, staff, query, word, year_word):
    _login(client, "viewer@example.nl")
    text = _text(client.get(f"/staff/demo/dashboard?{query}").get_data(as_text=True))
    assert "vorige maand" not in text and "zelfde maand" not in text
    assert f"Verschil met {word}" in text  # the channel chart's data table
    org = db.session.query(Organisation).filter_by(slug="demo").one()
    from survey.reports import spreadsheet
    from survey.services import dashboard

    view = dashboard.view(org, dict(p.split("=") for p in query.split("&")), "nl")
    headers = spreadsheet.tables(view.data)["summary"][0]
    assert f"Verschil met {year_word}" in headers and f"Significant t.o.v. {word}" in headers


def test_month_tables_keep_the_month_words(client, staff):
    _login(client, "viewer@example.nl")
    text = _text(client.get("/staff/demo/dashboard?period=month&at=2026-10").get_data(as_text=True))
    assert "Verschil met vorige maand" in text


def test_nps_and_grades_per_channel_as_in_the_monthly_report(client, staff):
    """NPS and average grade on the dashboard, each labelled with the channels that asked
    them, equal to the monthly report's figures."""
    from survey.reports import display
    from survey.services.responses import record_many
    from tests.reports.data import october, payload

    # WhatsApp asks the NPS: 12 promoters (9-10), 4 passives, 4 detractors of 20.
    scores = [10] * 6 + [9] * 6 + [8] * 4 + [3] * 4
    record_many(
        [
            payload("whatsapp", "whatsapp", "whatsapp", 1.0,
                    {"oordeel": "up", "aanbevelen": s}, october(4 + i))
            for i, s in enumerate(scores)
        ]
    )
    dashboard_cells.clear()
    _login(client, "viewer@example.nl")
    text = _text(client.get("/staff/demo/dashboard?period=month&at=2026-10").get_data(as_text=True))
    org = db.session.query(Organisation).filter_by(slug="demo").one()
    report = build(collect(org, parse_month("2026-10"), "nl"))
    whatsapp = next(r for r in report.channels if r.channel == "whatsapp")
    phone = next(r for r in report.channels if r.channel == "phone")
    assert display.nps(whatsapp.nps, "nl") == "+40"
    assert f"NPS, alleen gevraagd via WhatsApp: {display.nps(report.summary.nps, 'nl')}" in text
    tiles = text[text.index("Per kanaal") : text.index("Doelen")]
    assert f"NPS {display.nps(whatsapp.nps, 'nl')}" in tiles
    assert f"Gemiddeld cijfer {display.grade(phone.grade, 'nl')}" in tiles
    counter = tiles[tiles.index("Balie") : tiles.index("Telefoon")]
    assert "NPS" not in counter and "cijfer" not in counter  # the counter asked neither
    # A quarter pools its months, and the NPS is still labelled with its channel.
    quarter = _text(client.get("/staff/demo/dashboard?period=quarter&at=2026-Q4").get_data(
        as_text=True))
    assert "NPS, alleen gevraagd via WhatsApp: +40" in quarter
