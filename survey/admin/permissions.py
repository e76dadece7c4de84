"""Who may open which staff page: every staff view declares it, and this module checks it.

    @bp.get("/<org>/users")
    @requires("admin")
    def users(): ...            # g.organisation, g.role, g.membership are set

- `@requires("viewer" | "analyst" | "admin")`: the organisation comes from the `<org>` URL
  value (its code). Not logged in: to the login page. Not an active member of that
  organisation (or no such organisation): 404, so codes and ids of other organisations are
  never confirmed. A role below the one required: 403. admin ⊇ analyst ⊇ viewer.
- `@requires("operator")`: the platform operator of the instance (User.is_operator).
- `@requires("login")`: any logged-in user, for pages outside an organisation (the landing
  page, one's own password).
- `@public`: open to anyone (login, the one-time password link).

The view is given `org` only when its signature names it; otherwise it reads
`current_organisation()`. `url_for` fills `org` in from the current request, so templates
write `url_for("admin.users")`. tests/admin/test_matrix.py walks app.url_map and fails on any
/staff endpoint without a declaration (`view._kto_role`).
"""

from __future__ import annotations

import inspect
from functools import wraps

from flask import abort, current_app, g, has_request_context, request
from flask_login import current_user

from survey.extensions import login_manager
from survey.models import Organisation

# A member's role and the ones it includes.
RANK = {"viewer": 1, "analyst": 2, "admin": 3}
DECLARATIONS = (*RANK, "operator", "login", "public")


def requires(role: str):
    """Declare and check the role a staff view needs (see the module's text)."""
    if role not in DECLARATIONS or role == "public":
        raise ValueError(f"Unknown role {role!r}; use one of {', '.join(DECLARATIONS[:-1])}.")

    def decorate(view):
        takes_org = "org" in inspect.signature(view).parameters

        @wraps(view)
        def checked(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            org_code = kwargs.get("org") if takes_org else kwargs.pop("org", None)
            if role == "operator":
                if not current_user.is_operator:
                    abort(403)
                g.role = "operator"
            elif role == "login":
                g.role = "login"
            else:
                _enter_organisation(org_code, role)
            return view(*args, **kwargs)

        checked._kto_role = role
        return checked

    return decorate


def public(view):
    """Declare a staff view open to anyone."""
    view._kto_role = "public"
    return view


def _enter_organisation(org_code: str | None, role: str) -> None:
    from survey.services.users import membership_in

    if org_code is None:
        raise RuntimeError(f"{request.endpoint}: requires({role!r}) needs <org> in its URL.")
    found = membership_in(current_user.id, org_code)
    if found is None:
        abort(404)
    organisation, membership = found
    g.organisation, g.membership, g.role = organisation, membership, membership.role
    if RANK[membership.role] < RANK[role]:
        abort(403)


def current_organisation() -> Organisation:
    """The organisation of the current staff page (set by `requires`)."""
    return g.organisation


def allows(role: str) -> bool:
    """Whether the current user's role on this page includes `role` (for templates)."""
    have = g.get("role")
    if role == "operator":
        return bool(current_user.is_authenticated and current_user.is_operator)
    return have in RANK and RANK[have] >= RANK[role]


def may_read_comments() -> bool:
    """Analysts and administrators always; viewers when the organisation allows it."""
    if allows("analyst"):
        return True
    organisation = g.get("organisation")
    return bool(allows("viewer") and organisation is not None
                and organisation.viewers_see_comments)


def fill_org(endpoint: str, values: dict) -> None:
    """url_defaults: `org` of the current page for every URL that needs one."""
    if "org" in values or not has_request_context():
        return
    organisation = g.get("organisation")
    if organisation is not None and current_app.url_map.is_endpoint_expecting(endpoint, "org"):
        values["org"] = organisation.slug


def declared_role(view) -> str | None:
    """What a view declared (None: nothing), looking through wrappers such as rate limits."""
    while view is not None:
        role = getattr(view, "_kto_role", None)
        if role is not None:
            return role
        view = getattr(view, "__wrapped__", None)
    return None
