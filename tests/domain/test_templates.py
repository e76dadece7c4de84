"""Templates: valid definitions, within their channels' limits, worded after the audits."""

import pytest

from survey.domain import SurveyDefinition
from survey.domain.checks import check_definition
from survey.domain.flow import visible_questions
from survey.domain.templates import TEMPLATES, template


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_is_valid_and_fits_its_modes(key):
    found = template(key)
    parsed = SurveyDefinition.from_dict(found.definition)
    assert SurveyDefinition.from_dict(parsed.to_dict()) == parsed
    assert check_definition(found.definition, found.settings.get("modes", ())) == []
    for question in found.definition["questions"]:
        assert question["text"]["nl"] and question["text"]["en"]
    assert found.name["nl"] and found.name["en"]


def test_fresh_copies_do_not_touch_the_template():
    copy = template("zeist_balie").fresh_definition()
    copy["questions"][0]["text"]["nl"] = "Anders"
    assert TEMPLATES["zeist_balie"].definition["questions"][0]["text"]["nl"] != "Anders"


def test_zeist_counter_thumbs_and_website_questions():
    balie = SurveyDefinition.from_dict(TEMPLATES["zeist_balie"].definition)
    assert [q.kind for q in balie.questions[:3]] == ["thumbs"] * 3
    assert balie.question("vriendelijkheid").label() == (
        "Bent u tevreden over de klantvriendelijkheid?"
    )
    site = SurveyDefinition.from_dict(TEMPLATES["zeist_website"].definition)
    assert site.question("makkelijk").label() == (
        "Kon u de informatie die u nodig had makkelijk vinden?"
    )
    # "What were you looking for?" only after a thumbs down on "helped".
    shown = [q.key for q in visible_questions(site, {"geholpen": "down"})]
    assert "gezocht" in shown
    assert "gezocht" not in [q.key for q in visible_questions(site, {"geholpen": "up"})]


def test_den_haag_follow_ups_only_at_six_or_lower():
    survey = SurveyDefinition.from_dict(TEMPLATES["den_haag_telefoon"].definition)
    assert survey.satisfied.is_satisfied(7) is True and survey.satisfied.is_satisfied(6) is False
    assert [q.key for q in visible_questions(survey, {"cijfer": 7})] == ["cijfer"]
    low = [q.key for q in visible_questions(survey, {"cijfer": 6})]
    assert low == ["cijfer", "reden", "meteen", "toelichting"]
    transferred = visible_questions(survey, {"cijfer": 4, "meteen": "doorverbonden"})
    assert "doorverbonden" in [q.key for q in transferred]


def test_odra_items_are_yes_no_na():
    for key in ("odra_gedrag", "odra_informatie"):
        survey = SurveyDefinition.from_dict(TEMPLATES[key].definition)
        items = [q for q in survey.questions if q.kind == "yes_no_na"]
        assert len(items) >= 6
        assert survey.headline_question.kind == "grade"


def test_ces_and_nps_headlines():
    ces = SurveyDefinition.from_dict(TEMPLATES["ces"].definition)
    assert ces.headline_question.kind == "ces" and ces.satisfied.is_satisfied(6)
    nps = SurveyDefinition.from_dict(TEMPLATES["nps"].definition)
    assert nps.headline_question.kind == "nps" and not nps.satisfied.is_satisfied(8)
