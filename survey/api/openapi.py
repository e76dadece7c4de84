"""The OpenAPI 3.1 document for /api/v1. A test keeps it in step with the routes."""

from survey.api.openapi_contacts import CONTACT_PATHS
from survey.domain.channels import CONTACT_CHANNELS, LANGUAGES, SURVEY_MODES
from survey.domain.definition import TEXT_MAX_LENGTH
from survey.domain.widget import PRESENTATIONS, TRIGGERS

ERROR = {"$ref": "#/components/schemas/Error"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


ANSWER = {
    "description": (
        "thumbs: 'up'|'down'; grade: 1-10; nps: 0-10; ces: 1-7; yes_no_na: 'yes'|'no'|'na'; "
        f"text: at most {TEXT_MAX_LENGTH} characters; choice: an option code, a list of codes "
        "(multiple), or {selected, other} for 'other, namely'."
    ),
    "oneOf": [
        {"type": "integer"},
        {"type": "string", "maxLength": TEXT_MAX_LENGTH},
        {"type": "array", "items": {"type": "string"}},
        {
            "type": "object",
            "properties": {
                "selected": {
                    "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
                },
                "other": {"type": "string", "maxLength": TEXT_MAX_LENGTH},
            },
            "additionalProperties": False,
        },
        {"type": "null"},
    ],
}

RESPONSE_IN = {
    "type": "object",
    "required": ["id", "organisation", "survey", "contact_channel", "survey_mode", "answers"],
    "additionalProperties": False,
    "properties": {
        "id": {
            "type": "string",
            "format": "uuid",
            "description": "Made by the client; the key for idempotent retries.",
        },
        "organisation": {"type": "string", "maxLength": 40},
        "survey": {"type": "string", "maxLength": 40},
        "version": {"type": "integer", "minimum": 1, "maximum": 2147483647,
                    "description": "Default: the newest."},
        "contact_channel": {"enum": list(CONTACT_CHANNELS)},
        "survey_mode": {"enum": list(SURVEY_MODES)},
        "location": {"type": "string", "maxLength": 40},
        "unit": {"type": "string", "maxLength": 40},
        "topic": {"type": "string", "maxLength": 40},
        "language": {"enum": list(LANGUAGES), "default": "nl"},
        "page_path": {"type": "string", "description": "Query string and fragment are dropped."},
        "contact_at": {"type": "string", "format": "date-time"},
        "started_at": {"type": "string", "format": "date-time"},
        "submitted_at": {"type": "string", "format": "date-time"},
        "inclusion_probability": {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": 1,
            "description": "Set by the server for kiosk and widget (send it or leave it "
            "out); an import's own value is stored (default 1).",
        },
        "answers": {"type": "object", "additionalProperties": ANSWER},
        "trigger": {"enum": list(TRIGGERS), "description": "Website widget: what showed it."},
        "presentation": {
            "enum": list(PRESENTATIONS),
            "description": "Website widget: popup and tab go with survey_mode popup, "
            "inline with inline.",
        },
        "visitor": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_-]{16,64}$",
            "description": "Website widget: the browser's random id (kept in localStorage); "
            "only a keyed hash with the survey is stored, to flag a repeat answer.",
        },
    },
}

RECORDED = {
    "type": "object",
    "required": ["id", "uuid", "created"],
    "properties": {
        "id": {"type": "integer"},
        "uuid": {"type": "string", "format": "uuid"},
        "created": {"type": "boolean"},
        "callback": {
            "type": "object",
            "description": "Website widget only, when the survey offers this answer a callback: "
            "the attributes of a link to the link page's callback form for this response (a "
            "signed key, valid a day), opened in a new tab.",
            "required": ["href", "target"],
            "properties": {"href": {"type": "string"}, "target": {"type": "string"}},
        },
        "callback_text": {
            "type": "string",
            "description": "With callback: the link's words in the answer's language.",
        },
    },
}

