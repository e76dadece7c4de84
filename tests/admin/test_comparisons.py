"""Comparison groups: who sees what (member, invited without consent, not invited, left),
suppression across organisations, and figures that match each organisation's own report."""

from __future__ import annotations

from datetime import date

import pytest

from survey.errors import Conflict, NotFound
from survey.extensions import db
from survey.models import AuditEntry, ComparisonMember, Organisation
from survey.reports import comparison, dashboard_cells
from survey.reports.data import Estimate, Suppressed
from survey.reports.periods import Period
from survey.services import comparisons
from survey.services.reports import report_data
from survey.services.users import add_user
from tests.admin.comparison_data import PASSWORD, three_organisations
from tests.admin.fixtures import fresh, login
from tests.conftest import count_rows

OCTOBER = Period("month", date(2026, 10, 1), date(2026, 10, 1))
TODAY = date(2026, 12, 5)


@pytest.fixture
def group(app, demo_org):
    dashboard_cells.clear()
    group_id = three_organisations()
    for code in ("demo", "tweede", "derde"):
        add_user(f"viewer@{code}.nl", PASSWORD, code, role="viewer")
        add_user(f"admin@{code}.nl", PASSWORD, code, role="admin")
    yield group_id
    dashboard_cells.clear()


def _org(code: str) -> Organisation:
    return db.session.query(Organisation).filter_by(slug=code).one()


def _page(client, email, code, group_id, query="?period=month&at=2026-10"):
    login(client, email)
    return fresh(client).get(f"/staff/{code}/comparisons/{group_id}{query}")


def test_member_sees_every_taking_part_organisation_and_never_others(client, group):
    response = _page(client, "viewer@demo.nl", "demo", group)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Gemeente Voorbeeld" in page and "Gemeente Tweede" in page
    assert "Gemeente Derde" not in page  # invited, never agreed
    # Tweede's phone: 8 responses, below the threshold: no number, no comment.
    assert "te weinig reacties" in page
    for secret in ("Geheim van Tweede", "06-87654321", "Bel mij", "Geheime brief"):
        assert secret not in page
    chart = fresh(client).get(f"/staff/demo/comparisons/{group}/chart/counter.svg"
                              "?period=month&at=2026-10")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    svg = chart.get_data(as_text=True)
    assert "Gemeente Tweede" in svg and "Gemeente Derde" not in svg and "<title>" in svg
    phone = fresh(client).get(f"/staff/demo/comparisons/{group}/chart/phone.svg"
                              "?period=month&at=2026-10").get_data(as_text=True)
    assert "te weinig reacties" in phone


@pytest.mark.parametrize("email, code", [("viewer@derde.nl", "derde"),
                                         ("admin@derde.nl", "derde")])
def test_invited_without_consent_sees_nothing(client, group, email, code):
    assert _page(client, email, code, group).status_code == 404
    assert fresh(client).get(f"/staff/{code}/comparisons/{group}/chart/all.svg").status_code == 404
    listing = fresh(client).get(f"/staff/{code}/comparisons").get_data(as_text=True)
    assert "Regio Voorbeeld" in listing and f"/comparisons/{group}\"" not in listing


def test_not_invited_and_other_organisations_code_are_404(client, group, staff):
    assert _page(client, "admin@beta.nl", "beta", group).status_code == 404
    # A member of demo cannot reach the page under another organisation's code either.
    assert _page(client, "viewer@demo.nl", "tweede", group).status_code == 404


def test_leaving_hides_the_organisation_from_the_group_at_once(client, group):
    login(client, "admin@demo.nl")
    before = db.session.query(AuditEntry).filter_by(action="comparison.leave").count()
    left = fresh(client).post(f"/staff/demo/comparisons/{group}/leave")
    assert left.status_code == 303
    assert db.session.query(AuditEntry).filter_by(action="comparison.leave").count() == before + 1
    assert _page(client, "viewer@demo.nl", "demo", group).status_code == 404
    page = _page(client, "viewer@tweede.nl", "tweede", group).get_data(as_text=True)
    assert "Gemeente Tweede" in page and "Gemeente Voorbeeld" not in page


def test_only_an_administrator_consents(client, group):
    derde = _org("derde")
    login(client, "viewer@derde.nl")
    assert fresh(client).post(f"/staff/derde/comparisons/{group}/join").status_code == 403
    member = db.session.query(ComparisonMember).filter_by(organisation_id=derde.id).one()
    assert member.joined_at is None
    login(client, "admin@derde.nl")
    assert fresh(client).post(f"/staff/derde/comparisons/{group}/join").status_code == 303
    db.session.expire_all()
    member = db.session.query(ComparisonMember).filter_by(organisation_id=derde.id).one()
    assert member.joined_at is not None and member.consented_by == "admin@derde.nl"
    assert "Gemeente Derde" in _page(client, "viewer@demo.nl", "demo", group).get_data(
        as_text=True)


def test_joining_a_group_one_was_not_invited_to_is_404(client, group, staff):
    login(client, "admin@beta.nl")
    before = count_rows()
    assert fresh(client).post(f"/staff/beta/comparisons/{group}/join").status_code == 404
    assert count_rows() == before


