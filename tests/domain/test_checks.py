"""The editor's checks: every problem at its field, channel limits included."""

import copy

from survey.domain import editing
from survey.domain.checks import check_definition, sms_message
from survey.domain.templates import TEMPLATES


def base():
    return copy.deepcopy(TEMPLATES["den_haag_telefoon"].definition)


def codes(problems):
    return [(p.code, p.field) for p in problems]


def test_condition_on_a_later_question_is_named_at_its_field():
    definition = base()
    moved = editing.move_question(definition, "cijfer", 1)  # "reden" now comes first
    found = codes(check_definition(moved))
    assert ("condition_later", "questions[0].show_if") in found


def test_condition_on_unknown_question_and_wrong_values():
    definition = base()
    definition["questions"][1]["show_if"] = {"question": "nergens", "equals": "x"}
    definition["questions"][2]["show_if"] = {"question": "cijfer", "equals": "hoog"}
    definition["questions"][3]["show_if"] = {"question": "meteen", "lte": 3}
    found = codes(check_definition(definition))
    assert ("condition_unknown", "questions[1].show_if") in found
    assert ("condition_value", "questions[2].show_if") in found
    assert ("condition_number", "questions[3].show_if") in found


def test_duplicate_keys_and_option_codes():
    definition = base()
    definition["questions"][2]["options"][1]["code"] = "ja"
    definition["questions"][4]["key"] = "cijfer"
    found = codes(check_definition(definition))
    assert ("code_duplicate", "questions[2].options[1].code") in found
    assert ("key_duplicate", "questions[4].key") in found
    # A choice with "other" may not use the code "other" itself.
    definition = base()
    definition["questions"][1]["options"][0]["code"] = "other"
    assert ("code_duplicate", "questions[1].options[0].code") in codes(check_definition(definition))


def test_missing_dutch_text_and_choice_without_options():
    definition = base()
    definition["questions"][1]["text"] = {"nl": " ", "en": "Why?"}
    definition["questions"][2]["options"] = []
    found = codes(check_definition(definition))
    assert ("text_required", "questions[1].text.nl") in found
    assert ("options_required", "questions[2].options") in found


def test_headline_and_satisfied_rule():
    definition = base()
    definition["satisfied"] = {"min": 11}
    assert ("satisfied_min", "satisfied") in codes(check_definition(definition))
    definition["headline"] = "toelichting"
    assert ("headline_kind", "headline") in codes(check_definition(definition))
    definition["headline"] = "weg"
    assert ("headline_unknown", "headline") in codes(check_definition(definition))


def test_sms_segment_counts_gsm7_and_ucs2():
    definition = base()
    definition["questions"][0]["text"]["nl"] = "a" * 160
    assert check_definition(definition, ["sms"]) == []
    definition["questions"][0]["text"]["nl"] = "a" * 161
    problems = check_definition(definition, ["sms"])
    assert codes(problems) == [("sms_segment", "questions[0].text.nl")]
    assert problems[0].params["max"] == 160
    # One ë makes it UCS-2: 70 characters per message.
    definition["questions"][0]["text"]["nl"] = "ë" + "a" * 70
    problems = check_definition(definition, ["sms"])
    assert problems[0].params == {"units": 71, "max": 70, "chars": "ë"}
    # Not checked for a survey that is not sent by SMS.
    assert check_definition(definition, ["kiosk"]) == []


def test_sms_message_with_options_in_at_most_three_segments():
    definition = base()
    reasons = definition["questions"][1]
    assert sms_message(reasons, "nl").splitlines()[1] == "1. Niet in één keer geholpen"
    reasons["options"] += [{"code": f"extra{n}", "text": {"nl": "x" * 60}} for n in range(5)]
    assert ("sms_message", "questions[1].options") in codes(check_definition(definition, ["sms"]))


def test_whatsapp_limits():
    definition = base()
    meteen = definition["questions"][2]
    meteen["options"][0]["text"]["nl"] = "x" * 25  # five options: a list, rows up to 24
    assert codes(check_definition(definition, ["whatsapp"])) == [
        ("whatsapp_row", "questions[2].options[0].text.nl")
    ]
    meteen["options"] = [  # three: reply buttons, titles up to 20
        {"code": c, "text": {"nl": c[:12], "en": c[:12]}} for c in ("ja", "doorverbonden", "later")
    ]
    meteen["options"][0]["text"]["nl"] = "x" * 21
    assert codes(check_definition(definition, ["whatsapp"])) == [
        ("whatsapp_button", "questions[2].options[0].text.nl")
    ]
    meteen["options"][0]["text"]["nl"] = "x" * 20
    assert check_definition(definition, ["whatsapp"]) == []
    meteen["options"] = [{"code": f"c{n}", "text": {"nl": f"Optie {n}"}} for n in range(11)]
    assert ("whatsapp_rows", "questions[2].options") in codes(
        check_definition(definition, ["whatsapp"])
    )
    definition["questions"][0]["text"]["en"] = "y" * 1025
    assert ("whatsapp_body", "questions[0].text.en") in codes(
        check_definition(definition, ["whatsapp"])
    )


def test_renaming_a_key_renames_its_references():
    definition = base()
    renamed = dict(definition["questions"][0], key="score")
    after = editing.put_question(definition, "cijfer", renamed)
    assert after["headline"] == "score"
    assert after["questions"][1]["show_if"]["question"] == "score"
    assert check_definition(after) == []
    assert definition["headline"] == "cijfer"  # the input is not changed


def test_move_at_the_ends_and_remove():
    definition = base()
    assert editing.move_question(definition, "cijfer", -1) == definition
    last = definition["questions"][-1]["key"]
    assert editing.move_question(definition, last, 1) == definition
    removed = editing.remove_question(definition, "meteen")
    # "doorverbonden" referred to "meteen": now a condition on an unknown question.
    assert ("condition_unknown", "questions[2].show_if") in codes(check_definition(removed))
    assert editing.new_key(definition) == "vraag_1"
