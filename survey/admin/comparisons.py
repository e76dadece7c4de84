"""Comparison groups on staff pages: the groups an organisation was invited to (an
administrator consents or withdraws), and a group's figures side by side for a period.

Views parse the URL, ask survey.services.comparisons, render. The chart is an <img> SVG made
with the report's chart code (survey.reports.comparison), with its data table on the page.
"""

from __future__ import annotations

from datetime import datetime

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from survey.admin import bp
from survey.admin.permissions import allows, current_organisation, requires
from survey.errors import NotFound
from survey.reports import comparison
from survey.reports.period import AMSTERDAM
from survey.services import comparisons, dashboard


class ConsentForm(FlaskForm):
    """Only the CSRF token: joining and leaving are POSTs."""


def _language() -> str:
    return "en" if str(get_locale()) == "en" else "nl"


@bp.get("/<org>/comparisons", endpoint="comparisons")
@requires("viewer")
def comparison_list():
    """The groups this organisation was invited to; administrators consent here."""
    return render_template(
        "admin/comparisons/list.html",
        groups=comparisons.for_organisation(current_organisation().id),
        form=ConsentForm(formdata=None),
        may_consent=allows("admin"),
    )


@bp.post("/<org>/comparisons/<int:group_id>/join")
@requires("admin")
def comparison_join(group_id: int):
    if ConsentForm().validate_on_submit():
        comparisons.join(current_user, current_organisation().id, group_id)
        flash(_("Your organisation now takes part in this comparison group."))
    return redirect(url_for("admin.comparisons"), 303)


@bp.post("/<org>/comparisons/<int:group_id>/leave")
@requires("admin")
def comparison_leave(group_id: int):
    if ConsentForm().validate_on_submit():
        comparisons.leave(current_user, current_organisation().id, group_id)
        flash(_("Your organisation no longer takes part in this comparison group."))
    return redirect(url_for("admin.comparisons"), 303)


def _current(group_id: int):
    """The group and its figures for the period in the URL; 404 unless this organisation
    takes part."""
    organisation_id = current_organisation().id
    try:
        comparisons.visible_group(organisation_id, group_id)  # before reading anything else
    except NotFound:
        abort(404)
    today = datetime.now(AMSTERDAM).date()
    period = dashboard.read_period(request.args, today)
    return comparisons.figures(organisation_id, group_id, period, today)


@bp.get("/<org>/comparisons/<int:group_id>")
@requires("viewer")
def comparison_page(group_id: int):
    group, figures = _current(group_id)
    lang = _language()
    query = figures.period.query()
    return render_template(
        "admin/comparisons/page.html",
        group=group,
        figures=figures,
        lang=lang,
        query=query,
        previous=figures.period.shifted(-1).query(),
        following=figures.period.shifted(1).query(),
        sections=[
            (
                channel,
                comparison.channel_name(channel, lang),
                comparison.table(figures, channel, lang),
            )
            for channel in figures.channels
        ],
    )


@bp.get("/<org>/comparisons/<int:group_id>/comparison.<kind>")
@requires("viewer")
def comparison_file(group_id: int, kind: str):
    """The page's figures as a PDF or CSV download (never kept by a browser or proxy)."""
    organisation_id = current_organisation().id
    try:
        comparisons.visible_group(organisation_id, group_id)  # before reading anything else
        today = datetime.now(AMSTERDAM).date()
        found = comparisons.download(
            organisation_id, group_id, dashboard.read_period(request.args, today), today,
            kind, _language(),
        )
    except NotFound:
        abort(404)
    return Response(
        found.body,
        mimetype=found.mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{found.filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.get("/<org>/comparisons/<int:group_id>/chart/<channel>.svg")
@requires("viewer")
def comparison_chart(group_id: int, channel: str):
    group, figures = _current(group_id)
    if channel not in figures.channels:
        abort(404)
    lang = _language()
    title = _("Satisfied: %(channel)s, %(period)s", channel=comparison.channel_name(
        channel, lang), period=figures.period.label(lang))
    text = comparison.svg(figures, channel, lang, title)
    return Response(
        text, mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=60"}
    )
