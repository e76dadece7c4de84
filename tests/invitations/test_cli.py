"""`flask kto contacts import` and `flask kto rules`."""

from datetime import time

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Contact, Invitation, InvitationRule
from tests.conftest import count_rows

HEADER = "reference;contact_channel;ended_at;phone;email;topic;handling\n"


@pytest.fixture
def write(tmp_path):
    def make(text: str, encoding="utf-8", name="contacts.csv"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return str(path)

    return make


def run(runner, *args):
    return runner.invoke(args=["kto", *args])


def recent(hours: int = 1) -> str:
    from datetime import datetime, timedelta

    from survey.domain.invitation_rules import AMSTERDAM

    return (datetime.now(AMSTERDAM) - timedelta(hours=hours)).strftime("%d-%m-%Y %H:%M")


def test_import_dutch_excel_csv_in_windows_1252(runner, demo_org, write):
    text = (
        HEADER
        + f"Zaak-1;phone;{recent()};06 1234 5678;;verhuizen;first_line\n"
        + f"Zaak-2;contact_form;{recent()};;José.Müller@Example.nl;afval;\n"
        + "\n"  # an empty line is skipped
        + f"Zaak-3;letter;{recent()};;;;\n"
    )
    path = write(text, encoding="cp1252")
    result = run(runner, "contacts", "import", "--org", "demo", path)
    assert result.exit_code == 0, result.output
    assert "Stored 3 contact(s), 0 already stored; invited 2, not_eligible 1." in result.output
    stored = dict(db.session.execute(select(Contact.reference, Contact.address)).all())
    assert stored == {
        "Zaak-1": "+31612345678",
        "Zaak-2": "josé.müller@example.nl",
        "Zaak-3": None,
    }
    # Day-first local time is Amsterdam time.
    again = run(runner, "contacts", "import", "--org", "demo", path)
    assert "Stored 0 contact(s), 3 already stored" in again.output


def test_import_utf8_with_bom_and_commas(runner, demo_org, write):
    text = "\ufeffreference,contact_channel,ended_at,email\n" + (
        f'"Zaak, met komma",email,{recent()},piet@example.nl\n'
    )
    result = run(runner, "contacts", "import", "--org", "demo", write(text))
    assert result.exit_code == 0, result.output
    assert db.session.execute(select(Contact.reference)).scalar_one() == "Zaak, met komma"


def test_broken_rows_are_reported_by_line_and_nothing_is_stored(runner, demo_org, write):
    text = (
        HEADER
        + f"OK-1;phone;{recent()};0612345678;;;\n"
        + f"BAD-1;fax;{recent()};0612345678;;;\n"
        + "BAD-2;phone;gisteren;0612345678;;;\n"
        + f"BAD-3;phone;{recent()};geen nummer;;;\n"
        + f"BAD-4;phone;{recent()};0612345678;;onbekend;\n"
        + f"BAD-5;phone;{recent()}\n"
        + f"OK-1;phone;{recent(2)};0612345678;;;\n"  # the same reference, other content
    )
    before = count_rows()
    result = run(runner, "contacts", "import", "--org", "demo", write(text))
    assert result.exit_code == 1
    out = result.output
    assert "Nothing was imported: 6 invalid row(s)" in out
    for line, reason in [
        (3, "'contact_channel' must be one of"),
        (4, "'ended_at' must be an ISO 8601 timestamp"),
        (5, "'phone' is not a phone number"),
        (6, "Unknown topic 'onbekend'"),
        (7, "The row does not have as many cells as the header"),
        (8, "A different contact was already stored with this reference"),
    ]:
        assert f"Line {line}: {reason}" in out, out
    assert "Line 2" not in out
    assert count_rows() == before


def test_skip_invalid_stores_the_valid_rows(runner, demo_org, write):
    text = HEADER + f"OK-1;phone;{recent()};0612345678;;;\nBAD-1;fax;{recent()};;;;\n"
    result = run(runner, "contacts", "import", "--org", "demo", "--skip-invalid", write(text))
    assert result.exit_code == 0, result.output
    assert "Line 3: 'contact_channel' must be one of" in result.output
    assert "Stored 1 contact(s)" in result.output and "skipped 1 invalid row(s)" in result.output
    assert db.session.execute(select(Contact.reference)).scalars().all() == ["OK-1"]
    assert db.session.query(Invitation).count() == 1


def test_a_huge_file_is_refused_before_reading(runner, demo_org, tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.write(HEADER.encode())
        handle.truncate(100 * 1024 * 1024)  # 100 MB, sparse
    before = count_rows()
    result = run(runner, "contacts", "import", "--org", "demo", str(path))
    assert result.exit_code == 1
    assert "The file is 104.9 MB; at most 21 MB is imported at once" in result.output
    assert count_rows() == before


@pytest.mark.parametrize(
    "data, message",
    [
        (HEADER.encode("utf-16"), "NUL bytes (UTF-16?)"),
        (b"reference;contact_channel;ended_at\nA;phone;\x81\x8d\n", "neither UTF-8 nor"),
        (b"", "The file is empty"),
        (b"naam;telefoon\nJan;0612345678\n", "unknown column(s) 'naam', 'telefoon'"),
        (b"reference;phone\nA;0612345678\n", "column(s) contact_channel, ended_at missing"),
        (b'reference,contact_channel,ended_at\n"A,phone,2026\n', "Line 2: The row"),
    ],
)
def test_wrong_encodings_and_shapes_are_refused_clearly(runner, demo_org, tmp_path, data, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    before = count_rows()
    result = run(runner, "contacts", "import", "--org", "demo", str(path))
    assert result.exit_code == 1 and message in result.output, result.output
    assert count_rows() == before


def test_rules_show_and_set(runner, demo_org):
    shown = run(runner, "rules", "show", "--org", "demo")
    assert shown.exit_code == 0
    assert (
        "phone: survey telefoon, rate 1, delay 10 min, quiet 21:00-09:00, throttle 30 d, "
        "expiry 7 d, daily cap none, reminder off, active" in shown.output
    )
    assert (
        "email: survey contact" in shown.output and "contact_form: survey contact" in shown.output
    )
    changed = run(
        runner,
        "rules",
        "set",
        "--org",
        "demo",
        "--channel",
        "phone",
        "--rate",
        "0.25",
        "--delay",
        "0",
        "--quiet",
        "22:00-08:30",
        "--daily-cap",
        "500",
        "--reminder-hours",
        "48",
    )
    assert changed.exit_code == 0, changed.output
    rule = db.session.execute(
        select(InvitationRule).where(InvitationRule.contact_channel == "phone")
    ).scalar_one()
    assert (rule.sampling_rate, rule.delay_minutes, rule.daily_cap) == (0.25, 0, 500)
    assert (rule.quiet_start, rule.quiet_end) == (time(22), time(8, 30))
    assert rule.reminder_after_hours == 48 and rule.survey.slug == "telefoon"
    off = run(runner, "rules", "set", "--org", "demo", "--channel", "phone", "--daily-cap", "off")
    assert "daily cap none" in off.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--channel", "letter", "--survey", "contact"], "Nothing is sent after a contact"),
        (["--channel", "fax"], "Unknown contact channel 'fax'"),
        (["--channel", "phone", "--rate", "0"], "above 0 and at most 1"),
        (["--channel", "phone", "--rate", "veel"], "must be a number"),
        (["--channel", "phone", "--quiet", "22:00"], "21:00-09:00"),
        (["--channel", "phone", "--quiet", "25:00-09:00"], "a time like 21:00"),
        (["--channel", "phone", "--survey", "nope"], "No survey 'nope'"),
        (["--channel", "phone", "--expiry-days", "0"], "from 1 to 90"),
    ],
)
def test_bad_rules_are_refused_and_change_nothing(runner, demo_org, args, message):
    before = db.session.execute(select(InvitationRule.__table__)).all()
    result = run(runner, "rules", "set", "--org", "demo", *args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert db.session.execute(select(InvitationRule.__table__)).all() == before


def test_a_new_rule_needs_a_survey(runner, demo_org):
    db.session.execute(InvitationRule.__table__.delete())
    db.session.commit()
    result = run(runner, "rules", "set", "--org", "demo", "--channel", "phone")
    assert result.exit_code == 1 and "A new rule needs a survey" in result.output
    shown = run(runner, "rules", "show", "--org", "demo")
    assert "No invitation rules for 'demo'" in shown.output
