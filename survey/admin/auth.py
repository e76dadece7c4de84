"""Logging in and out, the one-time link to set a password, a forgotten password, one's own
password, and /staff itself (to the user's organisation). Login lives in this one module, so
single sign-on (OpenID Connect) can be added here later."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from survey.admin import bp
from survey.admin.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    LogoutForm,
    NewPasswordForm,
)
from survey.admin.messages import show_on_form, text
from survey.admin.permissions import public, requires
from survey.errors import ServiceError
from survey.extensions import login_manager
from survey.services import password_links, users


@login_manager.user_loader
def _load_user(user_id: str):
    return users.load_user(user_id)


def _safe_next(target: str | None) -> str:
    """A local path only: browsers drop tabs and newlines and read a backslash as a slash, so
    "/\tevil.example" or "/\\evil.example" would leave the site; such a target is ignored."""
    default = url_for("admin.landing")
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if any(c == "\\" or c.isspace() or unicodedata.category(c)[0] == "C" for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def _start_session(user) -> None:
    lang = session.get("lang")
    session.clear()  # nothing from before the login carries over
    if lang:
        session["lang"] = lang
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Log in with e-mail address and password."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = users.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user)
            return redirect(_safe_next(request.args.get("next")))
        error = _("E-mail address or password is not correct.")
    status = 401 if error else (400 if form.errors else 200)
    return render_template("admin/login.html", form=form, error=error), status


@bp.post("/logout")
@requires("login")
def logout():
    """Log out (a POST with a CSRF token)."""
    if LogoutForm().validate_on_submit():
        users.end_sessions(current_user.id)
        logout_user()
    return redirect(url_for("admin.login"))


@bp.get("")
@bp.get("/")
@requires("login")
def landing():
    """To the first organisation of the user (or the operator's page, or a list to choose)."""
    memberships = users.organisations_of(current_user.id)
    if len(memberships) == 1:
        return redirect(url_for("admin.org_home", org=memberships[0][0].slug))
    if not memberships and current_user.is_operator:
        return redirect(url_for("admin.operator_organisations"))
    return render_template("admin/choose.html", memberships=memberships)


@bp.route("/password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    """The one-time link: choose a password, then log in with it."""
    try:
        user = password_links.check(token)
    except ServiceError as error:
        return render_template("admin/link_invalid.html", message=text(error)), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = password_links.use(token, form.password.data)
        except ServiceError as error:
            if error.code == "link_invalid":
                return render_template("admin/link_invalid.html", message=text(error)), 410
            show_on_form(form, error)
        else:
            logout_user()
            flash(_("Your password is set. Log in with it."), "info")
            return redirect(url_for("admin.login"))
    status = 422 if form.errors else 200
    return render_template("admin/set_password.html", form=form, email=user.email), status


@bp.route("/password/forgotten", methods=["GET", "POST"])
@public
def forgot_password():
    """Ask for a reset link by e-mail; the answer is the same whether the address exists."""
    form = ForgotPasswordForm()
    sent = False
    if form.validate_on_submit():
        password_links.request_reset(form.email.data)
        sent = True
    status = 400 if form.errors else 200
    return render_template("admin/forgot_password.html", form=form, sent=sent), status


@bp.route("/account/password", methods=["GET", "POST"])
@requires("login")
def change_password():
    """A logged-in user's new password; every other session of theirs ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = users.change_password(current_user.id, form.current.data, form.password.data)
        except ServiceError as error:
            show_on_form(form, error)
        else:
            _start_session(user)
            flash(_("Your password has been changed."), "info")
            return redirect(url_for("admin.landing"))
    status = 422 if form.errors else 200
    return render_template("admin/change_password.html", form=form), status
