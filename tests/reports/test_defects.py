"""Defects found by recomputing the report independently: one test each (issue 12, item 6)."""

from __future__ import annotations

import dataclasses
import io
import re

import pdfplumber
import pytest
from openpyxl import load_workbook
from reportlab.pdfbase.pdfmetrics import stringWidth

from survey.extensions import db
from survey.models import ContactVolume, Organisation, ReportTarget
from survey.reports import charts, display, fonts, pdf, pdf_sections, spreadsheet
from survey.reports.builder import build
from survey.reports.data import Estimate, ReasonRow, Reasons, TargetResult
from survey.reports.inputs import collect
from survey.reports.period import parse_month
from survey.services.responses import record_many
from tests.conftest import count_rows
from tests.reports.data import load_month, october, payload


def _report(language="nl", month="2026-10"):
    org = db.session.query(Organisation).filter_by(slug="demo").one()
    return build(collect(org, parse_month(month), language))


def _text(data) -> str:
    with pdfplumber.open(io.BytesIO(pdf.render(data))) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages)


def _sheet(data, name):
    book = load_workbook(io.BytesIO(spreadsheet.xlsx(data)))
    return [list(r) for r in book[name].iter_rows(values_only=True)]


def _estimate(value, n=40, reliability="ok"):
    return Estimate(n, reliability, value, value - 0.05, value + 0.05, 0.02, n, value)


# Floating-point noise ---------------------------------------------------------------------


def test_noisy_share_prints_half_up():
    noisy = _estimate(0.9249999999999999)
    assert display.percent(noisy, "nl") == "93%"
    assert display.share_percent(0.9249999999999999, "en") == "93%"
    assert display.n_eff(dataclasses.replace(noisy, n_eff=29.999999999999982)) == "30"


def test_target_met_despite_noise():
    import numpy as np

    from survey.reports.builder import target_status
    from survey.stats import proportion_estimate

    y = np.array([1.0] * 37 + [0.0] * 3)
    noisy = proportion_estimate(y, np.full(40, 0.3))
    assert noisy.estimate < 0.925
    target = {"question": None, "channel": None, "share": 0.925, "label": "92,5%"}
    assert target_status(target, noisy).status == "met"


# One rounding everywhere --------------------------------------------------------------------


def test_page_one_target_reasons_table_and_chart_round_like_the_xlsx(demo_org):
    load_month()
    data = _report()
    reasons = Reasons(200, False, (ReasonRow("x", "Lang wachten", 29, 29 / 200),))
    target = dataclasses.replace(
        data.summary.targets[0] if data.summary.targets else _target(),
        share=0.10,
        status="met",
        result=TargetResult(0.145, 0.10, 0.20, 200, True, "ok"),
    )
    data = dataclasses.replace(
        data, reasons=reasons, summary=dataclasses.replace(data.summary, targets=(target,))
    )
    assert 100 * 0.145 < 14.5  # the binary product that made two places print 14%
    text = _text(data)
    assert "Lang wachten 29 15%" in text  # reasons table
    assert re.search(r"Doel 10%.*\n?.*15%", text) or "15% 10–20%" in text  # target line
    assert "29 (15%)" in charts.svg("reasons", data)  # chart label
    assert _sheet(data, "Redenen")[1][2] == 15  # XLSX
    assert _sheet(data, "Doelen")[1][2] == 15


def _target():
    from survey.reports.data import Target

    return Target(None, None, 0.10, "Doel 10%", "met")


# Which target applies --------------------------------------------------------------------


@pytest.mark.parametrize("channel_first", [True, False])
def test_channel_target_wins_over_all_channels_target(demo_org, channel_first):
    org = db.session.query(Organisation).filter_by(slug="demo").one()
    own = ReportTarget(
        organisation_id=org.id,
        contact_channel="counter",
        share=0.95,
        label_nl="95% balie",
        label_en="95% counter",
    )
    general = ReportTarget(
        organisation_id=org.id, share=0.60, label_nl="60% tevreden", label_en="60% satisfied"
    )
    for target in (own, general) if channel_first else (general, own):
        db.session.add(target)
        db.session.commit()  # creation order = id order
    load_month()
    rows = {r.channel: r for r in _report().channels}
    assert rows["counter"].target.share == 0.95
    assert rows["counter"].target.status == "not_met"  # 92.5% < 95%
    assert rows["phone"].target.share == 0.60


# Every figure its own reliability ------------------------------------------------------------


def test_channel_nps_and_grade_carry_their_own_flag(demo_org):
    load_month()
    data = _report()
    rows = list(data.channels)
    phone = next(i for i, r in enumerate(rows) if r.channel == "phone")
    rows[phone] = dataclasses.replace(
        rows[phone],
        nps=Estimate(15, "indicative", 20.0, -10.0, 50.0, 15.0, 15.0, 20.0),
        grade=Estimate(15, "indicative", 6.4, 5.5, 7.3, 0.4, 15.0, 6.4),
    )
    data = dataclasses.replace(data, channels=tuple(rows))
    assert rows[phone].satisfied.reliability == "ok" or rows[phone].satisfied.n >= 30
    text = _text(data)
    table = text[text.index("Per contactkanaal") :]
    line = next(x for x in table.splitlines() if x.startswith("Telefoon"))
    assert "+20°" in line and "6,4°" in line
    sheet = _sheet(data, "Kanalen")
    header, phone_row = sheet[0], next(r for r in sheet if r[0] == "Telefoon")
    assert phone_row[header.index("Betrouwbaarheid NPS")] == "indicatief"
    assert phone_row[header.index("Betrouwbaarheid cijfer")] == "indicatief"


