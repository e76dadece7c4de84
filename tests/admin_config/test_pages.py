"""The configuration pages: places, kiosks, website widget, volumes, targets.

Every form: good input is stored; bad input (too long, wrong types, another organisation's ids,
broken CSV) is answered with the message at the field and changes nothing; a missing CSRF
token is refused.
"""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import (
    ContactVolume,
    Device,
    Location,
    Organisation,
    ReportTarget,
    Survey,
    Topic,
    Unit,
)
from survey.services.users import add_user
from tests.admin_config.helpers import other_org
from tests.conftest import count_rows

PASSWORD = "Zeer lang wachtwoord 7391"
PAGES = ("places", "kiosks", "website", "volumes", "targets")


def _login(client, email):
    response = client.post("/staff/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def admin(client, demo_org):
    add_user("beheer@example.nl", PASSWORD, "demo", role="admin")
    _login(client, "beheer@example.nl")
    return client


def _id(model, slug):
    return db.session.execute(select(model.id).where(model.slug == slug)).scalars().first()


def _refused(response, field_id: str, text: str | None = None) -> str:
    """A 422 page with the error at the field (aria-invalid, described by its message)."""
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:400]
    tag = re.search(rf'<[^>]*\bid="{re.escape(field_id)}"[^>]*>', page)
    assert tag and 'aria-invalid="true"' in tag.group(0), field_id
    assert f'id="{field_id}-error"' in page
    if text:
        error = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S).group(1)
        assert text in error, error
    return page


@pytest.mark.parametrize("lang,word", [("nl", "Locaties"), ("en", "Locations")])
def test_pages_open_in_both_languages(admin, lang, word):
    for page in PAGES:
        response = admin.get(f"/staff/demo/{page}?lang={lang}")
        assert response.status_code == 200, page
    assert word in admin.get(f"/staff/demo/places?lang={lang}").get_data(as_text=True)


def test_analyst_may_not_configure(client, demo_org):
    add_user("analist@example.nl", PASSWORD, "demo", role="analyst")
    _login(client, "analist@example.nl")
    for page in PAGES:
        assert client.get(f"/staff/demo/{page}").status_code == 403
    before = count_rows()
    response = client.post("/staff/demo/places/locations",
                           data={"location-name": "X", "location-slug": "x"})
    assert response.status_code == 403 and count_rows() == before


# Places ----------------------------------------------------------------------------------


def test_location_added_and_renamed(admin):
    response = admin.post("/staff/demo/places/locations", data={
        "location-name": "Markt", "location-slug": "markt",
        "location-hours_mon": "09:00-12:00, 13:00-17:00",
    })
    assert response.status_code == 302
    markt = db.session.get(Location, _id(Location, "markt"))
    assert markt.opening_hours == {"mon": [["09:00", "12:00"], ["13:00", "17:00"]]}
    response = admin.post(f"/staff/demo/places/locations/{markt.id}", data={
        "name": "Markt 1", "hours_tue": "8:00-12:00",
    })
    assert response.status_code == 302
    db.session.expire_all()
    markt = db.session.get(Location, markt.id)
    assert (markt.name, markt.slug) == ("Markt 1", "markt")
    assert markt.opening_hours == {"tue": [["08:00", "12:00"]]}


