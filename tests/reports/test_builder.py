"""Report numbers against independently computed weighted estimates."""

from __future__ import annotations

import io

import numpy as np
import pdfplumber
import pytest

from survey.extensions import db
from survey.models import Organisation
from survey.reports import charts, pdf
from survey.reports.builder import build
from survey.reports.data import Suppressed
from survey.reports.inputs import collect
from survey.reports.period import parse_month
from survey.stats import compare_proportions, proportion_estimate, round_percent
from tests.reports.data import VOLUMES, load_month


def _report(language="nl"):
    org = db.session.query(Organisation).filter_by(slug="demo").one()
    return build(collect(org, parse_month("2026-10"), language))


def _weights(truth, channels):
    """Design weight 1/p post-stratified to each channel's volume, computed by hand."""
    ws, ys = [], []
    for channel in channels:
        rows = truth[channel]
        design_total = sum(1 / p for p, _ in rows)
        for p, y in rows:
            ws.append(VOLUMES[channel] / design_total / p)
            ys.append(y)
    return np.array(ws), np.array(ys)


def _text(pdf_bytes: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages)


def test_overall_and_channel_figures_equal_independent_estimates(demo_org):
    truth = load_month()
    data = _report()
    # Letter has only 5 responses: it is in the weighting but suppressed in the tables.
    truth["letter"] = [(1.0, 0.0)] * 5
    w, y = _weights(truth, ["counter", "phone", "letter"])
    expected = proportion_estimate(y, w)
    overall = data.summary.satisfied
    assert overall.estimate == pytest.approx(float(np.sum(w * y) / np.sum(w)), rel=1e-9)
    assert overall.estimate == pytest.approx(expected.estimate, rel=1e-9)
    assert overall.low == pytest.approx(expected.low, rel=1e-9)
    assert overall.high == pytest.approx(expected.high, rel=1e-9)
    assert overall.n == 85
    assert overall.n_eff == pytest.approx(np.sum(w) ** 2 / np.sum(w * w), rel=1e-9)
    assert data.meta.weighted is True

    rows = {r.channel: r for r in data.channels}
    # Phone: 14 of 20 at p=0.5 (weight 2) and 10 of 20 at p=1: (28 + 10) / (40 + 20).
    assert rows["phone"].satisfied.estimate == pytest.approx(38 / 60)
    assert rows["phone"].satisfied.unweighted == pytest.approx(24 / 40)
    assert rows["counter"].satisfied.estimate == pytest.approx(37 / 40)
    assert rows["letter"].satisfied == Suppressed(n=5)
    assert not hasattr(rows["letter"].satisfied, "estimate")
    assert rows["phone"].grade.estimate == pytest.approx((38 * 8 + 22 * 4) / 60)

    # Change against September for the counter: 37/40 against 30/40.
    cw = np.ones(40)
    sept = proportion_estimate(np.r_[np.ones(30), np.zeros(10)], cw)
    octo = proportion_estimate(np.r_[np.ones(37), np.zeros(3)], cw)
    delta = compare_proportions(octo, sept)
    assert rows["counter"].change_previous.difference == pytest.approx(delta.difference)
    assert rows["counter"].change_previous.p == pytest.approx(delta.p)
    assert rows["counter"].change_previous.significant is (delta.p < 0.05)

    text = _text(pdf.render(data))
    assert f"{round_percent(expected.estimate)}%" in text
    assert f"{round_percent(expected.low)}–{round_percent(expected.high)}%" in text
    assert "93%" in text  # counter 37/40 rounds half-up to 93, not 92
    assert "Gemeente Voorbeeld" in text and "oktober 2026" in text


def test_targets_report_met_and_not_met(demo_org):
    from survey.models import ReportTarget

    org = db.session.query(Organisation).filter_by(slug="demo").one()
    db.session.add_all(
        [
            ReportTarget(
                organisation_id=org.id,
                share=0.60,
                label_nl="60% tevreden",
                label_en="60% satisfied",
            ),
            ReportTarget(
                organisation_id=org.id,
                question_key="in_een_keer",
                share=0.80,
                label_nl="80% in één keer",
                label_en="80% in one go",
            ),
        ]
    )
    db.session.commit()
    load_month()
    targets = {t.label: t for t in _report().summary.targets}
    assert targets["60% tevreden"].status == "met"
    # in_een_keer is asked by phone only: 'yes' weighted share is 38/60 < 80%.
    assert targets["80% in één keer"].result.estimate == pytest.approx(38 / 60)
    assert targets["80% in één keer"].status == "not_met"


def test_suppressed_cells_show_no_number_anywhere(demo_org):
    load_month()
    data = _report()
    text = _text(pdf.render(data))
    assert "te weinig reacties" in text
    # The letter's comments are from a suppressed cell; the phone comment is scrubbed.
    assert "Geheime brief" not in text
    assert "06-12345678" not in text and "jansen" not in text
    assert "[telefoonnummer]" in text
    letter_line = next(line for line in text.splitlines() if line.startswith("Brief"))
    assert "%" not in letter_line
    svg = charts.svg("channels", data)
    assert "te weinig reacties" in svg
    for row in data.trend.rows:
        if row.channel == "letter":
            assert all(p is None or isinstance(p, Suppressed) for p in row.points)


def test_without_volumes_the_report_says_unweighted(demo_org):
    load_month(with_volumes=False)
    data = _report()
    assert data.meta.weighted is False
    text = _text(pdf.render(data))
    assert text.count("ONGEWOGEN") >= 3  # summary, channel page and method
    # Design weights only: phone keeps its 1/p, counter 1.
    w = np.r_[np.ones(40), np.full(20, 2.0), np.ones(20), np.ones(5)]
    y = np.r_[
        np.ones(37), np.zeros(3), np.ones(14), np.zeros(6), np.ones(10), np.zeros(10), np.zeros(5)
    ]
    assert data.summary.satisfied.estimate == pytest.approx(np.sum(w * y) / np.sum(w))


def test_english_report(demo_org):
    load_month()
    text = _text(pdf.render(_report("en")))
    assert "Customer satisfaction per channel" in text and "October 2026" in text
    assert "too few responses" in text


def test_months_hours_and_weekdays_are_amsterdam_time(demo_org):
    from datetime import UTC, datetime

    from survey.services.responses import record_many
    from tests.reports.data import COUNTER, payload

    moments = [
        datetime(2026, 9, 30, 22, 30, tzinfo=UTC),  # Thu 1 Oct 00:30 CEST: October
        datetime(2026, 10, 1, 10, 0, tzinfo=UTC),  # Thu 12:00 CEST
        datetime(2026, 10, 30, 10, 0, tzinfo=UTC),  # Fri 11:00 CET (after 25 October)
        datetime(2026, 10, 31, 23, 30, tzinfo=UTC),  # Sun 1 Nov 00:30 CET: November
        datetime(2026, 9, 30, 21, 30, tzinfo=UTC),  # Wed 30 Sep 23:30 CEST: September
    ]
    record_many([payload(*COUNTER, {"oordeel": "up"}, m) for m in moments])
    data = _report()
    volume = data.heatmap.volume
    assert data.summary.responses == 3
    assert volume[3][0] == 1 and volume[3][12] == 1 and volume[4][11] == 1
    assert sum(map(sum, volume)) == 3
