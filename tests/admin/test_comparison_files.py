"""A comparison group's figures as a PDF and CSV download: the page's figures for the same
period (read back with pdftotext), served as an attachment that is never stored, also from
a live gunicorn server, and never anything the page would not show (no other
organisation's comments, no suppressed count)."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from html.parser import HTMLParser

import pytest
import requests

from survey.extensions import db
from survey.models import Answer
from survey.reports import dashboard_cells
from survey.services.users import add_user
from tests.admin.comparison_data import PASSWORD, three_organisations
from tests.admin.fixtures import fresh, login

OCTOBER = "?period=month&at=2026-10"
NAMES = {"demo": "Gemeente Voorbeeld", "tweede": "Gemeente Tweede"}


@pytest.fixture
def group(app, demo_org):
    dashboard_cells.clear()
    group_id = three_organisations()
    for code in ("demo", "tweede", "derde"):
        add_user(f"viewer@{code}.nl", PASSWORD, code, role="viewer")
    yield group_id
    dashboard_cells.clear()


class Tables(HTMLParser):
    """The data tables of a page: caption -> rows of cell texts (the header row first)."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_caption = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._caption, self._rows = "", []
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("th", "td") and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self.tables[self._caption] = self._rows

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data.strip()
        elif self._cell is not None:
            self._cell.append(data)


def pdf_text(body: bytes) -> str:
    assert body.startswith(b"%PDF-")
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=body, capture_output=True,
                          check=True, timeout=60)
    return done.stdout.decode("utf-8")


def sections(text: str, names) -> dict[str, list[str]]:
    """The PDF's lines per channel section (from its heading to the next one)."""
    lines = text.splitlines()
    starts = [(i, line.strip()) for i, line in enumerate(lines) if line.strip() in names]
    found = {}
    for k, (i, name) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        found[name] = lines[i:end]
    return found


def row_pattern(cells: list[str]) -> re.Pattern:
    return re.compile(r"\s+".join(re.escape(c) for c in cells))


def check_pdf_matches_page(page_html: str, text: str) -> dict[str, list[list[str]]]:
    tables = Tables(page_html).tables
    assert len(tables) >= 4  # all channels, counter, phone, letter, WhatsApp
    parts = sections(text, tables)
    assert list(parts) == list(tables)  # every channel of the page, in the page's order
    for name, rows in tables.items():
        for row in rows:  # the header and every organisation's figures
            assert any(row_pattern(row).search(line) for line in parts[name]), (name, row)
    return tables


def test_pdf_has_the_pages_figures_and_is_a_download_never_stored(client, group):
    login(client, "viewer@demo.nl")
    page = fresh(client).get(f"/staff/demo/comparisons/{group}{OCTOBER}").get_data(as_text=True)
    link = f"/staff/demo/comparisons/{group}/comparison.pdf?period=month&amp;at=2026-10"
    assert link in page and "Download als PDF" in page and "Download als CSV" in page
    response = fresh(client).get(f"/staff/demo/comparisons/{group}/comparison.pdf{OCTOBER}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="kto-demo-regio-2026-10-nl.pdf"')
    assert response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.data)
    tables = check_pdf_matches_page(page, text)
    # Known figures (by hand in tests/admin/test_comparisons.py): counter 37/40 and 15/20.
    counter = sections(text, tables)["Balie"]
    assert any(row_pattern(["Gemeente Voorbeeld", "93%", "80–97%", "40"]).search(x)
               for x in counter)
    assert any(row_pattern(["Gemeente Tweede", "75%", "53–89%", "20"]).search(x)
               for x in counter)
    flat = " ".join(text.split())
    assert "Tevredenheid vergeleken: Regio Voorbeeld" in flat
    assert "Periode: oktober 2026" in flat
    assert "van de 2 organisaties die meedoen aan Regio Voorbeeld, in oktober 2026" in flat
    assert "Cijfers van minder dan 10 reacties staan er niet in" in flat  # suppression
    assert "n_eff: het effectieve aantal reacties na weging" in flat
    assert "Gemeente Derde" not in flat  # invited, never agreed
    # The embedded font (reportlab lists Helvetica in every document's resources).
    fonts = subprocess.run(["pdffonts", "-"], input=response.data, capture_output=True,
                           check=True).stdout.decode()
    embedded = {line.split()[0].split("+")[-1] for line in fonts.splitlines()
                if " yes yes yes " in line}
    assert embedded == {"DejaVuSans", "DejaVuSans-Bold"}


