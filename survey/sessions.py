"""Signed cookie sessions, opened only when the browser sent a session cookie.

Flask's default builds a signing serializer on every request, even without a cookie. API,
kiosk and widget requests never carry one, so they skip that work.
"""

from __future__ import annotations

from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class CookieSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request) -> SecureCookieSession | None:
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)
