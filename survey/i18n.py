"""Language choice and the gettext catalogues: Dutch first, English when asked for.

Fixed texts are gettext messages (Flask-Babel). Their msgids are the English source text;
`survey/translations/nl` translates every one of them, `survey/translations/en` leaves them
as they are. Inside a request the locale comes from `?lang=`, the choice kept in a staff
session, or Accept-Language; outside a
request (the worker building a report, the CLI) code speaks a language with `in_language`.

The compiled catalogues (`messages.mo`, not in git) are built by `make translations` and,
whatever the install path, again at start-up when one is missing or older than its `.po`,
so no deployment falls back to the English msgids under Dutch questions.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import force_locale, get_locale

from survey.extensions import babel

log = logging.getLogger(__name__)


def select_locale() -> str:
    supported = current_app.config["BABEL_SUPPORTED_LOCALES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in supported:
        return asked
    # A choice made on a staff page is kept in the session (survey/admin/staff_session.py);
    # citizens' pages never carry a session cookie, so this is only ever staff.
    kept = session.get("lang")
    if kept in supported:
        return kept
    return request.accept_languages.best_match(supported) or supported[0]


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """gettext speaks `language` inside the block, in a request or not.

    Flask-Babel silently answers with the msgid (English) without an application context;
    a Dutch report or e-mail must never come out English, so that is an error here.
    """
    if not has_app_context():
        raise RuntimeError("Translated texts need an application context (Flask-Babel).")
    with force_locale(language):
        yield


def _stale(po: Path, mo: Path) -> bool:
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def compile_catalogues(directory: str | Path) -> list[Path]:
    """Compile every `<locale>/LC_MESSAGES/*.po` under directory whose `.mo` is missing or
    older, as `pybabel compile` does (fuzzy entries left out). Returns the files written.

    The `.mo` is written to a temporary file and renamed, so workers starting at the same
    time never read half a catalogue.
    """
    written = []
    for po in sorted(Path(directory).glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not _stale(po, mo):
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        handle, tmp = tempfile.mkstemp(dir=po.parent, prefix=".messages-", suffix=".mo")
        try:
            with os.fdopen(handle, "wb") as target:
                write_mo(target, catalog, use_fuzzy=False)
            os.replace(tmp, mo)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(mo)
    return written


def translation_directories(app: Flask) -> list[str]:
    raw = app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations")
    return [os.path.join(app.root_path, d) for d in raw.split(";") if d]


def init_app(app: Flask) -> None:
    for directory in translation_directories(app):
        try:
            for mo in compile_catalogues(directory):
                log.info("Compiled translations %s", mo)
        except OSError as error:
            raise RuntimeError(
                f"The translations in {directory} are not compiled and cannot be compiled "
                f"here ({error}); run 'make translations' (pybabel compile) when installing."
            ) from error
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(_fresh_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["language_name"] = language_name


def _fresh_locale() -> None:
    """Each request chooses its own locale. Flask-Babel keeps the choice on `g`, and a
    request inside an existing application context (the test client, a CLI command
    calling views) would otherwise inherit the previous request's language."""
    g.pop("_flask_babel", None)


def language_name(code: str) -> str:
    """'nl' as the page's language names it: 'Nederlands' / 'Dutch'."""
    return Locale.parse(code).get_display_name(get_locale() or "nl")
