"""Secure by default: headers, rate limits, cookie flags, the secret key and strict input parsing.

- Headers (Flask-Talisman) on every response: one strict Content-Security-Policy without
  inline scripts or styles (the kiosk's service worker and manifest included), no framing,
  nosniff, a same-origin referrer policy; HTTPS redirect and HSTS outside development/tests.
- Rate limits (Flask-Limiter) per client IP, and staff login per e-mail address too, checked
  in a before-request hook, so a refused login never reaches the password hash. A 429 is the
  API's JSON error under /api/ and /kiosk/api/, a page elsewhere; both carry Retry-After.
- The session cookie is HttpOnly, SameSite=Lax and Secure outside development/tests.
- Startup refuses a missing, default or short SECRET_KEY outside development/tests.
- Request parsing that a stranger cannot turn into a 500: JSON bodies (deep nesting, lone
  surrogates, NUL, integers beyond 64 bits, non-finite numbers), NUL anywhere in the URL or a
  form, and integers in URLs beyond 64 bits (no route matches: 404).
"""

from __future__ import annotations

import json
import logging
import math
import time

from flask import Flask, current_app, make_response, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_talisman import Talisman
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from survey import config as settings

log = logging.getLogger(__name__)

# One policy for every page: scripts, styles, images, fetches, the kiosk's service worker and
# manifest only from this host; no plugins, no <base>, forms post here, never framed (no page
# of ours is meant to be framed: the widget is a script on the municipality's own page).
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
REFERRER_POLICY = "same-origin"  # Flask-WTF's HTTPS referrer check needs same-origin referrers
HSTS_SECONDS = 365 * 24 * 3600

MIN_SECRET_LENGTH = 32
KNOWN_DEFAULT_SECRETS = {
    "",
    "bench",
    "change-me",
    "changeme",
    "default",
    "dev",
    "development",
    "insecure",
    "kto",
    "please-change-me",
    "secret",
    "secret-key",
    "secret_key",
    "test",
    "test-secret",
    "your-secret-key",
}

JSON_PREFIXES = ("/api/", "/kiosk/api/")
MAX_JSON_DEPTH = 32
INT64 = 2**63 - 1


class InsecureConfiguration(RuntimeError):
    """The app refuses to start with this configuration."""


def environment(config) -> str:
    """production (default), development or testing (TESTING set, or KTO_ENV=testing)."""
    if config.get("TESTING"):
        return "testing"
    return config.get("KTO_ENV") or "production"


def is_lax(config) -> bool:
    return environment(config) in settings.LAX_ENVIRONMENTS


def secret_key_problem(key: str | None) -> str | None:
    """Why this key may not sign production sessions, or None."""
    if not key:
        return "SECRET_KEY is not set."
    if key.strip().lower() in KNOWN_DEFAULT_SECRETS:
        return "SECRET_KEY is a known default value."
    if len(key) < MIN_SECRET_LENGTH:
        return f"SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters."
    if len(set(key)) < 8:
        return "SECRET_KEY repeats too few characters to be random."
    return None


def check_secret_key(config) -> None:
    """Refuse a missing or weak key outside development/tests; there, generate one."""
    problem = secret_key_problem(config.get("SECRET_KEY"))
    if problem is None:
        return
    if not is_lax(config):
        raise InsecureConfiguration(
            f"{problem} Set SECRET_KEY to a random value of at least {MIN_SECRET_LENGTH} "
            "characters, e.g. python -c 'import secrets; print(secrets.token_hex(32))' "
            "(KTO_ENV=development allows a generated key on a developer's machine)."
        )
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = settings.instance_secret()
    elif environment(config) == "development":
        log.warning("%s Accepted only because KTO_ENV=development.", problem)


# ---- strict parsing -------------------------------------------------------------------------


class JSONRefused(ValueError):
    """A JSON document the app does not accept (reported as 400, never a 500)."""


