"""Organisation settings: saved with an audit entry; bad values and unsafe logos refused at the
field with nothing changed."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEntry, Membership, Organisation
from tests.admin.fixtures import fresh, login
from tests.conftest import count_rows

GOOD = {
    "name": "Gemeente Alfa aan Zee",
    "default_language": "en",
    "timezone": "Europe/Amsterdam",
    "complaint_url": "https://www.alfa.nl/klacht",
}


@pytest.fixture
def admin(client, staff):
    login(client, "admin@alfa.nl")
    return fresh(client)


def png(width=60, height=20) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 71, 107)).save(buffer, "PNG")
    return buffer.getvalue()


def test_settings_are_saved_with_their_audit_entry(admin, staff):
    viewer = staff.users["alpha-viewer"].id
    response = admin.post("/staff/alpha/settings", data={**GOOD, "subscribers": [str(viewer)]})
    assert response.status_code == 303
    org = db.session.get(Organisation, staff.alpha.id)
    db.session.refresh(org)
    assert (org.name, org.default_language, org.timezone, org.complaint_url) == tuple(
        GOOD.values())
    subscribed = db.session.execute(
        select(Membership.user_id).where(Membership.receives_reports.is_(True))).scalars().all()
    assert subscribed == [viewer]
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "organisation.settings")).scalar()
    assert entry.before["name"] == "Gemeente Alfa" and entry.after["name"] == GOOD["name"]
    subs = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "organisation.subscribers")).scalar()
    assert subs.before == {"subscribers": []} and subs.after == {"subscribers": ["viewer@alfa.nl"]}
    from survey.services.users import subscribers

    assert subscribers(staff.alpha.id) == ["viewer@alfa.nl"]


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"name": ""}, "name", 422),
        ({"name": "x" * 201}, "name", 422),
        ({"default_language": "de"}, "default_language", 422),
        ({"timezone": "Mars/Olympus"}, "timezone", 422),
        ({"timezone": "x" * 5000}, "timezone", 422),
        ({"complaint_url": "javascript:alert(1)"}, "complaint_url", 422),
        ({"complaint_url": "http://www.alfa.nl/klacht"}, "complaint_url", 422),
        ({"complaint_url": "https://alfa.nl/" + "k" * 500}, "complaint_url", 422),
        ({"subscribers": ["not a number"]}, "subscribers", 422),
    ],
)
def test_bad_settings_change_nothing(admin, staff, change, field, status):
    before = count_rows()
    response = admin.post("/staff/alpha/settings", data={**GOOD, **change})
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page or 'class="field-error"' in page
    assert f'{field}-error' in page
    assert count_rows() == before
    db.session.refresh(db.session.get(Organisation, staff.alpha.id))
    assert db.session.get(Organisation, staff.alpha.id).name == "Gemeente Alfa"


def test_another_organisations_user_cannot_be_a_subscriber(admin, staff):
    before = count_rows()
    beta_user = staff.users["beta-viewer"].id
    response = admin.post("/staff/alpha/settings", data={**GOOD, "subscribers": [str(beta_user)]})
    assert response.status_code == 404
    assert count_rows() == before


def upload(client, data: bytes, filename: str):
    return client.post(
        "/staff/alpha/settings/logo",
        data={"logo": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_png_and_svg_logos_are_stored_and_served_safely(admin, staff):
    assert upload(admin, png(), "logo.png").status_code == 303
    served = fresh(admin).get("/staff/alpha/settings/logo")
    assert served.mimetype == "image/png" and served.data == png()
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>'
    assert upload(fresh(admin), svg, "logo.svg").status_code == 303
    assert fresh(admin).get("/staff/alpha/settings/logo").mimetype == "image/svg+xml"
    actions = db.session.execute(select(AuditEntry.action, AuditEntry.after)).all()
    assert ("organisation.logo", {"logo": f"image/svg+xml, {len(svg)} bytes"}) in actions


UNSAFE = [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg",
     "scripts"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "logo.svg",
     "scripts"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
     b'<image x:href="https://evil.example/a.png"/></svg>', "logo.svg", "scripts"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
     "logo.svg", "scripts"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div/></foreignObject></svg>',
     "logo.svg", "scripts"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://e.x/a.css);</style>'
     b'</svg>', "logo.svg", "scripts"),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>', "logo.svg",
     "scripts"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "logo.svg", "geen geldige"),
    (b"<html><body>not an image</body></html>", "logo.svg", "geen geldige"),
    (b"GIF89a\x01\x00\x01\x00", "logo.gif", "png- of svg"),
    (b"\x89PNG\r\n\x1a\nbroken", "logo.png", "geen geldige"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * (200 * 1024), "big.png", "hoogstens 200 kb"),
]


@pytest.mark.parametrize(("data", "filename", "message"), UNSAFE)
def test_unsafe_or_wrong_logos_are_refused(admin, staff, data, filename, message):
    before = count_rows()
    response = upload(admin, data, filename)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page.lower()
    assert 'id="logo-error"' in page
    assert count_rows() == before
    org = db.session.get(Organisation, staff.alpha.id)
    db.session.refresh(org)
    assert org.logo_type == "image/svg+xml" and b"<rect" in org.logo  # the fixture's logo


def test_a_huge_png_by_pixels_is_refused(admin, staff):
    response = upload(admin, png(5000, 10), "wide.png")
    assert response.status_code == 422
