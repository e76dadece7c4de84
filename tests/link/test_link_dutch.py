"""Every screen of the link page in Dutch shows no English fixed text (tests/test_translations)."""

from __future__ import annotations

from datetime import timedelta

from tests.link.helpers import make_invitation
from tests.test_translations import _assert_dutch


def test_every_link_screen_is_dutch(client, demo_org):
    token, _ = make_invitation(survey="telefoon")
    screens = {"grade": client.get(f"/s/{token}")}
    client.post(f"/s/{token}", data={"question": "cijfer", "answer": "4"})
    screens["multiple choice"] = client.get(f"/s/{token}/next")
    screens["refused"] = client.post(f"/s/{token}/next", data={"question": "reden", "answer": "x"})
    client.post(f"/s/{token}/next", data={"question": "reden", "skip": "1"})
    screens["single choice"] = client.get(f"/s/{token}/next?skip=reden")
    client.post(f"/s/{token}/next?skip=reden", data={"question": "afhandeling", "skip": "1"})
    screens["yes/no"] = client.get(f"/s/{token}/next?skip=afhandeling,reden")
    client.post(
        f"/s/{token}/next?skip=afhandeling,reden", data={"question": "in_een_keer", "skip": "1"}
    )
    screens["text"] = client.get(f"/s/{token}/next?skip=afhandeling,in_een_keer,reden")
    every = "afhandeling,in_een_keer,reden,toelichting"
    screens["thanks"] = client.get(f"/s/{token}/next?skip={every}")
    screens["answered"] = client.get(f"/s/{token}")
    screens["stop"] = client.get(f"/s/{token}/stop")
    screens["opted out"] = client.post(f"/s/{token}/stop")
    screens["opted out before"] = client.post(f"/s/{token}/stop")
    expired, _ = make_invitation(expires_in=timedelta(seconds=-1), address="+31611111111")
    screens["expired"] = client.get(f"/s/{expired}")
    screens["invalid"] = client.get("/s/AAAAAAAAAAAAAAAAAAAAAA")
    screens["thumbs"] = client.get("/s/q/demo/balie/stadhuis")
    screens["bad form"] = client.post(
        "/s/q/demo/balie", data={"question": "oordeel", "answer": "up"}
    )
    expected = {
        "multiple choice": "Volgende",
        "refused": "Dit antwoord konden we niet lezen",
        "single choice": "Hoe is uw vraag behandeld?",
        "yes/no": "Weet ik niet / niet van toepassing",
        "text": "Schrijf hier niet uw naam",
        "thanks": "Bedankt voor uw antwoord!",
        "stop": "Geen uitnodigingen meer?",
        "opted out before": "Dit had u al gevraagd",
        "thumbs": "Ja, tevreden",
        "bad form": "Er ging iets mis",
    }
    for name, page in screens.items():
        html = page.get_data(as_text=True)
        assert 'lang="nl"' in html, name
        assert expected.get(name, "") in html, name
        _assert_dutch(html, name)
