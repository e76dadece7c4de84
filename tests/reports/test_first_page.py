"""The first page that tells the story, and the charts behind it (issue 12, item 2)."""

from __future__ import annotations

import dataclasses
import io
import re
import xml.etree.ElementTree as ET

import pdfplumber

from survey.extensions import db
from survey.models import Organisation
from survey.reports import charts, display, pdf, story
from survey.reports.builder import build
from survey.reports.data import Estimate, ReasonRow, Reasons, Target, TargetResult
from survey.reports.inputs import collect
from survey.reports.period import parse_month
from tests.reports.data import load_month

SVG = "{http://www.w3.org/2000/svg}"
LONG = "Ik ben niet teruggebeld, terwijl dat wel was beloofd door de medewerker aan de balie"


def _report(language="nl"):
    org = db.session.query(Organisation).filter_by(slug="demo").one()
    return build(collect(org, parse_month("2026-10"), language))


def _page_one(data) -> str:
    with pdfplumber.open(io.BytesIO(pdf.render(data))) as doc:
        return " ".join((doc.pages[0].extract_text() or "").split())


def test_overall_figure_says_what_it_is(demo_org):
    load_month()
    data = _report()
    text = _page_one(data)
    # Volumes 300 counter, 600 phone, 40 letter: phone is 64% of the contacts.
    assert "Gewogen naar het aantal contacten per kanaal" in text
    assert "het grootste kanaal, Telefoon, is 64% van de contacten" in text
    assert display.percent(data.summary.satisfied, "nl") in text
    for name in ("Balie", "Telefoon", "Brief"):  # one tile per channel
        assert name in text
    assert "¹ n_eff: het effectieve aantal reacties" in text  # explained once, on page 1
    english = _page_one(_report("en"))
    assert "the largest channel, Phone, has 64% of the contacts" in english


def test_near_target_rounding_shows_a_decimal(demo_org):
    assert display.target_percent(0.895, 0.90, "nl") == "89,5%"
    assert display.target_percent(0.895, 0.90, "en") == "89.5%"
    assert display.target_percent(0.8996, 0.90, "nl") == "89,96%"
    assert display.target_percent(0.90, 0.90, "nl") == "90%"
    assert display.target_percent(0.8849, 0.90, "nl") == "88%"
    load_month()
    data = _report()
    target = Target(
        None,
        None,
        0.90,
        "90% tevreden",
        "not_met",
        TargetResult(0.895, 0.85, 0.93, 400, False, "ok"),
    )
    data = dataclasses.replace(data, summary=dataclasses.replace(data.summary, targets=(target,)))
    text = _page_one(data)
    assert "90% tevreden: 89,5%, niet gehaald" in text
    assert "90% tevreden: 90%" not in text


def test_significant_changes_in_words(demo_org):
    load_month()
    data = _report()
    lines = story.changes(data)
    # Counter went from 30/40 in September to 37/40 in October (+18 points, p < 0.05).
    assert lines[0] == "Balie: 18 procentpunt hoger dan vorige maand."
    assert "Balie: 18 procentpunt hoger dan vorige maand." in _page_one(data)


def test_nps_is_labelled_with_the_channels_that_asked_it(demo_org):
    load_month()
    data = _report()
    nps = Estimate(75, "ok", 33.0, 15.0, 51.0, 9.0, 75.0, 33.0)
    data = dataclasses.replace(
        data,
        summary=dataclasses.replace(data.summary, nps=nps, nps_channels=("whatsapp",)),
    )
    text = _page_one(data)
    assert "NPS, alleen gevraagd via WhatsApp: +33 (n = 75)." in text
    assert not re.search(r"(?<!: )\+33\s+\d+%", text)  # not a second headline


def test_numbers_in_the_report_locale(demo_org):
    load_month()
    data = _report()
    rows = list(data.method.channels)
    rows[1] = dataclasses.replace(rows[1], contacts=12600)
    satisfied = dataclasses.replace(data.summary.satisfied, n=1850, n_eff=1234.4)
    data = dataclasses.replace(
        data,
        method=dataclasses.replace(data.method, channels=tuple(rows)),
        summary=dataclasses.replace(data.summary, satisfied=satisfied),
    )
    dutch = _page_one(data)
    assert "n = 1.850 · n_eff 1.234" in dutch
    english = _page_one(
        dataclasses.replace(data, meta=dataclasses.replace(data.meta, language="en"))
    )
    assert "n = 1,850 · n_eff 1,234" in english
    assert "0,05" in " ".join(pdf.texts.method_text("nl", trim="5", alpha="0,05", example="93%"))


def test_reason_labels_wrap_and_are_never_cut_off(demo_org):
    load_month()
    data = _report()
    data = dataclasses.replace(data, reasons=Reasons(40, False, (ReasonRow("x", LONG, 12, 0.3),)))
    svg = charts.svg("reasons", data)
    root = ET.fromstring(svg.split("?>", 1)[1].split("]>", 1)[-1] if "DOCTYPE" in svg else svg)
    words = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "…" not in words
    assert LONG in " ".join(words.split()[: len(LONG.split())]) or all(
        w in words.split() for w in LONG.split()
    )
    assert len([t for t in root.iter(f"{SVG}text") if t.text and "beloofd" in t.text]) == 1


def test_svg_names_the_embedded_font_and_has_title_and_desc(demo_org):
    load_month()
    data = _report()
    for name in charts.CHARTS:
        svg = charts.svg(name, data)
        assert "font-family: DejaVuSans;" not in svg  # unknown to browsers: serif fallback
        assert "font-family: 'DejaVu Sans', sans-serif" in svg
        assert "@font-face{font-family:'DejaVu Sans'" in svg
        assert "src:url(data:font/ttf;base64," in svg
        title = re.search(r"<title>(.*?)</title>", svg).group(1)
        desc = re.search(r"<desc>(.*?)</desc>", svg, re.S).group(1)
        assert title == pdf.texts.chart_title(name, "nl") and title != "..."
        assert desc and desc != "..."
    desc = re.search(r"<desc>(.*?)</desc>", charts.svg("channels", data), re.S).group(1)
    assert "Balie: 93" in desc and "Brief: te weinig reacties" in desc


def test_trend_is_small_multiples_on_one_scale(demo_org):
    load_month()
    data = _report()
    drawing = charts.trend_chart(data)
    names = [c.text for c in drawing.contents if getattr(c, "fontName", "").endswith("Bold")]
    assert names == [r.name for r in data.trend.rows]  # one small chart per row
    svg = charts.svg("trend", data)
    assert svg.count("<polyline") <= len(data.trend.rows) * 2


def test_channel_chart_labels_stay_inside_the_drawing(demo_org):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from survey.reports import fonts

    load_month()
    data = _report()
    rows = list(data.channels)
    rows[0] = dataclasses.replace(
        rows[0], satisfied=Estimate(12, "indicative", 0.82, 0.52, 0.95, 0.1, 12.0, 0.82)
    )
    drawing = charts.channel_chart(dataclasses.replace(data, channels=tuple(rows)))
    fonts.register()
    labels = [c for c in drawing.contents if getattr(c, "text", "").startswith("82%")]
    assert labels and labels[0].text == "82% (indicatief)"
    for label in labels:
        assert label.x + stringWidth(label.text, label.fontName, label.fontSize) <= drawing.width
