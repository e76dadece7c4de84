"""Rules for every staff page: the language choice kept in the session, the inactivity
timeout, the organisation filled into URLs, and what the layout needs."""

from __future__ import annotations

import time

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from survey.admin import bp, navigation
from survey.admin.forms import LogoutForm
from survey.admin.permissions import allows, fill_org

STAFF_PREFIX = "/staff"


def _is_staff_request() -> bool:
    return request.path == STAFF_PREFIX or request.path.startswith(STAFF_PREFIX + "/")


@bp.before_app_request
def _fresh_page_values():
    """Each request sets its own organisation and role (a test client's requests share one
    application context, and so `g`)."""
    for name in ("organisation", "membership", "role"):
        g.pop(name, None)


@bp.before_app_request
def _remember_language():
    """`?lang=` on a staff page is kept in the session, so the choice survives navigation."""
    if not _is_staff_request():
        return
    asked = request.args.get("lang")
    if asked in current_app.config["BABEL_SUPPORTED_LOCALES"] and session.get("lang") != asked:
        session["lang"] = asked


@bp.before_app_request
def _end_idle_session():
    """A staff session ends after STAFF_IDLE_MINUTES without a request."""
    if not _is_staff_request() or not current_user.is_authenticated:
        return None
    now = int(time.time())
    seen = session.get("seen")
    limit = int(current_app.config["STAFF_IDLE_MINUTES"]) * 60
    if isinstance(seen, int) and now - seen > limit:
        logout_user()
        session.pop("seen", None)
        flash(_("You were logged out after a period of inactivity."), "info")
        return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
    if not isinstance(seen, int) or now - seen >= 30:  # not a new cookie on every request
        session["seen"] = now
    return None


@bp.app_url_defaults
def _org_in_urls(endpoint: str, values: dict) -> None:
    fill_org(endpoint, values)


@bp.app_context_processor
def _layout_values() -> dict:
    if not _is_staff_request():
        return {}
    return {
        "allows": allows,
        "nav_sections": navigation.sections,
        "current_organisation": g.get("organisation"),
        "logout_form": LogoutForm,
        "role_name": role_name,
    }


ROLE_NAMES = {
    "admin": _l("Administrator"),
    "analyst": _l("Analyst"),
    "viewer": _l("Viewer"),
    "operator": _l("Platform operator"),
}


def role_name(role: str) -> str:
    return str(ROLE_NAMES.get(role, role))
