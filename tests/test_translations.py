"""Every fixed text is a gettext message with a Dutch translation, the catalogues are
compiled on every install path, and no Dutch page shows an English fixed text."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations

from app import create_app
from survey import i18n
from survey.services import reports
from survey.services.users import add_user
from tests.reports.data import load_month

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "survey" / "translations"
PASSWORD = "a long password"


def _catalog(locale: str, directory: Path = TRANSLATIONS):
    with (directory / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=locale)


def _keywords() -> list[str]:
    """The extraction keywords, read from the Makefile's `make messages` (one source)."""
    line = next(
        raw for raw in (ROOT / "Makefile").read_text().splitlines()
        if raw.startswith("BABEL_KEYWORDS")
    )  # fmt: skip
    return [part.strip("'") for part in line.split(":=", 1)[1].split()]


def test_every_text_in_the_code_has_a_dutch_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-c", "from babel.messages.frontend import main; main()", "extract",
         "-F", "babel.cfg", *_keywords(), "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as source:
        extracted = {(m.context, m.id) for m in read_po(source) if m.id}
    dutch = {(m.context, m.id): m for m in _catalog("nl") if m.id}
    assert len(extracted) > 150  # the extraction itself found the texts
    missing = sorted(str(key) for key in extracted if key not in dutch)
    untranslated = sorted(
        str(key) for key in extracted
        if key in dutch and (not dutch[key].string or dutch[key].fuzzy)
    )  # fmt: skip
    assert missing == [] and untranslated == []


def test_catalogues_are_compiled_and_current():
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, mo
    compiled = Translations.load(str(TRANSLATIONS), ["nl"])
    for message in _catalog("nl"):
        if message.id and not message.context:
            if message.pluralizable:  # (singular, plural) ids, one translation per form
                singular, plural = message.id
                forms = tuple(compiled.ngettext(singular, plural, n) for n in (1, 2))
                assert forms == tuple(message.string), message.id
            else:
                assert compiled.gettext(message.id) == message.string


def _bare_copy(tmp_path: Path) -> Path:
    """The catalogues as git has them: .po files only."""
    target = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, target, ignore=shutil.ignore_patterns("*.mo", "*.pot"))
    assert not list(target.rglob("*.mo"))
    return target


def _app(translations: Path, database: Path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "BABEL_TRANSLATION_DIRECTORIES": str(translations),
        }
    )


@contextmanager
def _own_catalogues(app):
    """Flask-Babel caches loaded catalogues per process, not per app: let this app load its
    own, and leave no catalogue of it behind for the other tests."""
    cache = app.extensions["babel"].instance.domain_instance.cache
    cache.clear()
    try:
        yield
    finally:
        cache.clear()


def test_an_install_without_compiled_catalogues_still_speaks_dutch(tmp_path, app):
    # pip install -r requirements.txt and gunicorn, without `make translations`.
    translations = _bare_copy(tmp_path)
    fresh = _app(translations, tmp_path / "kto.sqlite3")
    assert sorted(p.parent.parent.name for p in translations.rglob("messages.mo")) == ["en", "nl"]
    with _own_catalogues(fresh):
        # The catalogue this app compiled is the one it reads.
        po = translations / "nl" / "LC_MESSAGES" / "messages.po"
        po.write_text(po.read_text().replace('msgstr "Inloggen"', 'msgstr "Aanmelden"'))
        later = time.time() + 5
        os.utime(po, (later, later))
        fresh = _app(translations, tmp_path / "kto.sqlite3")
        with fresh.test_request_context("/"):
            from flask_babel import gettext

            assert gettext("Log in") == "Aanmelden"
            assert gettext("Staff login") == "Inloggen voor medewerkers"
        page = fresh.test_client().get("/staff/login").get_data(as_text=True)
        assert "Inloggen voor medewerkers" in page and "Aanmelden" in page


def test_an_outdated_catalogue_is_compiled_again_at_start(tmp_path):
    translations = _bare_copy(tmp_path)
    assert len(i18n.compile_catalogues(translations)) == 2
    assert i18n.compile_catalogues(translations) == []  # current: nothing to do
    po = translations / "nl" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text().replace('msgstr "Inloggen"', 'msgstr "Aanmelden"'))
    later = time.time() + 5
    os.utime(po, (later, later))
    assert i18n.compile_catalogues(translations) == [po.with_suffix(".mo")]
    assert Translations.load(str(translations), ["nl"]).gettext("Log in") == "Aanmelden"


def test_a_catalogue_that_cannot_be_compiled_stops_the_start(tmp_path, monkeypatch):
    translations = _bare_copy(tmp_path)

    def read_only(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(i18n.tempfile, "mkstemp", read_only)
    with pytest.raises(RuntimeError, match="make translations"):
        _app(translations, tmp_path / "kto.sqlite3")


def _english_texts() -> list[re.Pattern]:
    """English msgids that Dutch pages must not show: those Dutch says differently, and
    not single lower-case words that are Dutch too ('met', 'n')."""
    patterns = []
    for message in _catalog("nl"):
        text = message.id
        if message.pluralizable:
            continue  # both forms hold a %(count)s placeholder, as skipped below
        if not text or message.string == text or "%(" in text:
            continue
        if " " not in text and (text.islower() or len(text) < 4):
            continue
        text = text.replace("%%", "%")
        patterns.append(re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)"))
    return patterns


def _assert_dutch(page: str, where: str) -> None:
    shown = html.unescape(page)
    found = [p.pattern for p in _english_texts() if p.search(shown)]
    assert found == [], where


@pytest.fixture
def staff_client(client, demo_org):
    load_month()
    add_user("demo@example.nl", PASSWORD, "demo")
    report = reports.build_monthly_report("demo", "2026-10")
    client.post("/staff/login", data={"email": "demo@example.nl", "password": PASSWORD})
    return client, report.id


def test_dutch_pages_show_no_english_fixed_text(staff_client):
    client, report_id = staff_client
    pages = {
        "/": "Klanttevredenheid",
        "/staff/demo/reports": "Maandrapporten",
        f"/staff/demo/reports/{report_id}": "Tabellen (XLSX)",
        "/kiosk/": "Klanttevredenheid",
        "/kiosk/enrol/unknown-token": "Tablet koppelen",
    }
    for path, dutch in pages.items():
        page = client.get(path).get_data(as_text=True)
        assert dutch in page, path
        if path == "/kiosk/":  # the shell carries both languages; only Dutch is checked
            raw = re.search(r'<script type="application/json" id="texts">(.*?)</script>', page)
            page = json.dumps(json.loads(raw.group(1))["nl"], ensure_ascii=False)
        _assert_dutch(page, path)
    client.post("/staff/logout")
    _assert_dutch(client.get("/staff/login").get_data(as_text=True), "/staff/login")


def test_the_check_sees_english_buttons(staff_client):
    client, _ = staff_client
    page = client.get("/staff/demo/reports?lang=en").get_data(as_text=True)
    with pytest.raises(AssertionError):
        _assert_dutch(page, "English page")


def test_report_page_names_tables_and_charts_in_the_pages_language(staff_client):
    client, report_id = staff_client
    dutch = client.get(f"/staff/demo/reports/{report_id}").get_data(as_text=True)
    assert "Tabel Kanalen (CSV)" in dutch and 'alt="Grafiek: Tevreden per contactkanaal"' in dutch
    english = client.get(f"/staff/demo/reports/{report_id}?lang=en").get_data(as_text=True)
    assert "Table Channels (CSV)" in english
    listing = client.get("/staff/demo/reports").get_data(as_text=True)
    assert "Nederlands" in listing
