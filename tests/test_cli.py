"""`flask kto` commands."""

from datetime import date

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Organisation, Report, Response, Survey
from survey.services.apikeys import organisation_for_key


def test_demo_loads_surveys_and_fourteen_months(runner, app):
    result = runner.invoke(args=["kto", "demo", "--scale", "0.1", "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert "Gemeente Voorbeeld" in result.output
    slugs = set(db.session.scalars(select(Survey.slug)))
    assert slugs == {"balie", "website", "telefoon", "contact", "whatsapp"}
    months = {
        (m.year, m.month) for m in db.session.scalars(select(Response.submitted_at))
    }
    assert len(months) == 14
    channels = set(db.session.scalars(select(Response.contact_channel).distinct()))
    assert channels == {"counter", "website", "phone", "email", "contact_form", "letter",
                        "whatsapp", "social"}
    newest = db.session.scalar(select(func.max(Response.submitted_at)))
    assert newest.date() <= date(2026, 11, 23)
    assert db.session.scalar(
        select(func.count()).where(Response.page_path.like("%?%"))
    ) == 0
    # The demo comes with the reports of its months before today (13 of its 14).
    reports = sorted(f"{m:%Y-%m}" for m in db.session.scalars(select(Report.month)))
    assert reports == [f"{2025 + (9 + i) // 12}-{(9 + i) % 12 + 1:02d}" for i in range(13)]


def test_demo_if_empty_does_not_load_twice(runner, app):
    runner.invoke(args=["kto", "demo", "--scale", "0.01"])
    count = db.session.scalar(select(func.count(Response.id)))
    again = runner.invoke(args=["kto", "demo", "--if-empty"])
    assert again.exit_code == 0 and "already" in again.output
    assert db.session.scalar(select(func.count(Response.id))) == count
    refused = runner.invoke(args=["kto", "demo"])
    assert refused.exit_code != 0


def test_apikey_create_prints_a_working_key_stored_hashed(runner, demo_org):
    result = runner.invoke(args=["kto", "apikey", "create", "--org", "demo"])
    assert result.exit_code == 0
    key = result.output.strip()
    assert key.startswith("kto_") and len(key) > 40
    assert organisation_for_key(key).slug == "demo"
    stored = db.session.execute(select(text_column())).scalars().all()
    assert key not in stored


def text_column():
    from survey.models import ApiKey

    return ApiKey.key_hash


def test_apikey_for_unknown_org_fails(runner, app):
    result = runner.invoke(args=["kto", "apikey", "create", "--org", "nope"])
    assert result.exit_code != 0 and "nope" in result.output
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


def _refused(result, message: str) -> None:
    """A clean refusal: exit code 1, one 'Error:' line with the message, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [f"Error: {message}"]
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_report_build_refusals_are_clean_messages(runner, app, demo_org):
    build = ["kto", "report", "build", "--no-send"]
    _refused(
        runner.invoke(args=[*build, "--org", "nope", "--month", "2026-10"]),
        "Unknown organisation 'nope'.",
    )
    _refused(
        runner.invoke(args=[*build, "--org", "demo", "--month", "2026-13"]),
        "Month must look like 2026-10, got '2026-13'.",
    )
    assert db.session.scalar(select(func.count(Report.id))) == 0


def test_report_build_that_cannot_run_is_a_clean_message(runner, app, demo_org, monkeypatch):
    from survey.services import reports

    def broken(data):
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(reports.pdf, "render", broken)
    result = runner.invoke(
        args=["kto", "report", "build", "--no-send", "--org", "demo", "--month", "2026-10"]
    )
    _refused(result, "Building the report failed: renderer broke")


def test_a_service_error_no_command_catches_is_a_clean_message(runner, app, monkeypatch):
    from survey.errors import Conflict
    from survey.services import kiosks

    def refuse(*args, **kwargs):
        raise Conflict("busy", "The device list is being changed.")

    monkeypatch.setattr(kiosks, "list_devices", refuse)
    _refused(runner.invoke(args=["kto", "kiosk", "list"]), "The device list is being changed.")