def test_bad_places_are_refused_at_the_field(admin):
    other = other_org()
    before = count_rows()
    url = "/staff/demo/places/locations"
    _refused(admin.post(url, data={"location-name": "x" * 201, "location-slug": "ok"}),
             "location-name")
    _refused(admin.post(url, data={"location-name": "Markt", "location-slug": "Markt Plein"}),
             "location-slug")
    _refused(admin.post(url, data={"location-name": "Markt", "location-slug": "stadhuis"}),
             "location-slug")
    _refused(admin.post(url, data={"location-name": "Markt", "location-slug": "markt",
                                   "location-hours_wed": "17:00-08:00"}), "location-hours_wed")
    _refused(admin.post("/staff/demo/places/units", data={
        "unit-name": "Team", "unit-slug": "team", "unit-parent_id": str(other["unit"])
    }), "unit-parent_id")
    _refused(admin.post("/staff/demo/places/units", data={
        "unit-name": "Team", "unit-slug": "team", "unit-parent_id": "veel"
    }), "unit-parent_id")
    top, child = _id(Unit, "dienstverlening"), _id(Unit, "kcc")
    _refused(admin.post(f"/staff/demo/places/units/{top}",
                        data={"name": "Dienstverlening", "parent_id": str(child)}), "parent_id")
    _refused(admin.post("/staff/demo/places/topics", data={
        "topic-name_nl": "Afval", "topic-name_en": "", "topic-slug": "afval2"
    }), "topic-name_en")
    for path in (f"locations/{other['location']}", f"units/{other['unit']}",
                 f"topics/{other['topic']}", "locations/99999999999"):
        assert admin.get(f"/staff/demo/places/{path}").status_code == 404
        assert admin.post(f"/staff/demo/places/{path}", data={"name": "Van ons"}).status_code == 404
    assert count_rows() == before


# Kiosks ----------------------------------------------------------------------------------


def read_qr(pdf: bytes, folder) -> str:
    """Decode the QR code on the PDF's page (pdftoppm renders it, zbarimg reads it)."""
    import subprocess

    (folder / "code.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(folder / "code.pdf"),
                    str(folder / "code")], check=True)
    return _zbar(folder / "code.png")


def read_qr_svg(svg: str, folder) -> str:
    """Decode the page's inline SVG QR code: its path's squares painted to a PNG with PIL."""
    from PIL import Image, ImageDraw

    view = [float(v) for v in re.search(r'viewBox="([^"]+)"', svg).group(1).split()]
    scale = 8
    image = Image.new("L", (int(view[2] * scale), int(view[3] * scale)), 255)
    draw = ImageDraw.Draw(image)
    path = re.search(r' d="([^"]+)"', svg).group(1)
    for x, y, x2, y2 in re.findall(r"M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)", path):
        draw.rectangle([float(x) * scale, float(y) * scale, float(x2) * scale - 1,
                        float(y2) * scale - 1], fill=0)
    image.save(folder / "screen.png")
    return _zbar(folder / "screen.png")


def _zbar(png) -> str:
    import subprocess

    found = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True,
                           text=True, check=True)
    return found.stdout.strip()


def test_add_kiosk_shows_qr_and_pdf(admin, app, tmp_path):
    response = admin.post("/staff/demo/kiosks", data={
        "name": "Hal links", "location_id": str(_id(Location, "stadhuis")),
        "survey_id": str(_id(Survey, "balie")),
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert '<svg role="img"' in page
    token = re.search(r'/kiosk/enrol/([A-Za-z0-9_-]+)', page).group(1)
    device = db.session.execute(select(Device)).scalar_one()
    pdf = admin.post(f"/staff/demo/kiosks/{device.id}/enrolment.pdf", data={"token": token})
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf.data)) as doc:
        assert f"/kiosk/enrol/{token}" in doc.pages[0].extract_text()
    # The printed code and the one on screen both read as the tablet's link.
    link = f"{app.config['PUBLIC_URL'].rstrip('/')}/kiosk/enrol/{token}"
    assert read_qr(pdf.data, tmp_path) == link
    svg = re.search(r"<svg role=\"img\".*?</svg>", page, re.S).group(0)
    assert read_qr_svg(svg, tmp_path) == link
    wrong = admin.post(f"/staff/demo/kiosks/{device.id}/enrolment.pdf", data={"token": "nope"})
    assert wrong.status_code == 410
    listing = admin.get("/staff/demo/kiosks").get_data(as_text=True)
    assert "Hal links" in listing and "wacht op koppelen" in listing.lower()


