"""OpenAPI paths of the invitation endpoints: contacts in, the funnel out."""

from survey.domain.channels import CONTACT_CHANNELS, LANGUAGES
from survey.domain.contacts import HANDLINGS, REFERENCE_MAX
from survey.models.invitation import CONTACT_OUTCOMES
from survey.reports.data import FUNNEL_STAGES

ERROR = {"$ref": "#/components/schemas/Error"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


CONTACT_IN = {
    "type": "object",
    "required": ["contact_channel", "ended_at"],
    "additionalProperties": False,
    "description": "One contact. Give 'reference' or 'id' (or both): a retry with the same "
    "key and content returns what was stored; the same key with other content is a 409. "
    "No text may contain CR, LF or another control character.",
    "properties": {
        "reference": {
            "type": "string",
            "maxLength": REFERENCE_MAX,
            "description": "The organisation's own reference, unique per organisation.",
        },
        "id": {"type": "string", "format": "uuid", "description": "A UUID the client made."},
        "contact_channel": {"enum": list(CONTACT_CHANNELS)},
        "ended_at": {
            "type": "string",
            "format": "date-time",
            "description": "When the contact ended, with a time zone; not in the future.",
        },
        "phone": {
            "type": "string",
            "maxLength": 40,
            "description": "The number the citizen called from (Dutch or international "
            "notation; stored as E.164). Only a mobile number gets an SMS: landline, "
            "premium-rate and short numbers are accepted but not invited (sms_refused).",
        },
        "email": {
            "type": "string",
            "maxLength": 254,
            "description": "The address the citizen wrote from (e-mail and contact form).",
        },
        "survey": {
            "type": "string",
            "maxLength": 40,
            "description": "A survey code instead of the one the channel's rule names.",
        },
        "unit": {"type": "string", "maxLength": 40},
        "topic": {"type": "string", "maxLength": 40},
        "handling": {"enum": list(HANDLINGS)},
        "language": {"enum": list(LANGUAGES), "default": "nl"},
    },
}

CONTACT_OUT = {
    "type": "object",
    "required": ["id", "created", "outcome"],
    "properties": {
        "id": {"type": "integer"},
        "reference": {"type": ["string", "null"]},
        "uuid": {"type": ["string", "null"], "format": "uuid"},
        "created": {"type": "boolean", "description": "False: stored before, nothing changed."},
        "outcome": {"enum": list(CONTACT_OUTCOMES)},
        "due_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "When the invitation goes out (invited only).",
        },
        "sms_refused": {
            "type": ["string", "null"],
            "description": "Why the phone number gets no SMS: landline, premium_rate, "
            "short_number, not_mobile.",
        },
    },
}

FUNNEL_ROW = {
    "type": "object",
    "properties": {
        "channel": {"type": "string"},
        **{stage: {"type": "integer", "minimum": 0} for stage in FUNNEL_STAGES},
        "rates": {
            "type": "object",
            "description": "Each step's share of the step before it (null when that is 0); "
            "response = completed / sent.",
            "additionalProperties": {"type": ["number", "null"]},
        },
    },
}

CONTACT_PATHS = {
    "/api/v1/contacts": {
        "post": {
            "operationId": "receiveContacts",
            "summary": "Report contacts that ended; the rules decide on an invitation at once.",
            "description": "The body is one contact object, a list of up to 1,000, or "
            '{"contacts": [...]}. All or nothing: an invalid contact refuses the whole '
            "request (its position in 'field', e.g. contacts[3].phone). The invitation goes "
            "only to the contact's own address through its channel's mode (phone → SMS, "
            "email and contact_form → e-mail, every other channel → none).",
            "security": [{"apiKey": []}],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                CONTACT_IN,
                                {"type": "array", "items": CONTACT_IN, "maxItems": 1000},
                                {
                                    "type": "object",
                                    "required": ["contacts"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "contacts": {
                                            "type": "array",
                                            "items": CONTACT_IN,
                                            "maxItems": 1000,
                                        }
                                    },
                                },
                            ]
                        }
                    }
                },
            },
            "responses": {
                "201": {
                    "description": "Stored (a batch: at least one new contact). One contact "
                    "answers its result; a batch answers created, existing and contacts.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [
                                    CONTACT_OUT,
                                    {
                                        "type": "object",
                                        "properties": {
                                            "created": {"type": "integer"},
                                            "existing": {"type": "integer"},
                                            "contacts": {"type": "array", "items": CONTACT_OUT},
                                        },
                                    },
                                ]
                            }
                        }
                    },
                },
                "200": {"description": "Every contact was stored before; nothing changed."},
                "400": _error("The body is not JSON."),
                "401": _error("No valid API key."),
                "409": _error("A reference or id was used for a contact with other content."),
                "413": _error("The body is larger than 1 MB."),
                "415": _error("The body is not application/json."),
                "422": _error("A contact is invalid, or names an unknown unit, topic or survey."),
                "503": _error("The server has no ADDRESS_HASH_KEY."),
            },
        }
    },
    "/api/v1/funnel": {
        "get": {
            "operationId": "invitationFunnel",
            "summary": "The invitation funnel of the key's organisation for one month.",
            "description": "Contacts that ended in the month (Amsterdam time) per channel: "
            "contacts → eligible → sampled → no address / opted out / throttled / capped → "
            "invited (of which quiet-hour delayed) → sent → delivered → opened → completed.",
            "security": [{"apiKey": []}],
            "parameters": [
                {
                    "name": "month",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                }
            ],
            "responses": {
                "200": {
                    "description": "One row per channel with contacts, and the total.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "month": {"type": "string"},
                                    "channels": {"type": "array", "items": FUNNEL_ROW},
                                    "total": FUNNEL_ROW,
                                },
                            }
                        }
                    },
                },
                "400": _error("'month' is missing or not YYYY-MM."),
                "401": _error("No valid API key."),
            },
        }
    },
}
