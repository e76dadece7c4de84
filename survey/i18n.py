"""Language choice: Dutch first, English when asked for."""

from flask import Flask, current_app, request
from flask_babel import get_locale

from survey.extensions import babel


def select_locale() -> str:
    supported = current_app.config["BABEL_SUPPORTED_LOCALES"]
    asked = request.args.get("lang")
    if asked in supported:
        return asked
    return request.accept_languages.best_match(supported) or supported[0]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
