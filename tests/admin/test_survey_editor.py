"""The survey editor's service: drafts, checks at the field, publish, audit, organisations."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.domain.templates import TEMPLATES
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import AuditEntry, Organisation, Response, Survey
from survey.services import catalogue
from survey.services import survey_editor as editor
from tests.conftest import count_rows, make_payload


def org(slug="demo") -> Organisation:
    return db.session.execute(select(Organisation).where(Organisation.slug == slug)).scalar_one()


@pytest.fixture
def two_orgs(demo_org):
    from survey.database import unit_of_work

    with unit_of_work() as session:
        session.add(Organisation(slug="andere", name="Andere gemeente"))
    return org("demo"), org("andere")


def audit_actions(organisation_id):
    return list(
        db.session.execute(
            select(AuditEntry.action)
            .where(AuditEntry.organisation_id == organisation_id)
            .order_by(AuditEntry.id)
        ).scalars()
    )


def test_create_from_each_template_publishes_version_one(two_orgs):
    demo, _other = two_orgs
    for n, key in enumerate(TEMPLATES):
        survey = editor.create_from_template(demo, "tester", f"s{n}", f"Survey {n}", key)
        assert survey.current_version.number == 1
        assert survey.current_version.definition == TEMPLATES[key].definition
        assert survey.draft is None
    assert audit_actions(demo.id).count("survey.create") == len(TEMPLATES)
    # A kiosk or widget finds the new survey at once in this process.
    ref = catalogue.find_survey_version("demo", "s0", None)
    assert ref.version_number == 1


def test_bad_create_changes_nothing(two_orgs):
    demo, _other = two_orgs
    before = count_rows()
    with pytest.raises(Conflict) as taken:
        editor.create_from_template(demo, "tester", "balie", "Balie 2", "nps")
    assert taken.value.field == "slug"
    for slug, name, template, field in [
        ("Balie!", "x", "nps", "slug"),
        ("a" * 41, "x", "nps", "slug"),
        ("nieuw", "", "nps", "name"),
        ("nieuw", "x" * 201, "nps", "name"),
        ("nieuw", "x", "bestaat_niet", "template"),
    ]:
        with pytest.raises(Invalid) as refused:
            editor.create_from_template(demo, "tester", slug, name, template)
        assert refused.value.field == field
    assert count_rows() == before


def test_another_organisations_survey_is_not_found(two_orgs):
    _demo, other = two_orgs
    before = count_rows()
    with pytest.raises(NotFound):
        editor.survey_of(other.id, "balie")
    with pytest.raises(NotFound):
        editor.save_question(
            other.id, "x", "balie", None, {"key": "a", "kind": "thumbs", "text": {"nl": "A"}}
        )
    with pytest.raises(NotFound):
        editor.publish(other.id, "x", "balie")
    with pytest.raises(NotFound):
        editor.export_survey(other.id, "balie")
    assert count_rows() == before


def test_edits_go_to_the_draft_until_published(two_orgs):
    demo, _other = two_orgs
    versions = editor.version_count(demo.id, "balie")
    question = {"key": "snel", "kind": "thumbs", "text": {"nl": "Was het snel?", "en": "Quick?"}}
    editor.save_question(demo.id, "tester", "balie", None, question)
    survey = editor.survey_of(demo.id, "balie")
    assert survey.draft["questions"][-1] == question
    assert editor.version_count(demo.id, "balie") == versions
    editor.move_question(demo.id, "tester", "balie", "snel", -1)
    assert [q["key"] for q in editor.survey_of(demo.id, "balie").draft["questions"]][-2:] == [
        "snel",
        "onderwerp",
    ]
    version = editor.publish(demo.id, "tester", "balie")
    assert version.number == versions + 1
    survey = editor.survey_of(demo.id, "balie")
    assert survey.draft is None and survey.current_version.definition["questions"][-2]["key"] == (
        "snel"
    )
    # Publishing again without changes makes no version.
    assert editor.publish(demo.id, "tester", "balie") is None
    assert editor.version_count(demo.id, "balie") == versions + 1
    assert audit_actions(demo.id)[-3:] == [
        "survey.question.save",
        "survey.question.move",
        "survey.publish",
    ]


def test_answers_keep_their_version(client, demo_org, import_headers):
    demo = org()
    first = client.post(
        "/api/v1/responses", json=make_payload(survey_mode="kiosk"), headers=import_headers
    )
    assert first.status_code == 201, first.get_json()
    v1 = db.session.execute(select(Response.survey_version_id)).scalar_one()
    editor.save_question(
        demo.id,
        "tester",
        "balie",
        None,
        {"key": "extra", "kind": "text", "text": {"nl": "Nog iets?"}},
    )
    editor.publish(demo.id, "tester", "balie")
    second = client.post(
        "/api/v1/responses", json=make_payload(survey_mode="kiosk"), headers=import_headers
    )
    assert second.status_code == 201
    ids = list(
        db.session.execute(select(Response.survey_version_id).order_by(Response.id)).scalars()
    )
    assert ids[0] == v1 and ids[1] != v1


@pytest.mark.parametrize(
    "change, code, field",
    [
        # A condition on a later question: "reden" depends on "oordeel", moved below it.
        (
            lambda d: editor.move_question(d.id, "t", "balie", "oordeel", 1),
            "condition_later",
            "questions[0].show_if",
        ),
        (
            lambda d: editor.save_question(
                d.id,
                "t",
                "balie",
                "onderwerp",
                {
                    "key": "onderwerp",
                    "kind": "choice",
                    "text": {"nl": "Waarover?"},
                    "options": [
                        {"code": "a", "text": {"nl": "A"}},
                        {"code": "a", "text": {"nl": "B"}},
                    ],
                },
            ),
            "code_duplicate",
            "questions[2].options[1].code",
        ),
        (
            lambda d: editor.save_question(
                d.id,
                "t",
                "balie",
                None,
                {"key": "oordeel", "kind": "thumbs", "text": {"nl": "Nog eens?"}},
            ),
            "key_duplicate",
            "questions[3].key",
        ),
        (
            lambda d: editor.remove_question(d.id, "t", "balie", "oordeel"),
            "condition_unknown",
            "questions[0].show_if",
        ),
        (
            lambda d: editor.save_overview(
                d.id, "t", "balie", "Balie", {"nl": "Titel"}, "onderwerp", {"values": ["nee"]}, []
            ),
            "satisfied_values",
            "satisfied",
        ),
    ],
)
def test_invalid_edits_change_nothing(demo_org, change, code, field):
    demo = org()
    before = count_rows()
    draft = editor.survey_of(demo.id, "balie").draft
    with pytest.raises(editor.DefinitionProblems) as refused:
        change(demo)
    assert (code, field) in [(p.code, p.field) for p in refused.value.problems]
    db.session.expire_all()
    assert count_rows() == before
    assert editor.survey_of(demo.id, "balie").draft == draft


def test_channel_limits_follow_the_modes(demo_org):
    demo = org()
    long_text = {"key": "lang", "kind": "thumbs", "text": {"nl": "Was alles in orde? " * 9}}
    editor.save_question(demo.id, "t", "balie", None, long_text)  # no SMS: fine
    before = count_rows()
    with pytest.raises(editor.DefinitionProblems) as refused:
        editor.save_overview(
            demo.id,
            "t",
            "balie",
            "Balie",
            {"nl": "Hoe was uw bezoek?"},
            "oordeel",
            {"values": ["up"]},
            ["kiosk", "sms"],
        )
    assert [(p.code, p.field) for p in refused.value.problems] == [
        ("sms_segment", "questions[3].text.nl")
    ]
    assert count_rows() == before
    with pytest.raises(Invalid):
        editor.save_overview(demo.id, "t", "balie", "Balie", {}, "oordeel", None, ["fax"])
    # WhatsApp: "Paspoort of identiteitskaart" is longer than a list row's 24 characters.
    with pytest.raises(editor.DefinitionProblems) as refused:
        editor.save_overview(demo.id, "t", "balie", "Balie", {}, "oordeel", None, ["whatsapp"])
    assert [(p.code, p.field) for p in refused.value.problems] == [
        ("whatsapp_row", "questions[2].options[0].text.nl")
    ]
    editor.save_overview(demo.id, "t", "balie", "Balie", {}, "oordeel", None, ["email"])
    assert editor.modes_of(editor.survey_of(demo.id, "balie")) == ["email"]


def test_renaming_a_key_keeps_conditions_and_headline(demo_org):
    demo = org()
    editor.save_question(
        demo.id,
        "t",
        "balie",
        "oordeel",
        {"key": "tevreden", "kind": "thumbs", "required": True, "text": {"nl": "Tevreden?"}},
    )
    draft = editor.survey_of(demo.id, "balie").draft
    assert draft["headline"] == "tevreden"
    assert draft["questions"][1]["show_if"]["question"] == "tevreden"


def test_discard_draft(demo_org):
    demo = org()
    editor.save_question(
        demo.id, "t", "balie", None, {"key": "x", "kind": "text", "text": {"nl": "X"}}
    )
    editor.discard_draft(demo.id, "t", "balie")
    survey = editor.survey_of(demo.id, "balie")
    assert survey.draft is None
    assert editor.working_definition(survey) == survey.current_version.definition
    assert (
        db.session.execute(
            select(func.count()).select_from(Survey).where(Survey.draft.is_not(None))
        ).scalar()
        == 0
    )
