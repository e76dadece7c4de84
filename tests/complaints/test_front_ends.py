"""What the front ends get for complaint referral: the kiosk's config (address and a QR code
that really reads back), the widget's config, the short link, the link page's thanks, and the
survey editor's per-option flag."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from PIL import Image
from sqlalchemy import select

from survey.extensions import db
from survey.models import Organisation, Survey
from survey.services import complaints, survey_editor, widget
from survey.services.users import add_user
from tests.conftest import count_rows
from tests.kiosk.helpers import enrolled_device

COMPLAINT_URL = "https://www.voorbeeld.nl/klacht"
PASSWORD = "a long password for complaints"
ZBARIMG = shutil.which("zbarimg")


def _org() -> Organisation:
    return db.session.execute(select(Organisation).where(Organisation.slug == "demo")).scalar_one()


def _read_qr(qr: dict, folder) -> str:
    """Draw the config's SVG path (one rectangle per run: M x y h w v1 h-w z) at 8 px a module
    and read it with zbarimg."""
    assert ZBARIMG, "zbarimg is needed (scripts/system-deps.sh installs zbar-tools)"
    scale, size = 8, qr["size"]
    image = Image.new("L", (size * scale, size * scale), 255)
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z", qr["path"])
    assert "".join(f"M{x} {y}h{w}v1h-{w2}z" for x, y, w, w2 in runs) == qr["path"]
    for x, y, w, _ in runs:
        x, y, w = int(x), int(y), int(w)
        image.paste(0, (x * scale, y * scale, (x + w) * scale, (y + 1) * scale))
    path = folder / "qr.png"
    image.save(path)
    found = subprocess.run([ZBARIMG, "-q", "--raw", str(path)], capture_output=True, text=True,
                           timeout=30)  # fmt: skip
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()


def test_kiosk_config_carries_the_address_and_a_qr_code(client, demo_org, tmp_path):
    _, secret = enrolled_device()
    config = client.get("/kiosk/api/config", headers={"X-Kto-Device": secret}).get_json()
    complaint = config["complaint"]
    assert (complaint["url"], complaint["shown"]) == (COMPLAINT_URL, "www.voorbeeld.nl/klacht")
    assert _read_qr(complaint["qr"], tmp_path) == COMPLAINT_URL
    options = config["definition"]["questions"][1]["options"]
    assert [o["code"] for o in options if o.get("complaint")] == ["klacht"]


def test_kiosk_config_with_a_long_address_uses_the_short_link(client, demo_org, tmp_path, app):
    _org().complaint_url = "https://www.voorbeeld.nl/" + "klachten/" * 6 + "indienen"
    db.session.commit()
    _, secret = enrolled_device()
    complaint = client.get("/kiosk/api/config", headers={"X-Kto-Device": secret}).get_json()[
        "complaint"
    ]
    short = app.config["PUBLIC_URL"].rstrip("/") + "/k/demo"
    assert complaint["url"] == short and complaint["shown"] == short.split("://", 1)[1]
    assert _read_qr(complaint["qr"], tmp_path) == short


def test_kiosk_config_without_complaint_page_or_reason_has_none(client, demo_org):
    _org().complaint_url = ""
    db.session.commit()
    _, secret = enrolled_device()
    headers = {"X-Kto-Device": secret}
    assert client.get("/kiosk/api/config", headers=headers).get_json()["complaint"] is None
    assert complaints.kiosk_complaint(_org(), {"questions": []}) is None


def test_short_link_redirects_to_the_complaint_page(client, demo_org):
    reply = client.get("/k/demo")
    assert (reply.status_code, reply.headers["Location"]) == (302, COMPLAINT_URL)
    assert client.get("/k/onbekend").status_code == 404
    _org().complaint_url = ""
    db.session.commit()
    assert client.get("/k/demo").status_code == 404


def _widget_survey(settings_complaint: bool = True) -> None:
    row = db.session.execute(select(Survey).where(Survey.slug == "balie")).scalar_one()
    row.settings = {"contact_channel": "counter", "widget": {"presentations": ["inline"]}}
    db.session.commit()
    widget.clear_cache()


def test_widget_config_names_the_complaint_reason_and_page(client, demo_org):
    _widget_survey()
    config = client.get("/api/v1/widget/demo/balie?lang=nl").get_json()
    assert config["complaint"] == {"key": "reden", "code": "klacht", "href": COMPLAINT_URL}
    assert config["texts"]["nl"]["complaint"] == "Dien een klacht in op onze klachtenpagina"
    english = client.get("/api/v1/widget/demo/balie?lang=en").get_json()
    assert english["texts"]["en"]["complaint"] == "Make a complaint on our complaint page"
    # The demo website survey has no complaint reason: its config stays as small as it was.
    website = client.get("/api/v1/widget/demo/website?lang=nl").get_json()
    assert "complaint" not in website and "complaint" not in website["texts"]["nl"]


def test_widget_config_without_a_complaint_page_has_no_link(client, demo_org):
    _org().complaint_url = ""
    db.session.commit()
    _widget_survey()
    config = client.get("/api/v1/widget/demo/balie?lang=nl").get_json()
    assert "complaint" not in config


def _answer_plain(client, answers: list[tuple[str, list[str]]]) -> str:
    """Answer the demo counter survey through its plain QR link; the thank-you page's HTML."""
    page = client.get("/s/q/demo/balie/stadhuis").get_data(as_text=True)
    form = re.search(r'name="form" value="([^"]+)"', page).group(1)
    question, values = answers[0]
    reply = client.post("/s/q/demo/balie/stadhuis",
                        data={"form": form, "question": question, "answer": values})  # fmt: skip
    assert reply.status_code == 303
    follow = reply.headers["Location"]
    for question, values in answers[1:]:
        data = {"question": question, "answer": values} if values else {
            "question": question, "skip": "1"}
        reply = client.post(follow, data=data)
        assert reply.status_code == 303, reply.get_data(as_text=True)[:300]
        follow = reply.headers["Location"]
    return client.get(follow).get_data(as_text=True)


