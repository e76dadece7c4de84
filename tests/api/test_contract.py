"""Contract fuzzing: schemathesis generates requests from /api/v1/openapi.json (valid and
invalid ones) and checks every answer: never a server error, always the documented status,
content type and schema. A short run here; `bench/contract.py` runs 1,000 cases per operation
against gunicorn."""

from __future__ import annotations

from itertools import product

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import checks
from schemathesis.generation import GenerationMode

MAX_EXAMPLES = 20
# What the contract promises: no server error, only documented statuses, content types,
# headers and bodies. (schemathesis' heuristics positive_data_acceptance and
# negative_data_rejection are left out: a well-formed export date whose UTC time leaves the
# years 1-9999 is rightly a 400, documented as such.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


def test_api_answers_as_documented(app, import_headers):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 3
    for operation, mode in product(operations, GenerationMode):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers_as_documented(case):
            case.call_and_validate(headers=import_headers, checks=CHECKS)

        try:
            answers_as_documented()
        except Unsatisfiable:
            # Nothing can be made invalid where any value is valid (no parameters or body,
            # or only free text path parameters).
            assert mode is GenerationMode.NEGATIVE, operation.label
