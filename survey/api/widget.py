"""The website widget's endpoints and their CORS: only the organisation's allowed origins.

The widget calls two endpoints from a municipal website (another origin): its config and
POST /responses (with a JSON preflight). A request whose Origin is the platform itself, or
without an Origin (servers, kiosks on this host), is not a cross-origin call and passes.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, current_app, g, request
from werkzeug.exceptions import NotFound

from survey.api import bp
from survey.error_responses import json_error
from survey.services import widget

WIDGET_ENDPOINTS = ("api.widget_config", "api.post_response", "api.export_responses")
RESPONSES_PATH = "/api/v1/responses"
PREFLIGHT_MAX_AGE = "7200"


def _own_origins() -> set[str]:
    own = {request.host_url.rstrip("/").lower()}
    public = urlsplit(current_app.config.get("PUBLIC_URL") or "")
    if public.scheme and public.netloc:
        own.add(f"{public.scheme}://{public.netloc}".lower())
    return own


def _ttl() -> float:
    return current_app.config.get("WIDGET_CACHE_SECONDS", 60)


def _refused():
    return json_error(
        403, "origin_not_allowed", "This website may not use this organisation's surveys."
    )


@bp.before_request
def _cross_origin_guard():
    """Refuse widget calls from origins the organisation has not allowed; answer preflights."""
    origin = request.headers.get("Origin")
    if request.endpoint not in WIDGET_ENDPOINTS or not origin:
        return None
    if origin.rstrip("/").lower() in _own_origins():
        return None
    if request.method == "OPTIONS":
        if request.path != RESPONSES_PATH or not widget.origin_allowed_anywhere(origin, _ttl()):
            return _refused()
        response = Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = "POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        g.cors_origin = origin
        return response
    if request.endpoint == "api.export_responses":
        return None  # never readable cross-origin: no CORS headers
    if request.endpoint == "api.widget_config":
        org = (request.view_args or {}).get("org")
    else:
        payload = request.get_json(silent=True)
        org = payload.get("organisation") if isinstance(payload, dict) else None
    if not widget.origin_allowed_for(origin, org, _ttl()):
        return _refused()
    g.cors_origin = origin
    return None


@bp.after_request
def _cors_headers(response):
    if request.endpoint in WIDGET_ENDPOINTS:
        response.vary.add("Origin")
    origin = g.pop("cors_origin", None)
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
    return response


@bp.get("/widget/<org>/<survey>")
def widget_config(org: str, survey: str):
    """The website widget's config of a survey: questions, texts, triggers, sampling."""
    config = widget.widget_config(org, survey, _ttl())
    if config is None:
        raise NotFound(f"No website widget for survey '{survey}' of organisation '{org}'.")
    response = Response(config.body, mimetype="application/json")
    response.set_etag(config.etag)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response.make_conditional(request)