def test_figures_match_each_organisations_report_and_a_recomputation(app, group):
    members = [comparison.Member(o.id, o.slug, o.name) for o in map(_org, ("demo", "tweede"))]
    found = comparison.compare(members, OCTOBER, TODAY)
    for member in members:
        report = report_data(_org(member.slug), date(2026, 10, 1))
        pairs = [("all", report.summary.satisfied, report.summary.nps)] + [
            (c.channel, c.satisfied, c.nps) for c in report.channels if c.responses
        ]
        for channel, satisfied, nps in pairs:
            cell = found.cell(member, channel)
            assert type(cell.satisfied) is type(satisfied), (member.slug, channel)
            if isinstance(satisfied, Estimate):
                for key in ("estimate", "low", "high", "n"):
                    assert getattr(cell.satisfied, key) == pytest.approx(getattr(satisfied, key))
            if isinstance(nps, Estimate):
                for key in ("estimate", "low", "high", "n"):
                    assert getattr(cell.nps, key) == pytest.approx(getattr(nps, key))
    demo, tweede = members
    # By hand: one inclusion probability per channel, so a channel's share is its count.
    assert found.cell(demo, "counter").satisfied.estimate == pytest.approx(37 / 40)
    assert found.cell(tweede, "counter").satisfied.estimate == pytest.approx(15 / 20)
    assert found.cell(tweede, "whatsapp").satisfied.estimate == pytest.approx(6 / 12)
    assert found.cell(tweede, "whatsapp").nps.estimate == pytest.approx(-25.0)
    assert found.cell(demo, "whatsapp").nps.estimate == pytest.approx(25.0)
    # All channels of tweede, weighted to its contacts: counter 500, phone 100, whatsapp 100.
    expected = (500 * 15 / 20 + 100 * 8 / 8 + 100 * 6 / 12) / 700
    assert found.cell(tweede, "all").satisfied.estimate == pytest.approx(expected)
    assert isinstance(found.cell(tweede, "phone").satisfied, Suppressed)
    assert found.cell(tweede, "counter").nps is None  # not asked there
    assert "phone" in found.channels and "letter" in found.channels


def test_quarter_pools_the_months(app, group):
    members = [comparison.Member(o.id, o.slug, o.name) for o in map(_org, ("tweede",))]
    quarter = Period("quarter", date(2026, 10, 1), date(2026, 12, 1))
    found = comparison.compare(members, quarter, TODAY)
    assert found.cell(members[0], "counter").satisfied.n == 20


def test_cli_makes_invites_lists_and_refuses_duplicates(runner, app, group):
    result = runner.invoke(args=["kto", "groups", "create", "--code", "bench", "--name",
                                 "Benchmark"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["kto", "groups", "invite", "--group", "bench", "--org", "demo"])
    assert result.exit_code == 0, result.output
    before = count_rows()
    again = runner.invoke(args=["kto", "groups", "invite", "--group", "bench", "--org", "demo"])
    assert again.exit_code == 1 and "already invited" in again.output
    unknown = runner.invoke(args=["kto", "groups", "invite", "--group", "nope", "--org", "demo"])
    assert unknown.exit_code == 1 and "Unknown comparison group" in unknown.output
    assert count_rows() == before
    listing = runner.invoke(args=["kto", "groups", "list"]).output
    assert "bench\tBenchmark" in listing and "invited, not agreed" in listing
    assert "taking part since" in listing
    removed = runner.invoke(args=["kto", "groups", "remove", "--group", "bench", "--org", "demo"])
    assert removed.exit_code == 0
    with pytest.raises(Conflict):
        comparisons.create_group("bench", "Again")
    with pytest.raises(NotFound):
        comparisons.visible_group(_org("derde").id, group)


def test_a_bad_period_is_a_clear_error_for_members_only(client, group):
    bad = _page(client, "viewer@demo.nl", "demo", group, "?period=quarter&at=2026-Q9")
    assert bad.status_code == 422
    assert _page(client, "viewer@derde.nl", "derde", group,
                 "?period=quarter&at=2026-Q9").status_code == 404


def test_an_unknown_channel_chart_is_404(client, group):
    login(client, "viewer@demo.nl")
    assert fresh(client).get(f"/staff/demo/comparisons/{group}/chart/social.svg"
                             "?period=month&at=2026-10").status_code == 404


def test_operator_makes_a_group_and_invites_on_the_staff_page(client, group, staff):
    login(client, staff.users["operator"].email)
    page = fresh(client).get("/staff/operator/groups")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Regio Voorbeeld" in text and "nog niet ingestemd" in text  # derde
    made = fresh(client).post("/staff/operator/groups", data={"code": "bench", "name": "Bench"})
    assert made.status_code == 303
    before = count_rows()
    again = fresh(client).post("/staff/operator/groups", data={"code": "bench", "name": "B"})
    assert again.status_code == 409
    assert "Deze code is al in gebruik." in again.get_data(as_text=True)
    bad = fresh(client).post("/staff/operator/groups", data={"code": "Niet Goed!", "name": "B"})
    assert bad.status_code == 422
    assert count_rows() == before
    invited = fresh(client).post("/staff/operator/groups/invite",
                                 data={"group": "bench", "organisation": "alpha"})
    assert invited.status_code == 303
    twice = fresh(client).post("/staff/operator/groups/invite",
                               data={"group": "bench", "organisation": "alpha"})
    assert twice.status_code == 409
    assert "al uitgenodigd" in twice.get_data(as_text=True)
    member = db.session.query(ComparisonMember).filter_by(organisation_id=staff.alpha.id).one()
    assert member.joined_at is None  # invited only: alpha's administrator decides
    removed = fresh(client).post("/staff/operator/groups/remove",
                                 data={"group": "bench", "organisation": "alpha"})
    assert removed.status_code == 303
    assert db.session.query(ComparisonMember).filter_by(organisation_id=staff.alpha.id).count() == 0
    login(client, "admin@demo.nl")
    assert fresh(client).get("/staff/operator/groups").status_code == 403
