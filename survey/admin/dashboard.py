"""The staff dashboard (/staff/<org>/dashboard, the organisation's landing page): a period
and filters from the URL, the report's story and charts for them, comments for analysts.

Views parse the URL, ask survey.services.dashboard, render. Charts are <img> SVGs made by
survey.reports.charts (the PDF's chart code), each with a data table on the page.
"""

from __future__ import annotations

from flask import Response, abort, render_template, request, url_for
from flask_babel import get_locale

from survey import tasks
from survey.admin import bp
from survey.admin.permissions import current_organisation, may_read_comments, requires
from survey.reports import charts, display, spreadsheet, story, texts
from survey.reports import dashboard_cells as cells
from survey.services import dashboard

VIEW_SECONDS = 60
CHART_NAMES = ("mix", "channels", "trend", "reasons")


def _language() -> str:
    return "en" if str(get_locale()) == "en" else "nl"


def _current() -> dashboard.View:
    """The view of this request's organisation, period and filters; built views are kept a
    minute per process, so the page and its chart images share one computation."""
    organisation = current_organisation()
    args = {k: v for k, v in request.args.items() if k not in ("lang", "q")}
    key = ("view", organisation.id, _language(), tuple(sorted(args.items())))
    found = cells.get(key)
    if found is None:
        found = dashboard.view(organisation, request.args, _language())
        cells.put(key, found, VIEW_SECONDS)
        if found.cold:
            # The worker stores this organisation's current months for every web process.
            tasks.warm_dashboard(organisation.id)
    return found


def _query(current: dashboard.View, **changes) -> dict:
    values = {**current.period.query(), **current.filters.query()}
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


@bp.get("/<org>/dashboard", endpoint="dashboard")
@requires("viewer")
def dashboard_page():
    """The dashboard for the period and filters in the URL."""
    current = _current()
    data = current.data
    lang = _language()
    search = request.args.get("q", "")
    comments = (
        dashboard.comments(current_organisation(), current, search, lang)
        if may_read_comments()
        else None
    )
    spark = {row.channel: row for row in data.trend.rows}
    all_tables = spreadsheet.tables(data)
    return render_template(
        "admin/dashboard/page.html",
        current=current,
        data=data,
        lang=lang,
        query=_query(current),
        previous=_query(current, **current.period.shifted(-1).query()),
        following=_query(current, **current.period.shifted(1).query()),
        choices=dashboard.choices(current_organisation(), lang),
        overall=display.percent(data.summary.satisfied, lang),
        sentence=story.overall_sentence(data),
        nps_line=story.nps_line(data),
        tiles=story.tiles(data),
        changes=story.changes(data, top=10),
        targets=story.targets(data),
        spark=spark,
        charts={name: texts.chart_title(name, lang) for name in CHART_NAMES},
        tables={name: charts.table(name, data, all_tables) for name in CHART_NAMES},
        comments=comments,
        search=search,
        display=display,
        w=lambda key: texts.word(key, lang),
    )


@bp.get("/<org>/dashboard/chart/<name>.svg")
@requires("viewer")
def dashboard_chart(name: str):
    """One chart of the dashboard as SVG (the same period and filters as the page)."""
    if name not in CHART_NAMES:
        abort(404)
    return _svg(_cached_svg(("chart", name), lambda data: charts.svg(name, data)))


@bp.get("/<org>/dashboard/spark/<row>.svg")
@requires("viewer")
def dashboard_spark(row: str):
    """A channel's (or 'all') satisfied share over the last 13 periods, as SVG."""
    data = _current().data
    found = next((r for r in data.trend.rows if (r.channel or "all") == row), None)
    if found is None:
        abort(404)
    return _svg(_cached_svg(("spark", row), lambda data: charts.sparkline_svg(found, data)))


def _cached_svg(what: tuple, make) -> str:
    """An SVG of the current view, made once per view (views are kept a minute)."""
    current = _current()
    key = ("svg", id(current), *what)
    hit = cells.get(key)
    if hit is not None and hit[1] is current:
        return hit[0]
    text = make(current.data)
    cells.put(key, (text, current), VIEW_SECONDS)
    return text


def _svg(text: str) -> Response:
    return Response(
        text, mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=60"}
    )


def chart_url(name: str, query: dict) -> str:
    return url_for("admin.dashboard_chart", name=name, **query)