def _parse_int(text: str) -> int:
    value = int(text)
    if not -INT64 - 1 <= value <= INT64:
        raise JSONRefused("integers must fit in 64 bits")
    return value


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONRefused("numbers must be finite")
    return value


def _refuse_constant(name: str):
    raise JSONRefused(f"{name} is not JSON")


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise JSONRefused("strings may not contain NUL")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise JSONRefused("strings may not contain lone surrogates") from None


def check_document(document) -> None:
    """Depth and strings of a parsed document, walked without recursion."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise JSONRefused(f"nested more than {MAX_JSON_DEPTH} levels deep")
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_text(key)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


class StrictJSONProvider(DefaultJSONProvider):
    """Every request body parsed with request.get_json goes through here (one place)."""

    def loads(self, s, **kwargs):
        try:
            document = json.loads(
                s,
                parse_float=_parse_float,
                parse_constant=_refuse_constant,
                **kwargs,
            )
        except RecursionError:
            raise JSONRefused(f"nested more than {MAX_JSON_DEPTH} levels deep") from None
        check_document(document)
        return document


class Int64Converter(IntegerConverter):
    """`<int:...>` that only matches what fits the database's 64-bit integer columns."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT64, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _refuse_nul() -> None:
    """NUL in a path, query or form value: PostgreSQL text refuses it, so we do first."""
    if "\x00" in request.path or "%00" in request.query_string.decode("latin-1").lower():
        raise BadRequest("The address may not contain NUL characters.")
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if any("\x00" in k or "\x00" in v for k, v in request.form.items(multi=True)):
            raise BadRequest("A form field may not contain NUL characters.")


def init_parsing(app: Flask) -> None:
    """Call before any blueprint is registered: routes compile against these converters."""
    app.json = StrictJSONProvider(app)
    app.url_map.converters["int"] = Int64Converter


# ---- rate limits ----------------------------------------------------------------------------


def client_ip() -> str:
    """The client's address (behind TRUSTED_PROXY_COUNT proxies: from X-Forwarded-For)."""
    return request.remote_addr or "unknown"


