"""Random JSON thrown at the ingest endpoint: always a clear answer, never a stray row."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import count_rows, make_payload

scalars = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(
    max_size=30
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
FIXTURES = [HealthCheck.function_scoped_fixture]
FIELDS = ["id", "organisation", "survey", "version", "contact_channel", "survey_mode",
          "location", "language", "submitted_at", "inclusion_probability", "answers"]


@pytest.fixture
def client(client, import_headers):
    """Past any channel's proof (an import with an API key), so the envelope gets the noise."""
    client.environ_base["HTTP_AUTHORIZATION"] = import_headers["Authorization"]
    return client


def check(client, body):
    before = count_rows()
    result = client.post(
        "/api/v1/responses", data=json.dumps(body), content_type="application/json"
    )
    assert result.status_code < 500
    data = result.get_json()
    if result.status_code >= 400:
        assert set(data) == {"error", "message", "field"}
        assert isinstance(data["message"], str) and data["message"]
        assert count_rows() == before
    else:
        assert result.status_code in (200, 201)


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES)
@given(body=json_values)
def test_random_json_documents(client, demo_org, body):
    check(client, body)


@settings(max_examples=120, deadline=None, suppress_health_check=FIXTURES)
@given(field=st.sampled_from(FIELDS), value=json_values)
def test_valid_payload_with_one_random_field(client, demo_org, field, value):
    body = make_payload()
    body[field] = value
    check(client, body)


@settings(max_examples=80, deadline=None, suppress_health_check=FIXTURES)
@given(answers=st.dictionaries(st.sampled_from(["oordeel", "reden", "onderwerp", "x"]),
                               json_values, max_size=3))
def test_random_answers(client, demo_org, answers):
    check(client, make_payload(answers=answers))
