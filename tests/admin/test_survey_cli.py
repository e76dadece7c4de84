"""`flask kto survey export|import`: a round trip, and refused files that change nothing."""

from __future__ import annotations

import json

from survey.database import unit_of_work
from survey.models import Organisation
from survey.services import catalogue, survey_editor
from tests.conftest import count_rows


def _export(runner, org="demo", survey="balie"):
    result = runner.invoke(args=["kto", "survey", "export", "--org", org, "--survey", survey])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_round_trip_to_another_organisation(runner, demo_org, tmp_path):
    with unit_of_work() as session:
        session.add(Organisation(slug="arnhem", name="Gemeente Arnhem"))
    exported = _export(runner)
    assert exported["format"] == "kto-survey/1" and exported["slug"] == "balie"
    path = tmp_path / "balie.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")

    result = runner.invoke(args=["kto", "survey", "import", "--org", "arnhem", str(path)])
    assert result.exit_code == 0, result.output
    assert "version 1" in result.output
    again = _export(runner, org="arnhem")
    assert again["definition"] == exported["definition"]
    assert again["settings"] == exported["settings"] and again["name"] == exported["name"]

    # The same file again: nothing new. A changed file: the next version.
    before = count_rows()
    assert (
        runner.invoke(args=["kto", "survey", "import", "--org", "arnhem", str(path)]).exit_code == 0
    )
    assert count_rows() == before
    arnhem = catalogue.organisation("arnhem")
    survey_editor.save_question(
        arnhem.id, "t", "balie", None, {"key": "extra", "kind": "text", "text": {"nl": "Nog iets?"}}
    )
    exported["definition"]["questions"][0]["text"]["nl"] = "Bent u goed geholpen?"
    path.write_text(json.dumps(exported), encoding="utf-8")
    result = runner.invoke(args=["kto", "survey", "import", "--org", "arnhem", str(path)])
    assert "version 2" in result.output
    assert _export(runner, org="arnhem")["definition"]["questions"][0]["text"]["nl"] == (
        "Bent u goed geholpen?"
    )
    assert survey_editor.survey_of(arnhem.id, "balie").draft is None  # the draft is dropped


def test_bad_files_are_refused_and_change_nothing(runner, demo_org, tmp_path):
    exported = _export(runner)
    later = dict(exported, definition=dict(exported["definition"]))
    questions = list(later["definition"]["questions"])
    questions[0], questions[1] = questions[1], questions[0]  # "reden" before "oordeel"
    later["definition"]["questions"] = questions
    duplicate = json.loads(json.dumps(exported))
    duplicate["definition"]["questions"][2]["options"][1]["code"] = "paspoort_id"
    sms = json.loads(json.dumps(exported))
    sms["settings"]["modes"] = ["sms"]
    sms["definition"]["questions"][0]["text"]["nl"] = "Bent u tevreden? " * 12
    cases = {
        "not-json.json": (b"{nope", "Not a JSON file"),
        "other.json": (json.dumps({"format": "iets"}).encode(), "Not a survey export"),
        "later.json": (json.dumps(later).encode(), "questions[0].show_if: condition_later"),
        "dup.json": (json.dumps(duplicate).encode(), "options[1].code: code_duplicate"),
        "sms.json": (json.dumps(sms).encode(), "questions[0].text.nl: sms_segment"),
        "slug.json": (json.dumps(dict(exported, slug="Niet Goed")).encode(), "lower-case"),
    }
    before = count_rows()
    for name, (body, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(body)
        result = runner.invoke(args=["kto", "survey", "import", "--org", "demo", str(path)])
        assert result.exit_code == 1, (name, result.output)
        assert expected in result.output, (name, result.output)
        assert "Traceback" not in result.output
    result = runner.invoke(
        args=["kto", "survey", "import", "--org", "nergens", str(tmp_path / "dup.json")]
    )
    assert result.exit_code == 1 and "Unknown organisation" in result.output
    assert count_rows() == before
