"""Bad input on the survey forms not covered field by field elsewhere: the new-survey form and
the move buttons. Each refusal names the field it is about (aria-invalid, aria-describedby),
and nothing is stored: rows are counted before and after."""

from __future__ import annotations

import pytest

from survey.services import survey_editor
from tests.admin.test_survey_routes import field_error, log_in, people  # noqa: F401 (fixture)
from tests.conftest import count_rows

GOOD_NEW = {"name": "Balie Noord", "slug": "balie-noord", "template": "nps"}


@pytest.mark.parametrize(
    "change, field_id, text",
    [
        ({"name": ""}, "name", ""),
        ({"name": "x" * 201}, "name", "200"),
        ({"slug": ""}, "slug", ""),
        ({"slug": "Met Spaties"}, "slug", "'-'"),
        ({"slug": "x" * 41}, "slug", "40"),
        ({"slug": "balie"}, "slug", ""),  # taken by the demo organisation's counter survey
        ({"template": "bestaat-niet"}, "template", ""),
        ({"template": ""}, "template", ""),
        ({"template": ["", "nps"]}, "template", ""),  # a list where one value belongs
    ],
)
def test_new_survey_refuses_bad_input_at_the_field(client, people, change, field_id, text):  # noqa: F811
    log_in(client, "admin@voorbeeld.nl")
    before = count_rows()
    response = client.post("/staff/demo/surveys/new", data={**GOOD_NEW, **change})
    assert response.status_code == 422, response.status_code
    shown = field_error(response.get_data(as_text=True), field_id)
    assert shown.strip(), field_id
    assert text in shown
    assert count_rows() == before


def test_new_survey_with_good_input_is_created(client, people):  # noqa: F811
    """The same form with good values works (so the refusals above were the values' doing)."""
    log_in(client, "admin@voorbeeld.nl")
    before = count_rows()
    response = client.post("/staff/demo/surveys/new", data=GOOD_NEW)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/demo/surveys/balie-noord")
    assert count_rows()["surveys"] == before["surveys"] + 1
    assert survey_editor.version_count(1, "balie-noord") == 1


@pytest.mark.parametrize("direction", ["", "sideways", "x" * 5000])
def test_move_refuses_a_bad_direction(client, people, direction):  # noqa: F811
    log_in(client, "admin@voorbeeld.nl")
    before = count_rows()
    response = client.post(
        "/staff/demo/surveys/balie/questions/oordeel/move", data={"direction": direction}
    )
    assert response.status_code == 400
    assert count_rows() == before
    assert survey_editor.survey_of(1, "balie").draft is None


def test_overview_refuses_bad_modes_and_headline(client, people):  # noqa: F811
    log_in(client, "admin@voorbeeld.nl")
    before = count_rows()
    base = {"name": "Balie", "title_nl": "Hoe was uw bezoek?", "satisfied_values": ["up"]}
    response = client.post("/staff/demo/surveys/balie", data={**base, "headline": "nergens"})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "headline")
    response = client.post(
        "/staff/demo/surveys/balie", data={**base, "headline": "oordeel", "modes": ["fax"]}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<fieldset aria-describedby="modes-hint modes-error">' in html
    assert "fax" in html.split('id="modes-error">', 1)[1].split("</p>", 1)[0]
    assert count_rows() == before
    assert survey_editor.survey_of(1, "balie").draft is None
