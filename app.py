"""The application factory: configuration, extensions, blueprints and commands. Only wiring."""

from __future__ import annotations

from flask import Flask

from survey import caches, error_responses, i18n, logs, metrics, security
from survey import config as settings
from survey.database import tune_sqlite, watch_engine
from survey.extensions import csrf, db, login_manager, migrate
from survey.sessions import CookieSessionInterface


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(settings.INSTANCE),
        template_folder="survey/templates",
        static_folder="static",
    )
    app.session_interface = CookieSessionInterface()
    security.init_parsing(app)
    app.config.update(settings.DEFAULTS)
    app.config.update(settings.from_environment())
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(settings.ROOT / "survey" / "translations")
    if config:
        app.config.update(config)
    settings.INSTANCE.mkdir(exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(settings.ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "admin.login"
    i18n.init_app(app)
    caches.init_app(app)
    logs.init_app(app)
    metrics.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine)
        watch_engine(db.engine)

    from survey import queue

    queue.init_app(app)

    from survey.admin import bp as admin_bp
    from survey.api import bp as api_bp
    from survey.ops import bp as ops_bp
    from survey.web import bp as web_bp

    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(web_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(ops_bp)

    from survey.opendata import bp as open_bp
    from survey.outbox import bp as outbox_bp
    from survey.webhooks import bp as webhooks_bp

    csrf.exempt(webhooks_bp)  # providers and mail clients post without a session
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(outbox_bp)
    app.register_blueprint(open_bp)  # public open data: no session, no forms

    from survey import channels

    channels.init_app(app)  # the widget's blueprint and imports; the kiosk adds its own

    import kiosk

    kiosk.init_app(app)
    security.init_app(app)

    from survey.services import apikeys

    apikeys.init_app(app)  # API keys' last use, written after requests

    error_responses.init_app(app)

    from survey.webhooks import whatsapp_entry

    whatsapp_entry.install(app)  # POST /webhooks/whatsapp in front of Flask (outermost)

    from survey.cli import kto

    app.cli.add_command(kto)
    return app
