"""The typed report data: JSON round trip, old stored shapes, suppression by structure,
and PDFs rendered at once in threads keeping each its own header and footer."""

from __future__ import annotations

import copy
import dataclasses
import io
import threading

import pdfplumber
import pytest

from survey.extensions import db
from survey.models import Organisation, Report
from survey.reports import charts, pdf, spreadsheet
from survey.reports.builder import build
from survey.reports.data import (
    VERSION,
    Estimate,
    ReportData,
    Suppressed,
    UnknownVersion,
    figure,
)
from survey.reports.data import Organisation as OrgName
from survey.reports.inputs import collect
from survey.reports.period import parse_month
from survey.services import reports
from tests.reports.data import load_month


def _report(language="nl") -> ReportData:
    org = db.session.query(Organisation).filter_by(slug="demo").one()
    return build(collect(org, parse_month("2026-10"), language))


def _version_1(data: ReportData) -> dict:
    """The plain dict the builder stored before the data was typed and versioned."""
    old = copy.deepcopy(data.to_dict())
    del old["version"]
    del old["meta"]["left_out"]
    return old


def test_round_trip_through_json_shape(demo_org):
    load_month()
    data = _report()
    stored = data.to_dict()
    assert stored["version"] == VERSION
    assert ReportData.from_dict(stored) == data


def test_suppressed_figure_has_no_value_fields(demo_org):
    load_month()
    letter = next(r for r in _report().channels if r.channel == "letter")
    assert letter.satisfied == Suppressed(n=5)
    assert {f.name for f in dataclasses.fields(Suppressed)} == {"n", "reliability"}
    # Even a stored dict that carries numbers beside the flag gives no number back.
    forged = figure({"n": 5, "reliability": "suppressed", "estimate": 0.9, "low": 0.1})
    assert forged == Suppressed(n=5) and not hasattr(forged, "estimate")
    assert isinstance(figure({"n": 40, "reliability": "ok", "estimate": 0.5}), Estimate)


def test_version_1_data_reads_and_renders_like_the_current(demo_org):
    load_month()
    data = _report()
    old = ReportData.from_dict(_version_1(data))
    assert old == data  # left_out of version 1 is 0, as it was never counted
    assert spreadsheet.tables(old) == spreadsheet.tables(data)
    assert charts.svg("channels", old) == charts.svg("channels", data)


def test_newer_version_is_refused():
    with pytest.raises(UnknownVersion):
        ReportData.from_dict({"version": VERSION + 1})


def test_stored_report_of_the_old_shape_serves_page_charts_and_tables(app, client, demo_org):
    from survey.services.users import add_user

    load_month()
    report = reports.build_monthly_report("demo", "2026-10")
    current_csv = reports.table_csv(report, "channels")
    old = _version_1(ReportData.from_dict(report.data))
    report.data = old
    db.session.commit()
    assert "version" not in db.session.get(Report, report.id).data
    add_user("demo@example.nl", "a long password", "demo")
    client.post("/staff/login", data={"email": "demo@example.nl", "password": "a long password"})
    page = client.get(f"/staff/demo/reports/{report.id}")
    assert page.status_code == 200 and "oktober 2026" in page.get_data(as_text=True)
    svg = client.get(f"/staff/demo/reports/{report.id}/svg/channels")
    assert svg.status_code == 200 and b"<svg" in svg.data
    table = client.get(f"/staff/demo/reports/{report.id}/csv/channels")
    assert table.status_code == 200 and table.get_data(as_text=True) == current_csv


def _pages(pdf_bytes: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as doc:
        return [page.extract_text() or "" for page in doc.pages]


def test_two_reports_rendered_at_once_keep_their_own_header_and_footer(app, demo_org):
    load_month()
    dutch = _report("nl")
    english = _report("en")
    english = dataclasses.replace(
        english, meta=dataclasses.replace(english.meta, organisation=OrgName("x", "Town Other"))
    )
    expected = {
        "nl": (
            "Gemeente Voorbeeld · Klanttevredenheid per kanaal · oktober 2026",
            "Pagina {} van {}",
        ),
        "en": ("Town Other · Customer satisfaction per channel · October 2026", "Page {} of {}"),
    }
    rounds = 3
    start = threading.Barrier(2)
    results: dict[str, list[bytes]] = {"nl": [], "en": []}
    errors: list[BaseException] = []

    def work(key, data):
        try:
            # Each worker thread runs its task in its own application context, as Huey's do.
            with app.app_context():
                for _ in range(rounds):
                    start.wait()
                    results[key].append(pdf.render(data))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
            start.abort()

    threads = [
        threading.Thread(target=work, args=("nl", dutch)),
        threading.Thread(target=work, args=("en", english)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for key, (header, footer) in expected.items():
        assert len(results[key]) == rounds
        for pdf_bytes in results[key]:
            pages = _pages(pdf_bytes)
            for number, text in enumerate(pages, start=1):
                lines = text.splitlines()
                assert lines[0] == header
                assert lines[-1] == footer.format(number, len(pages))
