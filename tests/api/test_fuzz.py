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


# ---- inputs that once answered 500: each must be a clear 4xx with the API's JSON error ----

import pytest  # noqa: E402

from survey.services.apikeys import create_api_key  # noqa: E402


def refused(result, status):
    assert result.status_code == status, result.data[:300]
    body = result.get_json()
    assert set(body) == {"error", "message", "field"} and body["message"]
    return body


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 20_000 + "]" * 20_000,  # deeper than the parser's recursion limit
        '{"answers": ' + "[" * 40 + "]" * 40 + "}",  # deeper than MAX_JSON_DEPTH
        '{"id": "\\ud800"}',  # a lone surrogate cannot be stored as UTF-8
        '{"organisation": "demo", "answers": {"\\udfff": "up"}}',
        '{"location": "sta\\u0000dhuis"}',  # PostgreSQL text refuses NUL
        '{"inclusion_probability": 1e400}',  # not a finite number
        '{"inclusion_probability": NaN}',
    ],
)
def test_hostile_json_is_400_and_stores_nothing(client, demo_org, raw):
    before = count_rows()
    result = client.post("/api/v1/responses", data=raw, content_type="application/json")
    assert refused(result, 400)["error"] == "bad_request"
    assert count_rows() == before


@pytest.mark.parametrize("field", ["location", "language", "page_path", "visitor"])
def test_nul_in_a_valid_payload_is_refused(client, demo_org, field):
    before = count_rows()
    body = json.dumps(make_payload(**{field: "a\x00b"}))
    result = client.post("/api/v1/responses", data=body, content_type="application/json")
    refused(result, 400)
    assert count_rows() == before


def test_comment_with_nul_is_refused(client, demo_org):
    payload = make_payload(answers={"oordeel": "up", "opmerking": "goed\x00geholpen"})
    before = count_rows()
    result = client.post(
        "/api/v1/responses", data=json.dumps(payload), content_type="application/json"
    )
    refused(result, 400)
    assert count_rows() == before


@pytest.mark.parametrize("version", [2**31, 6469693229, 2**63, 2**70, -(2**70)])
def test_version_beyond_32_bits_is_422(client, demo_org, version):
    # Version numbers are 32-bit columns: PostgreSQL refused 6469693229 in the lookup (a 500).
    before = count_rows()
    result = client.post("/api/v1/responses", json=make_payload(version=version))
    assert refused(result, 422)["field"] == "version"
    assert count_rows() == before


@pytest.mark.parametrize(
    "since",
    [
        "9999-12-31T23:59:59-23:59",  # beyond year 9999 in UTC
        "0001-01-01T00:00:00+23:59",  # before year 1 in UTC
        "0000-01-01",
        "10000-01-01",
    ],
)
def test_export_dates_out_of_range_are_400(client, demo_org, since):
    key = create_api_key("demo")
    result = client.get(
        "/api/v1/responses",
        query_string={"since": since},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert refused(result, 400)["error"] == "bad_request"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/surveys/demo/bal%00ie",
        "/api/v1/widget/demo/web%00site",
        "/api/v1/responses?survey=bal%00ie",
    ],
)
def test_nul_in_the_address_is_400(client, demo_org, path):
    key = create_api_key("demo")
    result = client.get(path, headers={"Authorization": f"Bearer {key}"})
    refused(result, 400)


def test_ids_beyond_64_bits_in_urls_are_404(client, demo_org):
    result = client.get("/staff/demo/reports/99999999999999999999")
    assert result.status_code == 404
    result = client.get("/staff/demo/reports/99999999999999999999/pdf")
    assert result.status_code == 404