def login_account() -> str:
    """The e-mail address a login attempt names, whatever IP it comes from."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"account:{email}"


# endpoint, config key with the limit, key function, methods (None: all), defaults also apply
ENDPOINT_LIMITS = [
    ("api.post_response", "RATELIMIT_INGEST", client_ip, ["POST"], False),
    ("widget.config", "RATELIMIT_WIDGET", client_ip, None, False),
    ("kiosk.config", "RATELIMIT_KIOSK", client_ip, None, False),
    ("kiosk.heartbeat", "RATELIMIT_KIOSK", client_ip, None, False),
    ("kiosk.callback", "RATELIMIT_KIOSK", client_ip, None, False),
    ("kiosk.enrol", "RATELIMIT_KIOSK_ENROL", client_ip, None, False),
    ("webhooks.twilio_status", "RATELIMIT_WEBHOOKS", client_ip, None, False),
    ("webhooks.twilio_inbound", "RATELIMIT_WEBHOOKS", client_ip, None, False),
    ("webhooks.cm_status", "RATELIMIT_WEBHOOKS", client_ip, None, False),
    ("webhooks.cm_inbound", "RATELIMIT_WEBHOOKS", client_ip, None, False),
    ("webhooks.unsubscribe", "RATELIMIT_WEBHOOKS", client_ip, None, False),
    ("webhooks.unsubscribe_page", "RATELIMIT_WEBHOOKS", client_ip, None, False),
    ("webhooks.whatsapp_verify", "RATELIMIT_WEBHOOKS", client_ip, None, False),
    *(
        (f"open.{name}", "RATELIMIT_OPEN_DATA", client_ip, None, False)
        for name in (
            "index", "months_json", "month_page", "month_csv", "month_machine_csv", "month_json"
        )
    ),
    ("admin.login", "RATELIMIT_LOGIN_IP", client_ip, ["POST"], True),
    ("admin.login", "RATELIMIT_LOGIN_ACCOUNT", login_account, ["POST"], True),
]


def _configured(key: str):
    return lambda: current_app.config[key]


def limiter_of(app: Flask) -> Limiter:
    return app.extensions["kto_limiter"]


def _init_limits(app: Flask) -> None:
    # One Limiter per app (its storage and enabled flag are per app, so a test app with
    # limits on does not switch them on for another app in the same process).
    limiter = Limiter(
        key_func=client_ip,
        default_limits=[_configured("RATELIMIT_DEFAULT")],
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        strategy="fixed-window",
        headers_enabled=False,  # Retry-After is set on the 429 only (_too_many_requests)
        swallow_errors=True,  # an unreachable Redis must not stop the ingest
        in_memory_fallback_enabled=True,
    )
    limiter.init_app(app)
    app.extensions["kto_limiter"] = limiter
    for endpoint, key, key_func, methods, keep_defaults in ENDPOINT_LIMITS:
        view = app.view_functions.get(endpoint)
        if view is None:
            raise RuntimeError(f"Rate limit for unknown endpoint {endpoint!r}.")
        # The wrapper checks the limits when the view is called, before its body runs.
        app.view_functions[endpoint] = limiter.limit(
            _configured(key),
            key_func=key_func,
            methods=methods,
            override_defaults=not keep_defaults,
        )(view)
    app.register_error_handler(429, _too_many_requests)


def _retry_after() -> int:
    limiter = current_app.extensions.get("kto_limiter")
    current = limiter.current_limit if limiter else None
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def _too_many_requests(error):
    seconds = _retry_after()
    if request.path.startswith(JSON_PREFIXES):
        from survey.error_responses import json_error

        response = json_error(
            429,
            "rate_limited",
            f"Too many requests from this address; try again in {seconds} seconds.",
        )
    else:
        response = make_response(
            render_template("errors/429.html", seconds=seconds, message=_("Too many requests")),
            429,
        )
    response.headers["Retry-After"] = str(seconds)
    return response


# ---- wiring ---------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Call after every blueprint is registered (limits are attached to their endpoints)."""
    check_secret_key(app.config)
    lax = is_lax(app.config)
    force_https = app.config.get("FORCE_HTTPS")
    force_https = (not lax) if force_https is None else bool(force_https)
    cookie_secure = app.config.get("SESSION_COOKIE_SECURE")
    app.config["SESSION_COOKIE_SECURE"] = (not lax) if cookie_secure is None else bool(
        cookie_secure
    )
    hops = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    app.before_request(_refuse_nul)
    Talisman(
        app,
        force_https=force_https,
        strict_transport_security=force_https,
        strict_transport_security_max_age=HSTS_SECONDS,
        strict_transport_security_include_subdomains=False,
        frame_options="DENY",
        content_security_policy=CSP,
        referrer_policy=REFERRER_POLICY,
        # The Secure flag is set above from the configuration, not by Talisman on the first
        # request; HttpOnly and SameSite=Lax always.
        session_cookie_secure=False,
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
    )
    for probe in ("web.health", "ops.ready", "ops.prometheus"):
        _exempt_from_https_redirect(app, probe)
    _init_limits(app)


def _exempt_from_https_redirect(app: Flask, endpoint: str) -> None:
    """A load balancer's or Prometheus' plain-HTTP probe (/healthz, /readyz, /metrics) gets its
    answer, not a redirect.

    Talisman's per-view options (what its decorator sets); every option is given so Talisman
    does not fill the shared dict with one app's values.
    """
    view = app.view_functions[endpoint]
    view.talisman_view_options = {
        "force_https": False,
        "frame_options": "DENY",
        "frame_options_allow_from": None,
        "content_security_policy": CSP,
        "content_security_policy_nonce_in": [],
        "permissions_policy": {"browsing-topics": "()"},
        "document_policy": {},
        "feature_policy": {},
    }
