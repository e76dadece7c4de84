"""The OpenAPI document is valid 3.1 and lists exactly the routes the app serves."""

import re

from openapi_spec_validator import validate

from survey.api.openapi import openapi_document


def app_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method.lower()))
    return routes


def document_routes(document) -> set[tuple[str, str]]:
    return {(path, method) for path, item in document["paths"].items() for method in item}


def test_document_is_valid_openapi_3_1():
    document = openapi_document()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_document_matches_the_routes(app, client):
    served = client.get("/api/v1/openapi.json").get_json()
    assert served == openapi_document()
    assert document_routes(served) == app_routes(app)


def test_documented_post_statuses_cover_what_the_endpoint_returns(client, demo_org):
    documented = set(openapi_document()["paths"]["/api/v1/responses"]["post"]["responses"])
    seen = {
        client.post("/api/v1/responses", data="x", content_type="text/plain").status_code,
        client.post("/api/v1/responses", data="{", content_type="application/json").status_code,
        client.post("/api/v1/responses", json={}).status_code,
    }
    assert {str(s) for s in seen} <= documented