def test_link_page_thanks_links_only_after_the_complaint_reason(client, demo_org):
    link = f'<a href="{COMPLAINT_URL}">Dien een klacht in op onze klachtenpagina</a>'
    thanks = _answer_plain(
        client, [("oordeel", ["down"]), ("reden", ["klacht", "lang_wachten"]), ("onderwerp", [])]
    )
    assert "Bedankt voor uw antwoord!" in thanks and link in thanks
    thanks = _answer_plain(
        client, [("oordeel", ["down"]), ("reden", ["lang_wachten"]), ("onderwerp", [])]
    )
    assert "Bedankt voor uw antwoord!" in thanks and "klachtenpagina" not in thanks


@pytest.fixture
def admin(client, demo_org):
    add_user("admin@voorbeeld.nl", PASSWORD, "demo", "admin")
    reply = client.post("/staff/login", data={"email": "admin@voorbeeld.nl",
                                              "password": PASSWORD})  # fmt: skip
    assert reply.status_code == 302
    return client


QUESTION = {
    "key": "reden",
    "kind": "choice",
    "text_nl": "Wat ging er niet goed?",
    "multiple": "y",
    "show_if_question": "oordeel",
    "show_if_operator": "equals",
    "show_if_value": "down",
    "options-0-code": "lang_wachten",
    "options-0-text_nl": "Ik moest lang wachten",
    "options-1-code": "klacht",
    "options-1-text_nl": "Ik wil een klacht indienen",
}


def test_editor_shows_and_saves_the_flag(admin):
    page = admin.get("/staff/demo/surveys/balie/questions/reden").get_data(as_text=True)
    boxes = re.findall(r'<input[^>]*id="options-(\d+)-complaint"[^>]*>', page)
    checked = [n for n in boxes if re.search(
        rf'id="options-{n}-complaint"[^>]*checked|checked[^>]*id="options-{n}-complaint"', page)]
    assert checked == ["4"]  # the demo's fifth counter reason, "Ik wil een klacht indienen"
    assert "Reden om een klacht in te dienen" in page
    reply = admin.post("/staff/demo/surveys/balie/questions/reden",
                       data={**QUESTION, "options-1-complaint": "y"})  # fmt: skip
    assert reply.status_code == 302
    options = survey_editor.survey_of(1, "balie").draft["questions"][1]["options"]
    assert options == [
        {"code": "lang_wachten", "text": {"nl": "Ik moest lang wachten"}},
        {"code": "klacht", "text": {"nl": "Ik wil een klacht indienen"}, "complaint": True},
    ]


def test_editor_refuses_a_second_complaint_reason_at_its_field(admin):
    before = count_rows()
    reply = admin.post("/staff/demo/surveys/balie/questions/onderwerp", data={
        "key": "onderwerp", "kind": "choice", "text_nl": "Waar ging uw bezoek over?",
        "options-0-code": "anders", "options-0-text_nl": "Iets anders",
        "options-0-complaint": "y", "show_if_operator": "equals"})  # fmt: skip
    assert reply.status_code == 422
    html = reply.get_data(as_text=True)
    found = re.search(r'id="options-0-complaint-error">([^<]*)<', html)
    assert found and "Maar één antwoord" in found.group(1)
    assert count_rows() == before
    assert survey_editor.survey_of(1, "balie").draft is None
