"""Setting a survey up for WhatsApp: the API's limits checked then (a clear error, nothing
changed), the modes a channel's rule may choose, and the CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.database import unit_of_work
from survey.errors import Invalid
from survey.extensions import db
from survey.models import InvitationRule, Organisation
from survey.services.rules import set_rule
from survey.services.surveys import create_survey
from tests.conftest import count_rows


def _survey(slug: str, options: int, title: str = "Kort") -> None:
    with unit_of_work():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        create_survey(org, slug, slug, {"questions": [
            {"key": "oordeel", "kind": "thumbs", "required": True,
             "text": {"nl": "Tevreden?"}},
            {"key": "onderwerp", "kind": "choice", "text": {"nl": "Waarover?"},
             "options": [{"code": f"o{i}", "text": {"nl": f"{title} {i}"}}
                         for i in range(options)]}]})


def test_a_survey_that_does_not_fit_whatsapp_is_refused_when_the_rule_is_set(demo_org):
    _survey("te_veel", 11)
    before = count_rows()
    with pytest.raises(Invalid) as refused:
        set_rule("demo", "phone", survey="te_veel", survey_mode="whatsapp")
    assert refused.value.code == "whatsapp_limits"
    assert refused.value.field == "questions[1].options"
    assert "does not fit WhatsApp" in refused.value.message
    db.session.rollback()
    assert count_rows() == before
    rule = db.session.scalar(select(InvitationRule).where(
        InvitationRule.contact_channel == "phone"))
    assert rule.survey_mode is None  # the SMS rule as it was


def test_a_row_title_over_24_characters_is_named(demo_org):
    _survey("lang", 5, title="Een veel te lange keuzetekst")
    with pytest.raises(Invalid) as refused:
        set_rule("demo", "whatsapp", survey="lang")
    assert refused.value.field == "questions[1].options[0].text.nl"
    assert "at most 24" in refused.value.message


def test_modes_a_channel_cannot_use_are_refused(demo_org):
    _survey("past", 3)
    for channel in ("email", "contact_form"):
        with pytest.raises(Invalid) as refused:
            set_rule("demo", channel, survey_mode="whatsapp")
        assert refused.value.code == "mode_not_allowed"
    with pytest.raises(Invalid):
        set_rule("demo", "whatsapp", survey_mode="sms")
    with pytest.raises(Invalid) as telefoon:  # the demo's phone survey has long options
        set_rule("demo", "phone", survey_mode="whatsapp")
    assert "reply button's title is longer than 20" in telefoon.value.message
    rule = set_rule("demo", "phone", survey="past", survey_mode="whatsapp")
    assert rule.survey_mode == "whatsapp"
    assert set_rule("demo", "phone", survey_mode="default").survey_mode is None


def test_the_cli_sets_the_number_the_templates_and_the_mode(demo_org, runner):
    result = runner.invoke(args=["kto", "whatsapp", "set", "--org", "demo",
                                 "--phone-number-id", "106540352242922",
                                 "--template", "nl=kto_na_contact",
                                 "--template", "en=kto_after_contact:en_GB"])
    assert result.exit_code == 0, result.output
    assert "template en: kto_after_contact (en_GB)" in result.output
    shown = runner.invoke(args=["kto", "whatsapp", "show", "--org", "demo"])
    assert "106540352242922" in shown.output
    bad = runner.invoke(args=["kto", "whatsapp", "set", "--org", "demo",
                              "--phone-number-id", "1", "--template", "de=kto"])
    assert bad.exit_code == 1 and "per language" in bad.output
    _survey("past", 3)
    result = runner.invoke(args=["kto", "rules", "set", "--org", "demo", "--channel", "phone",
                                 "--survey", "past", "--mode", "whatsapp"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].endswith("by whatsapp")
