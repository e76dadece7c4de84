"""Targets on the dashboard after targets got a measure and a start month: the dashboard
judges satisfied-share targets of its period (an NPS target is the monthly report's, never
read as a share), and a target starting after the period is left out; the monthly report and
its words show an NPS target in points."""

from __future__ import annotations

from survey.extensions import db
from survey.models import Organisation
from survey.reports import story
from survey.reports.builder import build
from survey.reports.inputs import collect
from survey.reports.period import parse_month
from survey.services.targets import create_target
from tests.admin.test_dashboard import _login, _text, staff  # noqa: F401 (fixture)


def test_dashboard_targets_by_measure_and_start_month(client, staff):  # noqa: F811
    org = db.session.query(Organisation).filter_by(slug="demo").one()
    create_target(org.id, None, "satisfied", "counter", None, 50, None, "Balie half", "Half")
    create_target(org.id, None, "nps", None, None, 0, None, "NPS niet negatief", "NPS")
    create_target(org.id, None, "satisfied", None, None, 95, "2026-12", "Vanaf december", "Dec")
    _login(client, "viewer@example.nl")

    october = _text(client.get("/staff/demo/dashboard?period=month&at=2026-10").get_data(True))
    assert "Balie half:" in october
    assert "NPS niet negatief" not in october  # the dashboard has no NPS to judge it on
    assert "Vanaf december" not in october  # starts after October

    report = build(collect(org, parse_month("2026-10"), "nl"))
    judged = {t.label: t for t in report.summary.targets}
    assert {"Balie half", "NPS niet negatief"} <= set(judged)  # with the demo's own targets
    assert "Vanaf december" not in judged
    nps = judged["NPS niet negatief"]
    assert nps.is_nps and nps.share == 0
    assert all(t.target is None or not t.target.is_nps for t in report.channels)
    line = next(s for s in story.targets(report) if s.startswith("NPS niet negatief"))
    assert "%" not in line.split(",")[0], line  # points, not a percentage

    december = _text(client.get("/staff/demo/dashboard?period=month&at=2026-12").get_data(True))
    assert "Vanaf december:" in december
