"""The widget's endpoints and their CORS: only the organisation's allowed origins.

The widget calls two endpoints from a municipal website (another origin): its config and
POST /api/v1/responses (with a JSON preflight). The config and the preflight are checked here;
a posted answer is checked by the widget channel's proof of origin, which knows the
organisation from the one parse of the ingest. A request whose Origin is the platform itself,
or without an Origin (servers, kiosks on this host), is not a cross-origin call.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, g, request
from werkzeug.exceptions import NotFound

from survey.channels.widget import cache_seconds
from survey.error_responses import json_error
from survey.services import widget

bp = Blueprint("widget", __name__, url_prefix="/api/v1/widget")

RESPONSES_PATH = "/api/v1/responses"
PREFLIGHT_MAX_AGE = "7200"


def _own_origins() -> set[str]:
    own = {request.host_url.rstrip("/").lower()}
    public = urlsplit(current_app.config.get("PUBLIC_URL") or "")
    if public.scheme and public.netloc:
        own.add(f"{public.scheme}://{public.netloc}".lower())
    return own


def _refused():
    return json_error(
        403, "origin_not_allowed", "This website may not use this organisation's surveys."
    )


def _widget_call() -> bool:
    return request.blueprint == bp.name or request.path == RESPONSES_PATH


@bp.before_app_request
def _cross_origin_guard():
    """Answer preflights for posting answers; refuse the config to origins not allowed."""
    origin = request.headers.get("Origin")
    if not origin or not _widget_call() or origin.rstrip("/").lower() in _own_origins():
        return None
    if request.method == "OPTIONS":
        if request.path != RESPONSES_PATH or not widget.origin_allowed_anywhere(
            origin, cache_seconds()
        ):
            return _refused()
        response = Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = "POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        g.cors_origin = origin
        return response
    if request.blueprint == bp.name:
        org = (request.view_args or {}).get("org")
        if not widget.origin_allowed_for(origin, org, cache_seconds()):
            return _refused()
        g.cors_origin = origin
    return None  # a posted answer: the widget channel proves its origin; exports get no CORS


@bp.after_app_request
def _cors_headers(response):
    if _widget_call():
        response.vary.add("Origin")
    origin = g.pop("cors_origin", None)
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
    return response


@bp.get("/<org>/<survey>")
def config(org: str, survey: str):
    """The website widget's config of a survey: questions, texts, triggers, sampling.

    `?lang=nl` or `?lang=en` (the page's language) sends that language's texts only."""
    found = widget.widget_config(org, survey, cache_seconds(), request.args.get("lang"))
    if found is None:
        raise NotFound(f"No website widget for survey '{survey}' of organisation '{org}'.")
    response = Response(found.body, mimetype="application/json")
    response.set_etag(found.etag)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response.make_conditional(request)
