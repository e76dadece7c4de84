"""Contact volumes and staff users from the command line; bad input changes nothing."""

from __future__ import annotations

from datetime import date

from survey.extensions import db
from survey.models import ContactVolume, Membership, User
from survey.services.volumes import volumes_for
from tests.conftest import count_rows


def test_volumes_set_and_replace(runner, demo_org):
    args = ["kto", "volumes", "set", "--org", "demo", "--month", "2026-10", "--channel", "phone"]
    assert runner.invoke(args=args + ["--count", "9000"]).exit_code == 0
    assert runner.invoke(args=args + ["--count", "9100"]).exit_code == 0
    org_id = db.session.query(ContactVolume.organisation_id).scalar()
    assert volumes_for(org_id, date(2026, 10, 1)) == {"phone": 9100}


def test_volumes_bad_input_changes_nothing(runner, demo_org):
    before = count_rows()
    for month, channel, count in [
        ("2026-13", "phone", "1"),
        ("2026-10", "fax", "1"),
        ("2026-10", "phone", "-5"),
        ("2026-10", "phone", "veel"),
    ]:
        result = runner.invoke(
            args=[
                "kto",
                "volumes",
                "set",
                "--org",
                "demo",
                "--month",
                month,
                "--channel",
                channel,
                "--count",
                count,
            ]
        )
        assert result.exit_code != 0 and "Error" in result.output
    assert count_rows() == before


def test_volumes_csv_import_is_all_or_nothing(runner, demo_org, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("month,contact_channel,count\n2026-10,counter,6000\n2026-10,website,60000\n")
    result = runner.invoke(args=["kto", "volumes", "import", "--org", "demo", str(good)])
    assert result.exit_code == 0 and "Stored 2" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("month,contact_channel,count\n2026-11,counter,6000\n2026-11,fax,1\n")
    before = count_rows()
    result = runner.invoke(args=["kto", "volumes", "import", "--org", "demo", str(bad)])
    assert result.exit_code != 0 and "Line 3" in result.output
    assert count_rows() == before


def test_user_add_hashes_password_with_argon2(runner, demo_org):
    result = runner.invoke(
        args=[
            "kto",
            "user",
            "add",
            "--org",
            "demo",
            "--email",
            "Chef@Example.nl",
            "--receives-reports",
            "--password",
            "a long password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.query(User).one()
    membership = db.session.query(Membership).filter_by(user_id=user.id).one()
    assert user.email == "chef@example.nl" and membership.receives_reports
    assert (
        user.password_hash.startswith("$argon2id$") and "a long password" not in user.password_hash
    )
    again = runner.invoke(
        args=[
            "kto",
            "user",
            "add",
            "--org",
            "demo",
            "--email",
            "chef@example.nl",
            "--password",
            "a long password",
        ]
    )
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(
        args=[
            "kto",
            "user",
            "add",
            "--org",
            "demo",
            "--email",
            "x@example.nl",
            "--password",
            "kort",
        ]
    )
    assert short.exit_code != 0 and "10 characters" in short.output


def test_demo_loads_contact_volumes_and_targets(runner, app):
    from survey.demo.loader import load_demo_structure, load_demo_volumes
    from survey.models import ReportTarget

    load_demo_structure()
    load_demo_volumes(date(2026, 11, 15))
    months = {m for (m,) in db.session.query(ContactVolume.month).distinct()}
    assert len(months) == 14
    website = db.session.query(ContactVolume).filter_by(contact_channel="website").first()
    assert 50000 < website.count < 70000
    assert db.session.query(ReportTarget).count() == 2


def test_report_build_command(runner, demo_org):
    from tests.reports.data import load_month

    load_month()
    result = runner.invoke(args=["kto", "report", "build", "--org", "demo", "--month", "2026-10"])
    assert result.exit_code == 0, result.output
    assert "Built report demo 2026-10" in result.output
    assert "Not e-mailed" in result.output or "0 subscriber" in result.output
    bad = runner.invoke(args=["kto", "report", "build", "--org", "demo", "--month", "10-2026"])
    assert bad.exit_code != 0 and "Month must look like" in bad.output