def test_kiosk_rename_move_revoke_and_bad_input(admin):
    balie, website = _id(Survey, "balie"), _id(Survey, "website")
    admin.post("/staff/demo/kiosks", data={"name": "Hal", "location_id": "0",
                                           "survey_id": str(balie)})
    device_id = db.session.execute(select(Device.id)).scalar_one()
    other = other_org()
    before = count_rows()
    _refused(admin.post("/staff/demo/kiosks", data={"name": "x" * 101, "location_id": "0",
                                                    "survey_id": str(balie)}), "name")
    _refused(admin.post("/staff/demo/kiosks", data={"name": "Hal", "location_id": "0",
                                                    "survey_id": str(other["survey"])}),
             "survey_id")
    _refused(admin.post(f"/staff/demo/kiosks/{device_id}", data={
        "name": "Hal", "location_id": str(other["location"]), "survey_id": str(balie)
    }), "location_id")
    assert count_rows() == before
    response = admin.post(f"/staff/demo/kiosks/{device_id}", data={
        "name": "Hal rechts", "location_id": str(_id(Location, "stadskantoor")),
        "survey_id": str(website),
    })
    assert response.status_code == 302
    db.session.expire_all()
    device = db.session.get(Device, device_id)
    assert (device.name, device.survey_id) == ("Hal rechts", website)
    assert admin.post(f"/staff/demo/kiosks/{device_id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(Device, device_id).revoked_at is not None


def test_another_organisations_kiosk_is_not_found(admin, app):
    from survey.services import kiosk_admin

    other = other_org()
    theirs = kiosk_admin.add_device(other["org"], None, "Elders", None, other["survey"])
    before = count_rows()
    for path in ("", "/revoke", "/enrolment", "/enrolment.pdf"):
        method = admin.get if path == "" else admin.post
        data = {"token": theirs.token} if path.endswith("pdf") else None
        assert method(f"/staff/demo/kiosks/{theirs.device_id}{path}", data=data).status_code == 404
    assert count_rows() == before


# Website widget --------------------------------------------------------------------------


def _site_data(**changes) -> dict:
    data = {
        "presentations": ["popup", "tab"], "sampling_percent": "50", "delay_seconds": "20",
        "page_views": "1", "scroll_percent": "", "include": "", "exclude": "/contact*",
        "recontact_shown": "7", "recontact_dismissed": "30", "recontact_answered": "90",
    }
    data.update(changes)
    return data


def test_widget_origins_and_settings(admin):
    site = _id(Survey, "website")
    response = admin.post("/staff/demo/website", data={
        "origins": "https://www.voorbeeld.nl\nhttp://localhost:8001"
    })
    assert response.status_code == 302
    response = admin.post(f"/staff/demo/website/{site}", data=_site_data())
    assert response.status_code == 302
    db.session.expire_all()
    settings = db.session.get(Survey, site).settings["widget"]
    assert settings["sampling_rate"] == 0.5 and settings["presentations"] == ["popup", "tab"]
    page = admin.get(f"/staff/demo/website/{site}").get_data(as_text=True)
    assert 'data-org="demo" data-survey="website"' in page.replace("&#34;", '"').replace(
        "&quot;", '"')
    preview = admin.get(f"/staff/demo/website/{site}/preview").get_data(as_text=True)
    assert '/static/widget/v1.js" data-org="demo" data-survey="website"' in preview
    assert admin.post("/staff/demo/website", data={"origins": ""}).status_code == 302
    db.session.expire_all()
    assert db.session.execute(
        select(Organisation.allowed_origins).where(Organisation.slug == "demo")
    ).scalar() == []  # an emptied list is allowed: no website may then post answers


def test_bad_widget_input_changes_nothing(admin):
    site, other = _id(Survey, "website"), other_org()
    before = count_rows()
    _refused(admin.post("/staff/demo/website", data={"origins": "www.voorbeeld.nl"}), "origins")
    _refused(admin.post("/staff/demo/website", data={"origins": "https://a.nl/pad"}), "origins")
    _refused(admin.post("/staff/demo/website", data={"name": "x"}), "origins")  # no field
    url = f"/staff/demo/website/{site}"
    _refused(admin.post(url, data=_site_data(sampling_percent="150")), "sampling_percent")
    _refused(admin.post(url, data=_site_data(sampling_percent="veel")), "sampling_percent")
    wrong = admin.post(url, data=_site_data(presentations=["banner"]))
    assert wrong.status_code == 422 and 'id="presentations-error"' in wrong.get_data(as_text=True)
    _refused(admin.post(url, data=_site_data(exclude="geen-pad")), "exclude")
    _refused(admin.post(url, data=_site_data(recontact_shown="99999")), "recontact_shown")
    for path in ("", "/preview"):
        assert admin.get(f"/staff/demo/website/{other['survey']}{path}").status_code == 404
    theirs = f"/staff/demo/website/{other['survey']}"
    assert admin.post(theirs, data=_site_data()).status_code == 404
    assert count_rows() == before


# Volumes ---------------------------------------------------------------------------------


def test_volume_form_and_csv(admin):
    assert admin.post("/staff/demo/volumes", data={
        "month": "2026-10", "contact_channel": "phone", "count": "9000"
    }).status_code == 302
    csv_text = "month,contact_channel,count\n2026-10,counter,6000\n2026-09,counter,5500\n"
    response = admin.post("/staff/demo/volumes/upload", data={
        "file": (io.BytesIO(csv_text.encode()), "volumes.csv")
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.query(ContactVolume).count() == 3
    chart = admin.get("/staff/demo/volumes/chart.svg?channel=counter")
    assert chart.mimetype == "image/svg+xml" and b"<svg" in chart.data


def test_bad_volumes_change_nothing(admin):
    before = count_rows()
    _refused(admin.post("/staff/demo/volumes", data={
        "month": "2026-13", "contact_channel": "phone", "count": "1"}), "month")
    _refused(admin.post("/staff/demo/volumes", data={
        "month": "2026-10", "contact_channel": "fax", "count": "1"}), "contact_channel")
    _refused(admin.post("/staff/demo/volumes", data={
        "month": "2026-10", "contact_channel": "phone", "count": "veel"}), "count")
    _refused(admin.post("/staff/demo/volumes", data={
        "month": "2026-10", "contact_channel": "phone", "count": "-4"}), "count")
    broken = ("month,contact_channel,count\n2026-10,counter,6000\n2026-10,fax,1\n"
              "2026-10,counter,7000\n")
    response = admin.post("/staff/demo/volumes/upload", data={
        "file": (io.BytesIO(broken.encode()), "volumes.csv")
    }, content_type="multipart/form-data")
    page = _refused(response, "file")
    table = page[page.index('id="line-errors"'):]
    assert "<td>3</td>" in table and "<td>4</td>" in table and "regel 2" in table.lower()
    for body, name in ((b"\xff\xfe\x00bad", "x.csv"), (b"maand;aantal\n", "x.csv")):
        _refused(admin.post("/staff/demo/volumes/upload", data={"file": (io.BytesIO(body), name)},
                            content_type="multipart/form-data"), "file")
    _refused(admin.post("/staff/demo/volumes/upload", data={},
                        content_type="multipart/form-data"), "file")
    assert count_rows() == before


# Targets ---------------------------------------------------------------------------------


def _target(**changes) -> dict:
    data = {"measure": "satisfied", "contact_channel": "counter", "question_key": "",
            "value": "90", "start_month": "2026-01", "label_nl": "90% tevreden balie",
            "label_en": "90% satisfied counter"}
    data.update(changes)
    return data


def test_target_added_edited_deleted(admin):
    assert admin.post("/staff/demo/targets", data=_target()).status_code == 302
    target = db.session.execute(
        select(ReportTarget).where(ReportTarget.label_nl == "90% tevreden balie")
    ).scalar_one()
    assert target.share == pytest.approx(0.9) and f"{target.start_month:%Y-%m}" == "2026-01"
    response = admin.post(f"/staff/demo/targets/{target.id}",
                          data=_target(measure="nps", value="0", label_nl="NPS"))
    assert response.status_code == 302
    db.session.expire_all()
    target = db.session.get(ReportTarget, target.id)
    assert (target.measure, target.share) == ("nps", 0.0)
    assert admin.post(f"/staff/demo/targets/{target.id}/delete").status_code == 302
    assert db.session.get(ReportTarget, target.id) is None


def test_bad_targets_change_nothing(admin):
    other = other_org()
    from survey.services import targets

    theirs = targets.create_target(other["org"], None, "satisfied", None, None, 80, None, "a", "b")
    before = count_rows()
    _refused(admin.post("/staff/demo/targets", data=_target(value="120")), "value")
    _refused(admin.post("/staff/demo/targets", data=_target(value="negentig")), "value")
    _refused(admin.post("/staff/demo/targets", data=_target(start_month="2026-13")), "start_month")
    _refused(admin.post("/staff/demo/targets", data=_target(label_nl="x" * 201)), "label_nl")
    _refused(admin.post("/staff/demo/targets", data=_target(contact_channel="fax")),
             "contact_channel")
    _refused(admin.post("/staff/demo/targets", data=_target(measure="yes_share")), "question_key")
    for path in ("", "/delete"):
        assert admin.post(f"/staff/demo/targets/{theirs}{path}", data=_target()).status_code == 404
    assert admin.get(f"/staff/demo/targets/{theirs}").status_code == 404
    assert count_rows() == before


# CSRF ------------------------------------------------------------------------------------


def test_every_form_refuses_a_missing_or_wrong_csrf_token(admin, app, monkeypatch):
    device = None
    from survey.services import kiosk_admin, targets
    from tests.admin_config.helpers import demo_id

    device = kiosk_admin.add_device(demo_id(), None, "Hal", None, _id(Survey, "balie"))
    target = targets.create_target(demo_id(), None, "satisfied", None, None, 80, None, "a", "b")
    location, unit, topic = _id(Location, "stadhuis"), _id(Unit, "kcc"), _id(Topic, "afval")
    site = _id(Survey, "website")
    posts = {
        "/staff/demo/places/locations": {"location-name": "M", "location-slug": "m"},
        f"/staff/demo/places/locations/{location}": {"name": "M"},
        "/staff/demo/places/units": {"unit-name": "M", "unit-slug": "m", "unit-parent_id": "0"},
        f"/staff/demo/places/units/{unit}": {"name": "M", "parent_id": "0"},
        "/staff/demo/places/topics": {"topic-name_nl": "M", "topic-name_en": "M",
                                      "topic-slug": "m"},
        f"/staff/demo/places/topics/{topic}": {"name_nl": "M", "name_en": "M"},
        "/staff/demo/kiosks": {"name": "M", "location_id": "0", "survey_id": str(site)},
        f"/staff/demo/kiosks/{device.device_id}": {"name": "M", "location_id": "0",
                                                   "survey_id": str(site)},
        f"/staff/demo/kiosks/{device.device_id}/revoke": {},
        f"/staff/demo/kiosks/{device.device_id}/enrolment": {},
        f"/staff/demo/kiosks/{device.device_id}/enrolment.pdf": {"token": device.token},
        "/staff/demo/website": {"origins": "https://a.nl"},
        f"/staff/demo/website/{site}": _site_data(),
        "/staff/demo/volumes": {"month": "2026-10", "contact_channel": "phone", "count": "1"},
        "/staff/demo/targets": _target(),
        f"/staff/demo/targets/{target}": _target(),
        f"/staff/demo/targets/{target}/delete": {},
    }
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = count_rows()
    for url, data in posts.items():
        for token in (None, "wrong-token"):
            body = dict(data) | ({"csrf_token": token} if token else {})
            response = admin.post(url, data=body)
            assert response.status_code == 400, (url, token, response.status_code)
    upload = admin.post("/staff/demo/volumes/upload", data={
        "file": (io.BytesIO(b"month,contact_channel,count\n2026-10,phone,1\n"), "v.csv")
    }, content_type="multipart/form-data")
    assert upload.status_code == 400
    assert count_rows() == before
    db.session.expire_all()
    assert db.session.get(Device, device.device_id).revoked_at is None