PATHS = {
    "/api/v1/responses": {
        "post": {
            "operationId": "recordResponse",
            "summary": "Store one response (idempotent on its id), proven by its channel.",
            "description": (
                "Each survey_mode needs its channel's proof of origin, else 401/403 and nothing "
                "is stored. kiosk: an enrolled device's secret in X-Kto-Device. popup and "
                "inline (website widget): the browser's Origin must be one of the "
                "organisation's allowed origins. Any mode as a server-to-server import: an "
                "organisation API key (Authorization: Bearer), the payload's organisation "
                "being the key's. sms, email, qr and link: answered on the link page (403 "
                "answer_on_link_page), whatsapp: in the WhatsApp conversation (403 "
                "answer_in_conversation); both only as an import here. The server sets "
                "inclusion_probability for the kiosk (1) and the widget (the survey's sampling "
                "rate for the pop-up, 1 for tab and inline; a pop-up may also send a rate the "
                "survey published shortly before, which is then stored); a different value "
                "sent is a 422 inclusion_probability_mismatch. Imports may send their own."
            ),
            "security": [{}, {"apiKey": []}, {"kioskDevice": []}],
            "parameters": [
                {
                    "name": "X-Kto-Device",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "A kiosk device's secret (survey_mode kiosk).",
                },
                {
                    "name": "Origin",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "Set by the browser; must be allowed (popup, inline).",
                },
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": RESPONSE_IN}},
            },
            "responses": {
                "201": {
                    "description": "Stored and committed.",
                    "content": {"application/json": {"schema": RECORDED}},
                },
                "200": {
                    "description": "Already stored with the same payload; nothing changed.",
                    "content": {"application/json": {"schema": RECORDED}},
                },
                "400": _error("The body is not JSON."),
                "401": _error("No or an unknown device secret (kiosk) or API key (import)."),
                "403": _error(
                    "The device is revoked, the browser's Origin is not allowed, the API key "
                    "is another organisation's, or the survey_mode has no front end yet."
                ),
                "409": _error("The id was used for a different response."),
                "413": _error("The body is larger than 64 KB."),
                "415": _error("The body is not application/json."),
                "422": _error(
                    "The response does not fit the survey, or its inclusion_probability is "
                    "not the one the server set for its channel."
                ),
            },
        },
        "get": {
            "operationId": "exportResponses",
            "summary": "Export the organisation's responses as JSON lines or CSV.",
            "security": [{"apiKey": []}],
            "parameters": [
                {"name": "format", "in": "query", "schema": {"enum": ["jsonl", "csv"]}},
                {"name": "since", "in": "query", "schema": {"type": "string"}},
                {"name": "until", "in": "query", "schema": {"type": "string"}},
                {"name": "survey", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {
                    "description": "One response per line or row, oldest first.",
                    "content": {
                        "application/x-ndjson": {"schema": {"type": "string"}},
                        "text/csv": {"schema": {"type": "string"}},
                    },
                },
                "400": _error("A parameter is not valid."),
                "401": _error("No valid API key."),
            },
        },
    },
    "/api/v1/volumes": {
        "get": {
            "operationId": "listVolumes",
            "summary": "The organisation's stored contact volumes per month and channel.",
            "security": [{"apiKey": []}],
            "parameters": [
                {"name": "since", "in": "query", "schema": {"type": "string"}},
                {"name": "until", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {
                    "description": "Volumes, oldest month first: "
                    '{"organisation", "volumes": [{"month", "contact_channel", "count"}]}.',
                    "content": {"application/json": {}},
                },
                "401": _error("No valid API key."),
                "422": _error("since or until is not a month (YYYY-MM)."),
            },
        }
    },
    "/api/v1/surveys/{org}/{survey}": {
        "get": {
            "operationId": "surveyConfig",
            "summary": "The newest version of a survey with its settings (cacheable, ETag).",
            "parameters": [
                {"name": "org", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "survey", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {"description": "The survey.", "content": {"application/json": {}}},
                "304": {"description": "Not modified since the given ETag."},
                "404": _error("No such survey."),
            },
        }
    },
    "/api/v1/widget/{org}/{survey}": {
        "get": {
            "operationId": "widgetConfig",
            "summary": "The website widget's config of a survey (cached, ETag, CORS for the "
            "organisation's allowed origins).",
            "parameters": [
                {"name": "org", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "survey", "in": "path", "required": True, "schema": {"type": "string"}},
                {
                    "name": "lang",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "The page's language: nl or en sends only that language's "
                    "texts; any other value or none sends every language.",
                },
            ],
            "responses": {
                "200": {
                    "description": "The config: version, channel, title, headline, questions, "
                    "widget settings and texts (not the organisation or survey of the URL).",
                    "content": {"application/json": {}},
                },
                "304": {"description": "Not modified since the given ETag."},
                "403": _error("The page's Origin is not on the organisation's allow-list."),
                "404": _error("No such survey, or it has no widget settings."),
            },
        }
    },
    "/api/v1/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This document.",
            "responses": {"200": {"description": "OpenAPI 3.1 document."}},
        }
    },
}


MALFORMED = "The request is malformed (e.g. a NUL character in the URL, a parameter out of range)."


def _with_malformed(paths: dict) -> dict:
    """Every operation may answer 400: the strict request parsing (survey/security.py) refuses
    NUL characters and the like in any URL before a view runs."""
    return {
        path: {
            method: {
                **operation,
                "responses": {"400": _error(MALFORMED), **operation["responses"]},
            }
            for method, operation in methods.items()
        }
        for path, methods in paths.items()
    }


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "KTO platform API",
            "version": "1.0.0",
            "description": "Customer-satisfaction responses from every channel, one path in.",
        },
        "paths": _with_malformed({**PATHS, **CONTACT_PATHS}),
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "field": {"type": ["string", "null"]},
                    },
                }
            },
            "securitySchemes": {
                "apiKey": {"type": "http", "scheme": "bearer"},
                "kioskDevice": {"type": "apiKey", "in": "header", "name": "X-Kto-Device"},
            },
        },
    }
