"""Callback requests in tests: a kiosk response with a thumbs down and the request after it."""

from __future__ import annotations

import uuid

from tests.conftest import make_payload
from tests.kiosk.helpers import enrolled_device


def kiosk_down(client, secret: str, answer: str = "down") -> str:
    """Post a kiosk response through the API as the device; returns its UUID."""
    payload = make_payload(answers={"oordeel": answer})
    payload.pop("location")
    response = client.post("/api/v1/responses", json=payload, headers={"X-Kto-Device": secret})
    assert response.status_code in (200, 201), response.get_json()
    return payload["id"]


def callback_body(response_uuid: str, **overrides) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "response": response_uuid,
        "consent": True,
        "name": "Mevrouw Jansen",
        "phone": "06 1234 5678",
        "email": "",
        "message": "Ik stond een uur in de rij.",
        "language": "nl",
    }
    body.update(overrides)
    return body


def post_callback(client, secret: str, body: dict):
    return client.post("/kiosk/api/callback", json=body, headers={"X-Kto-Device": secret})


def device():
    return enrolled_device(settings={"min_interval_seconds": 0})