# Small cells ---------------------------------------------------------------------------------


def test_small_cells_are_less_than_10_in_every_table(demo_org):
    load_month()
    data = _report()
    text = _text(data)
    method = text[text.rindex("Kanaal Contacten Reacties") :]
    assert "Brief 40 <10" in method and "Brief 40 5" not in method
    assert next(r for r in _sheet(data, "Methode") if r[0] == "Brief")[2] == "<10"
    assert next(r for r in _sheet(data, "Kanalen") if r[0] == "Brief")[1] == "<10"


def test_text_wraps_inside_narrow_cells(demo_org):
    load_month()
    data = _report()
    fonts.register()
    table = pdf_sections.channel_table(data, "nl", lambda key: pdf.texts.word(key, "nl"))
    for row in table._cellvalues:
        for cell, width in zip(row, table._colWidths, strict=True):
            if isinstance(cell, str):
                assert stringWidth(cell, fonts.REGULAR, 6.8) <= width - 6, cell
    letter = next(r for r in table._cellvalues if r[0] == "Brief")
    assert not isinstance(letter[3], str)  # "te weinig reacties" as a wrapping paragraph


# Wording ---------------------------------------------------------------------------------


def test_month_without_responses_does_not_blame_volumes(demo_org):
    load_month()
    text = _text(_report(month="2026-11"))
    assert "Geen reacties in deze maand." in text
    assert "contactaantallen voor deze maand" not in text


def test_unweighted_month_header(demo_org):
    load_month(with_volumes=False)
    text = _text(_report())
    assert "gewogen (ongewogen)" not in text
    assert "Tevreden (niet gewogen naar" in text


def test_dutch_pdf_never_prints_the_english_trimming_error(demo_org, monkeypatch):
    from survey.reports import weighting
    from survey.stats import InfeasibleBoundsError

    def refuse(*args, **kwargs):
        raise InfeasibleBoundsError("Trimming bounds are infeasible for these margins")

    monkeypatch.setattr(weighting, "trim_and_rake", refuse)
    load_month()
    data = _report()
    assert data.method.note.code == "not_trimmed"
    text = _text(data)
    assert "infeasible" not in text.lower() and "Trimming" not in text
    assert "konden niet worden begrensd op 5 × het mediane gewicht" in " ".join(text.split())


# Missing ---------------------------------------------------------------------------------


def test_share_of_not_applicable_answers(demo_org):
    load_month()
    extra = [
        payload("phone", "telefoon", "sms", 1.0, {"cijfer": 8, "in_een_keer": "na"}, october(3))
        for _ in range(10)
    ]
    record_many(extra)
    data = _report()
    row = next(r for r in data.not_applicable if r.question == "in_een_keer")
    assert (row.answered, row.na) == (50, 10)
    assert row.share == pytest.approx(0.2)
    text = _text(data)
    assert "Antwoord 'niet van toepassing'" in text and "50 10 20%" in text
    sheet = _sheet(data, "Niet van toepassing")
    assert sheet[1][1:] == [50, 10, 20]


def test_volumes_list_cli_and_api(runner, client, demo_org, import_headers):
    load_month()
    result = runner.invoke(args=["kto", "volumes", "list", "--org", "demo"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "month,contact_channel,count",
        "2026-10,counter,300",
        "2026-10,phone,600",
        "2026-10,letter,40",
    ]
    body = client.get("/api/v1/volumes?since=2026-10", headers=import_headers).get_json()
    assert body["volumes"][1] == {"month": "2026-10", "contact_channel": "phone", "count": 600}
    assert (
        client.get("/api/v1/volumes?since=2026-11", headers=import_headers).get_json()["volumes"]
        == []
    )
    assert client.get("/api/v1/volumes").status_code == 401
    assert client.get("/api/v1/volumes?since=oct", headers=import_headers).status_code == 422


def test_volumes_import_refuses_duplicate_month_and_channel(runner, demo_org, tmp_path):
    path = tmp_path / "volumes.csv"
    path.write_text(
        "month,contact_channel,count\n2026-10,phone,600\n2026-10,counter,300\n2026-10,phone,650\n"
    )
    before = count_rows()
    result = runner.invoke(args=["kto", "volumes", "import", "--org", "demo", str(path)])
    assert result.exit_code != 0
    # Both lines named (the configuration pages list every bad line this way).
    assert "Line 4" in result.output and "line 2" in result.output and "phone" in result.output
    assert count_rows() == before
    assert db.session.query(ContactVolume).count() == 0


def test_version_3_report_data_still_renders(demo_org):
    from survey.reports.data import VERSION, ReportData

    load_month()
    stored = _report().to_dict()
    assert stored["version"] == VERSION == 7
    del stored["not_applicable"]
    del stored["follow_up"]
    stored["version"] = 3
    old = ReportData.from_dict(stored)
    assert old.not_applicable == () and not old.follow_up.shown
    assert "Klanttevredenheid" in _text(old)
    assert spreadsheet.tables(old)["not_applicable"][1] == []
