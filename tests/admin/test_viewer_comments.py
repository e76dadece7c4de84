"""Citizens' comments are hidden from viewers unless the organisation allows it: on the
report page, in the PDF, XLSX and CSV downloads and on the dashboard. Analysts always see
them; the setting is changed on the settings page and written to the audit log."""

from __future__ import annotations

import io
import subprocess

import openpyxl
import pytest
from sqlalchemy import select

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import AuditEntry, Organisation
from survey.services import reports
from survey.services.users import add_user
from tests.admin.fixtures import PASSWORD, fresh, login
from tests.reports.data import load_month


def _plain(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def report(client, demo_org):
    load_month()
    for role in ("admin", "analyst", "viewer"):
        add_user(f"{role}@demo.nl", PASSWORD, "demo", role=role)
    made = reports.build_monthly_report("demo", "2026-10")
    data = reports.stored_data(made)
    assert data.comments, "the demo month has comments"
    # A short piece of the first comment: it fits on one line of the PDF.
    words = _plain(data.comments[0].text).split()[:3]
    return made.id, " ".join(words)


def _allow(value: bool) -> None:
    with unit_of_work() as session:
        session.execute(select(Organisation).where(Organisation.slug == "demo")).scalar_one()\
            .viewers_see_comments = value


def _pdf_text(body: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-", "-"], input=body, capture_output=True, check=True
    )
    return _plain(done.stdout.decode())


def _xlsx_text(body: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    cells = [
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True)
        for value in row if value is not None
    ]
    return _plain(" ".join(cells))


def _seen(client, report_id: int, comment: str) -> dict[str, bool]:
    base = f"/staff/demo/reports/{report_id}"
    page = client.get(base)
    assert page.status_code == 200
    pdf = client.get(f"{base}/pdf")
    xlsx = client.get(f"{base}/xlsx")
    assert pdf.data.startswith(b"%PDF") and xlsx.data.startswith(b"PK")
    table = client.get(f"{base}/csv/comments")
    dashboard = client.get("/staff/demo/dashboard?period=month&at=2026-10")
    assert dashboard.status_code == 200
    return {
        "page": f"{base}/csv/comments" in page.get_data(as_text=True),
        "pdf": comment in _pdf_text(pdf.data),
        "xlsx": comment in _xlsx_text(xlsx.data),
        "csv": table.status_code == 200 and comment in _plain(table.get_data(as_text=True)),
        "dashboard": 'id="h-comments"' in dashboard.get_data(as_text=True),
    }


ALL = {"page": True, "pdf": True, "xlsx": True, "csv": True, "dashboard": True}
NONE = dict.fromkeys(ALL, False)


def test_a_viewer_sees_no_comments_unless_allowed(client, report):
    report_id, comment = report
    login(client, "viewer@demo.nl")
    assert _seen(fresh(client), report_id, comment) == NONE
    _allow(True)
    assert _seen(fresh(client), report_id, comment) == ALL


def test_an_analyst_always_sees_comments(client, report):
    report_id, comment = report
    login(client, "analyst@demo.nl")
    assert _seen(fresh(client), report_id, comment) == ALL


def test_the_setting_is_changed_on_the_settings_page_and_audited(client, report):
    login(client, "admin@demo.nl")
    page = fresh(client).get("/staff/demo/settings").get_data(as_text=True)
    assert 'name="viewers_see_comments"' in page
    org = db.session.execute(select(Organisation).where(Organisation.slug == "demo")).scalar_one()
    form = {
        "name": org.name,
        "default_language": org.default_language,
        "timezone": org.timezone,
        "complaint_url": org.complaint_url,
        "viewers_see_comments": "y",
    }
    assert fresh(client).post("/staff/demo/settings", data=form).status_code == 303
    db.session.refresh(org)
    assert org.viewers_see_comments is True
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "organisation.settings")
    ).scalar_one()
    assert entry.before["viewers_see_comments"] is False
    assert entry.after["viewers_see_comments"] is True
