"""Random and mutated calls to the callback requests (tests/webhooks/fuzzing.py runs them).

`callback-link` (`/s/c/<key>/callback`, the website widget's signed link to the link page's
form; GET and POST). The link page has no session and no CSRF token (its blueprint is
exempt: the signed key in the address is the proof), so a `csrf_token` field, random or none,
must make no difference:
  forged   a random key (or a valid key altered), random form fields: a 4xx (404 / 410;
           400 for a NUL, 308 when the key starts with a slash), nothing changed;
  random   a valid key of a seeded negative widget answer, random form fields: never a 5xx;
  mutated  the valid form (consent, name, phone, e-mail, message) with one field removed,
           replaced by random text, or added: never a 5xx.
`kiosk-callback` (`POST /kiosk/api/callback`, JSON, X-Kto-Device):
  forged   no, a random or a revoked device's secret, a valid or random body: 400 / 401 /
           403, nothing changed;
  random   an enrolled device's secret, random JSON or bytes: never a 5xx;
  mutated  a valid request after the device's own thumbs-down response, one field removed,
           replaced by random JSON or added: never a 5xx.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote, urlsplit

from hypothesis import strategies as st

CB_ENDPOINTS = ("callback-link", "kiosk-callback")
DETAILS = {"consent": "yes", "name": "Piet", "phone": "020 123 4567", "email": "",
           "message": "Over de afvalpagina."}


def seed_callbacks(n: int = 3) -> dict:
    """Inside an app context with the demo organisation: n negative widget answers offered a
    callback (their signed form keys), an enrolled kiosk device with n thumbs-down responses
    (its secret and their UUIDs), and a revoked device's secret."""
    from flask import current_app
    from sqlalchemy import select

    from survey.database import unit_of_work
    from survey.models import Survey
    from survey.services import kiosks, widget
    from tests.api.test_widget_api import post_web, web_payload
    from tests.callbacks.helpers import kiosk_down
    from tests.kiosk.helpers import enrolled_device

    with unit_of_work() as session:
        survey = session.execute(select(Survey).where(Survey.slug == "website")).scalar_one()
        survey.settings = {**survey.settings, "callback": {"offer": "negative", "unit": "kcc"}}
    widget.clear_cache()
    client = current_app.test_client()
    keys = []
    for _ in range(n):
        reply = post_web(client, web_payload(answers={"geholpen": "no"}))
        assert reply.status_code == 201, reply.get_json()
        keys.append(urlsplit(reply.get_json()["callback"]["href"]).path.split("/")[3])
    _, secret = enrolled_device(settings={"min_interval_seconds": 0})
    responses = [kiosk_down(client, secret) for _ in range(n)]
    revoked_id, revoked = enrolled_device()
    kiosks.revoke(revoked_id)
    return {"keys": keys, "secret": secret, "responses": responses, "revoked": revoked}


@st.composite
def callback_calls(draw, endpoint: str, mode: str, seeded: dict):
    from tests.webhooks.fuzzing import (
        CONTENT_TYPES,
        Call,
        forms,
        header_values,
        json_values,
        mutate,
        raw,
        texts,
    )

    if endpoint == "callback-link":
        if mode == "forged":
            if draw(st.booleans()):
                key = draw(st.text(min_size=1, max_size=120))
            else:  # a valid key with a character changed, added or cut
                key = draw(st.sampled_from(seeded["keys"]))
                at = draw(st.integers(0, len(key) - 1))
                key = key[:at] + draw(st.text(max_size=2)) + key[at + 1:]
        else:
            key = draw(st.sampled_from(seeded["keys"]))
        form = draw(forms) if mode != "mutated" else _strings(draw(mutate(DETAILS)))
        if draw(st.booleans()):
            form["csrf_token"] = draw(texts)
        method = draw(st.sampled_from(["GET", "POST"]))
        query = "?lang=" + draw(st.sampled_from(["nl", "en", "xx"])) if draw(st.booleans()) \
            else ""
        return Call(method, f"/s/c/{quote(key, safe='')}/callback{query}",
                    form=form if method == "POST" else None, proven=mode != "forged")
    valid = {"id": str(uuid.uuid4()), "response": draw(st.sampled_from(seeded["responses"])),
             "consent": True, "name": "Mevrouw Jansen", "phone": "06 1234 5678", "email": "",
             "message": "Ik stond een uur in de rij.", "language": "nl"}
    if mode == "mutated":
        document = draw(mutate(valid))
    else:
        document = draw(st.sampled_from([valid, None])) or draw(json_values)
    body = json.dumps(document).encode()
    content_type = "application/json"
    if mode == "random" and draw(st.booleans()):
        body, content_type = draw(raw), draw(st.sampled_from(CONTENT_TYPES))
    headers = {"X-Kto-Device": seeded["secret"]}
    if mode == "forged":
        how = draw(st.sampled_from(["none", "random", "revoked"]))
        headers = {"none": {}, "random": {"X-Kto-Device": draw(header_values)},
                   "revoked": {"X-Kto-Device": seeded["revoked"]}}[how]
    return Call("POST", "/kiosk/api/callback", body=body, content_type=content_type,
                headers=headers, proven=mode != "forged")


def _strings(value: dict) -> dict:
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in value.items()
            if str(k)}


def expected(call) -> set[int] | None:
    """What a forged call to these endpoints may get (None: not one of them)."""
    if call.path.startswith("/s/c/"):
        return {308, 400, 404, 410}
    if call.path == "/kiosk/api/callback":
        return {400, 401, 403}
    return None
