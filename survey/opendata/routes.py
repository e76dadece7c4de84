"""The open data pages and files. Views parse, call survey.services.open_data, render.

Every answer is public and the same for everyone: no session is read or written (no cookie
is ever set), `Cache-Control: public` with an ETag of the figures' version (a rebuilt report
changes it), `304 Not Modified` for a matching `If-None-Match`. An organisation that does not
publish, an unknown code and a month without figures all answer the same 404.
"""

from __future__ import annotations

from flask import Response, abort, jsonify, render_template, request, url_for
from flask_babel import get_locale

from survey.errors import NotFound
from survey.i18n import in_language
from survey.opendata import bp
from survey.reports import display, open_data, spreadsheet, texts
from survey.services import open_data as service

MAX_AGE = 300  # seconds a browser or proxy may keep an answer without asking again


def _language() -> str:
    return "en" if str(get_locale()) == "en" else "nl"


def _lang_query() -> dict:
    """`lang` when the visitor chose one, so every link keeps the choice (no cookie)."""
    asked = request.args.get("lang")
    return {"lang": asked} if asked in open_data.LANGUAGES else {}


def _publisher(org: str) -> service.Published:
    try:
        return service.publisher(org)
    except NotFound:
        abort(404)


def _figures(published: service.Published, month: str) -> service.MonthFigures:
    try:
        return service.month_figures(published, month)
    except NotFound:
        abort(404)


def _cacheable(response: Response, version: str, vary_language: bool) -> Response:
    """Public caching with an ETag; a 304 when the client's copy is current."""
    response.set_etag(f"{version}-{_language() if vary_language else 'x'}")
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    if vary_language:
        response.vary.add("Accept-Language")
    return response.make_conditional(request)


@bp.get("/<org>/")
def index(org: str):
    """The months an organisation published, with links to each month's page and files."""
    published = _publisher(org)
    found = service.months(published)
    html = render_template(
        "open/index.html",
        published=published,
        months=found,
        lang=_language(),
        lang_query=_lang_query(),
        month_name=texts.month_name,
        suppress_below=display.SUPPRESS_BELOW,
    )
    return _cacheable(Response(html), service.listing_version(published, found), True)


@bp.get("/<org>/months.json")
def months_json(org: str):
    """The months as JSON, each with the addresses of its files."""
    published = _publisher(org)
    found = service.months(published)
    body = {
        "organisation": {"code": published.slug, "name": published.name},
        "months": [
            {
                "month": f"{m.month:%Y-%m}",
                "built_at": m.built_at.isoformat(),
                "json": url_for("open.month_json", org=published.slug, month=f"{m.month:%Y-%m}"),
                "csv": url_for("open.month_csv", org=published.slug, month=f"{m.month:%Y-%m}"),
                "machine_csv": url_for(
                    "open.month_machine_csv", org=published.slug, month=f"{m.month:%Y-%m}"
                ),
            }
            for m in found
        ],
    }
    return _cacheable(jsonify(body), service.listing_version(published, found), False)


@bp.get("/<org>/<month>/")
def month_page(org: str, month: str):
    """One month's headline figures per channel as a table."""
    figures = _figures(_publisher(org), month)
    lang = _language()
    html = render_template(
        "open/month.html",
        figures=figures,
        rows=open_data.headlines(figures.data),
        with_nps=any(r.nps is not None for r in open_data.headlines(figures.data)),
        month_name=texts.month_name(figures.month, lang),
        lang=lang,
        lang_query=_lang_query(),
        suppress_below=display.SUPPRESS_BELOW,
        display=display,
        w=lambda key: texts.word(key, lang),
    )
    return _cacheable(Response(html), figures.version(), True)


def _attachment(text: str, mimetype: str, name: str, version: str, vary: bool) -> Response:
    response = Response(text, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return _cacheable(response, version, vary)


@bp.get("/<org>/<month>/figures.csv")
def month_csv(org: str, month: str):
    """For spreadsheets: in Dutch `;`, decimal comma and a byte order mark (as the report's
    CSV files); `?lang=en` gives English words with comma and decimal point."""
    figures = _figures(_publisher(org), month)
    lang = _language()
    with in_language(lang):
        headers, rows = open_data.spreadsheet_table(figures.data, lang)
        text = spreadsheet.csv_text(headers, rows, lang)
    name = f"kto-{figures.publisher.slug}-{figures.month:%Y-%m}-{lang}.csv"
    return _attachment(text, "text/csv", name, figures.version(), True)


@bp.get("/<org>/<month>/figures-machine.csv")
def month_machine_csv(org: str, month: str):
    """For programs: RFC 4180 (comma, decimal point, UTF-8 without byte order mark), codes
    instead of words, shares as fractions 0..1."""
    figures = _figures(_publisher(org), month)
    headers, rows = open_data.machine_table(figures.publisher.slug, figures.month, figures.data)
    text = spreadsheet.csv_text(headers, rows)
    name = f"kto-{figures.publisher.slug}-{figures.month:%Y-%m}.csv"
    return _attachment(text, "text/csv", name, figures.version(), False)


@bp.get("/<org>/<month>/figures.json")
def month_json(org: str, month: str):
    figures = _figures(_publisher(org), month)
    body = open_data.json_document(
        figures.publisher.slug, figures.publisher.name, figures.month, figures.data,
        figures.built_at,
    )
    return _cacheable(jsonify(body), figures.version(), False)