def test_english_pdf_and_a_quarter(client, group):
    login(client, "viewer@tweede.nl")
    query = "?period=quarter&at=2026-Q4&lang=en"
    page = fresh(client).get(f"/staff/tweede/comparisons/{group}{query}").get_data(as_text=True)
    response = fresh(client).get(f"/staff/tweede/comparisons/{group}/comparison.pdf{query}")
    assert response.status_code == 200
    assert 'filename="kto-tweede-regio-2026-Q4-en.pdf"' in response.headers[
        "Content-Disposition"]
    text = pdf_text(response.data)
    check_pdf_matches_page(page, text)
    flat = " ".join(text.split())
    assert "Satisfaction compared: Regio Voorbeeld" in flat and "Period: Q4 2026" in flat
    assert "Made for Gemeente Tweede" in flat
    assert "too few responses" in flat and "te weinig" not in flat


def test_csv_is_the_pages_table(client, group):
    login(client, "viewer@demo.nl")
    page = fresh(client).get(f"/staff/demo/comparisons/{group}{OCTOBER}").get_data(as_text=True)
    response = fresh(client).get(f"/staff/demo/comparisons/{group}/comparison.csv{OCTOBER}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="kto-demo-regio-2026-10-nl.csv"')
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:7] == ["Kanaal", "Organisatie", "Tevreden", "95%-interval", "n", "n_eff",
                           "Betrouwbaarheid"]
    unquote = lambda v: v[1:] if v.startswith("'") else v  # noqa: E731 (formula guard)
    by_key = {(r[0], r[1]): [unquote(v) for v in r[1:]] for r in rows[1:]}
    tables = Tables(page).tables
    assert len(rows) - 1 == sum(len(t) - 1 for t in tables.values())
    for name, table in tables.items():
        assert rows[0][1:len(table[0]) + 1] == table[0]
        for row in table[1:]:
            assert by_key[(name, row[0])][: len(row)] == row
    phone = [r for r in rows if r[:2] == ["Telefoon", "Gemeente Tweede"]]
    assert phone and phone[0][2:5] == ["te weinig reacties", "–", "<10"]


def _leaks(text: str, other: str, suppressed_in: list[str], names) -> list[str]:
    """Lines of the other organisation in sections where its figure is suppressed that
    carry a number other than the '<10' the page shows."""
    found = []
    for name, lines in sections(text, names).items():
        if name not in suppressed_in:
            continue
        for line in lines:
            if NAMES[other] in line and re.search(r"\d", line.replace("<10", "")):
                found.append(line)
    return found


@pytest.mark.parametrize("viewer, other, suppressed_in", [
    ("demo", "tweede", ["Telefoon"]),  # tweede: 8 phone responses, each with a comment
    ("tweede", "demo", ["Brief"]),  # demo: a few letters
])
def test_no_other_organisations_comment_or_suppressed_count(client, group, viewer, other,
                                                            suppressed_in):
    comments = [t for (t,) in db.session.query(Answer.text).filter(Answer.text.is_not(None))]
    assert "Geheim van Tweede: bel 06-87654321" in comments  # the fixture has comments
    login(client, f"viewer@{viewer}.nl")
    page = fresh(client).get(f"/staff/{viewer}/comparisons/{group}{OCTOBER}").get_data(
        as_text=True)
    names = Tables(page).tables
    for name in suppressed_in:  # the page says the figure is suppressed ...
        row = next(r for r in names[name] if r[0] == NAMES[other])
        assert row[1:4] == ["te weinig reacties", "–", "<10"]
    pdf = fresh(client).get(f"/staff/{viewer}/comparisons/{group}/comparison.pdf{OCTOBER}")
    table = fresh(client).get(f"/staff/{viewer}/comparisons/{group}/comparison.csv{OCTOBER}")
    text, rows = pdf_text(pdf.data), table.data.decode("utf-8-sig")
    flat = " ".join(text.split())
    for comment in comments:
        for piece in [comment, *re.findall(r"\d{2}-\d{8}|\S+@\S+", comment)]:
            assert piece not in flat and piece not in rows
    # ... and so do the PDF (chart and table) and the CSV: no number but '<10'.
    assert _leaks(text, other, suppressed_in, names) == []
    for name in suppressed_in:
        assert [r for r in sections(text, names)[name] if NAMES[other] in r]  # rows exist
        line = next(r for r in rows.splitlines() if r.startswith(f'"{name}";"{NAMES[other]}"'))
        assert not re.search(r"\d", line.replace("<10", "").replace("95%", ""))


def test_who_may_download_and_bad_requests(client, group):
    login(client, "viewer@derde.nl")  # invited, never agreed
    assert fresh(client).get(
        f"/staff/derde/comparisons/{group}/comparison.pdf{OCTOBER}").status_code == 404
    login(client, "viewer@demo.nl")
    assert fresh(client).get(
        f"/staff/tweede/comparisons/{group}/comparison.pdf{OCTOBER}").status_code == 404
    assert fresh(client).get(
        f"/staff/demo/comparisons/{group}/comparison.xlsx{OCTOBER}").status_code == 404
    bad = fresh(client).get(
        f"/staff/demo/comparisons/{group}/comparison.pdf?period=quarter&at=2026-Q9")
    assert bad.status_code == 422 and "Content-Disposition" not in bad.headers


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


@pytest.mark.slow
def test_pdf_download_from_a_live_gunicorn_server(app, group, database_url, tmp_path):
    from bench.stack import Gunicorn, base_env

    db.session.commit()
    db.session.remove()  # the workers read what the fixture wrote
    with Gunicorn(base_env(database_url, tmp_path), workers=1) as web, \
            requests.Session() as http:
        form = http.get(f"{web.url}/staff/login", timeout=30)
        login = http.post(f"{web.url}/staff/login", allow_redirects=False, timeout=30, data={
            "email": "viewer@demo.nl", "password": PASSWORD, "csrf_token": _csrf(form.text)})
        assert login.status_code == 302, login.text[:300]
        page = http.get(f"{web.url}/staff/demo/comparisons/{group}{OCTOBER}", timeout=60)
        assert page.status_code == 200
        response = http.get(f"{web.url}/staff/demo/comparisons/{group}/comparison.pdf{OCTOBER}",
                            timeout=120)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="kto-demo-regio-2026-10-nl.pdf"')
    assert response.headers["Cache-Control"] == "no-store"
    assert int(response.headers["Content-Length"]) == len(response.content)
    check_pdf_matches_page(page.text, pdf_text(response.content))


def test_a_long_name_with_markup_characters_is_wrapped_whole(client, group):
    from survey.database import unit_of_work
    from survey.models import Organisation

    long_name = "Gemeente Súdwest-Fryslân & <Omstreken> met een naam die nergens op één regel past"
    with unit_of_work():
        db.session.query(Organisation).filter_by(slug="tweede").one().name = long_name
    dashboard_cells.clear()
    login(client, "viewer@demo.nl")
    response = fresh(client).get(f"/staff/demo/comparisons/{group}/comparison.pdf{OCTOBER}")
    assert response.status_code == 200
    text = pdf_text(response.data)
    words = " ".join(text.split())
    for word in long_name.split():
        assert word in words  # wrapped, never cut off, the markup characters as text
    # Its counter figures still stand in the table (the name wrapped in its cell).
    assert any(row_pattern(["75%", "53–89%", "20", "20", "indicatief"]).search(line)
               for line in sections(text, ["Balie"])["Balie"])
