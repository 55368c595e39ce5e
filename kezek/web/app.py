"""The application factory, the Socket.IO server, and what every request shares."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, g, jsonify, request
from flask_babel import Babel
from flask_socketio import SocketIO
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import IntegerConverter

from kezek.base import database, i18n
from kezek.base import store as base_store
from kezek.base.clock import utcnow
from kezek.base.errors import KezekError

ROOT = Path(__file__).resolve().parents[2]
socketio = SocketIO()

DEFAULTS = {
    "DB": "kezek.db",
    "PUBLIC_URL": "",
    "ISSUE_RATE_LIMIT": 30,
    "ASYNC_MODE": "threading",
    "SESSION_HOURS": 12,
    "LOGIN_ATTEMPTS": 5,
    "TICKET_LOOKUPS_PER_MINUTE": 120,
    "KIOSK_IDLE_S": 20,
    "PROXY_HOPS": 0,
    "QUEUE_PUSH_DELAY_S": 0.25,
}


def settings_from_env(config: dict | None) -> dict:
    """Settings: the given config, then KEZEK_* environment variables, then defaults."""
    merged = dict(DEFAULTS)
    for key in DEFAULTS:
        env = os.environ.get(f"KEZEK_{key}")
        if env is not None:
            merged[key] = type(DEFAULTS[key])(env) if isinstance(DEFAULTS[key], int) else env
    merged.update(config or {})
    return merged


def _secret_key(db_path: str) -> str:
    """KEZEK_SECRET_KEY, else one generated once and kept in the database (sessions survive restarts)."""
    if os.environ.get("KEZEK_SECRET_KEY"):
        return os.environ["KEZEK_SECRET_KEY"]
    db = database.init_db(db_path)
    try:
        with database.transaction(db):
            key = base_store.get_setting(db, "secret_key")
            if not key:
                key = secrets.token_hex(32)
                base_store.set_setting(db, "secret_key", key)
        return key
    finally:
        db.close()


def get_db():
    """This request's database connection (from the pool on first use, back at teardown)."""
    if "db" not in g:
        from flask import current_app
        g.db = current_app.extensions["kezek_pool"].get()
    return g.db


def now():
    """The current time (tests may replace app.config['CLOCK'])."""
    from flask import current_app
    clock = current_app.config.get("CLOCK")
    return clock() if clock else utcnow()


class SqliteInt(IntegerConverter):
    """An <int:...> path part that fits SQLite's INTEGER: a larger one is a 404, not an OverflowError (500)."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number >= 2**63:
            raise NotFound()   # a ValidationError here would make werkzeug answer 405
        return number


def create_app(config: dict | None = None) -> Flask:
    """Build the Flask app with its blueprints and bind Socket.IO to it (last)."""
    settings = settings_from_env(config)
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    app.config.update(settings)
    if int(settings["PROXY_HOPS"]):
        # Behind nginx: the visitor's address (rate limits) and https (ticket URLs) come from X-Forwarded-*.
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = int(settings["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.config["DB"] = str(Path(settings["DB"]).resolve())
    database.init_db(app.config["DB"]).close()
    app.extensions["kezek_pool"] = database.Pool(app.config["DB"])
    app.config["SECRET_KEY"] = settings.get("SECRET_KEY") or _secret_key(app.config["DB"])
    app.config.update(
        MAX_CONTENT_LENGTH=64 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="kezek_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=int(settings["SESSION_HOURS"])),
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False
    app.jinja_loader = ChoiceLoader([FileSystemLoader(str(ROOT / "kezek" / "web" / "templates")),
                                     FileSystemLoader(str(ROOT))])
    i18n.compile_catalogues()
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(d) for d in i18n.catalogue_dirs())
    app.config["BABEL_DEFAULT_LOCALE"] = i18n.DEFAULT_LANG
    Babel(app, locale_selector=_locale)

    @app.before_request
    def _open():
        from kezek.web import auth
        g.kezek_db_path = app.config["DB"]
        auth.load_identity(get_db())

    @app.teardown_appcontext
    def _close(exc):
        db = g.pop("db", None)
        if db is not None:
            app.extensions["kezek_pool"].put(db)

    @app.after_request
    def _headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; media-src 'self' blob: data:; "
            "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
            "base-uri 'none'; form-action 'self'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    _register_errors(app)
    app.url_map.converters["int"] = SqliteInt
    from kezek.web.auth import access
    app.view_functions["static"] = access("public")(app.view_functions["static"])   # every route has a rule
    from kezek.web import api, api_config, live, openapi, screens
    app.register_blueprint(api.bp)
    app.register_blueprint(api_config.bp)
    from kezek.web import api_stats
    app.register_blueprint(api_stats.bp)
    from kezek.web import printing_web
    app.register_blueprint(printing_web.bp)
    from kezek.web import api_bookings
    api_bookings.register(app)   # the bookings API and the /book/ page
    app.register_blueprint(openapi.bp)
    screens.register(app)
    socketio.init_app(app, async_mode=settings["ASYNC_MODE"], cors_allowed_origins=[],
                      ping_interval=10, ping_timeout=10, max_http_buffer_size=64 * 1024)
    live.register(socketio, app)
    return app


def _locale():
    lang = request.args.get("lang") or request.cookies.get("kezek_lang")
    if not lang and getattr(g, "device", None):
        lang = g.device["settings"].get("lang")
    return i18n.normalise_lang(lang)


def error_body(code: str, message: str, **details) -> dict:
    """The JSON shape of every error answer."""
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return body


def _register_errors(app: Flask) -> None:
    @app.errorhandler(KezekError)
    def _kezek(err: KezekError):
        return jsonify(error_body(err.code, err.message, **err.details)), err.status

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        code = {413: "too_large", 404: "not_found", 405: "method_not_allowed"}.get(err.code, "http_error")
        return jsonify(error_body(code, err.description or err.name)), err.code

    @app.errorhandler(Exception)
    def _crash(err: Exception):
        app.logger.exception("unhandled error")
        return jsonify(error_body("internal", "Something went wrong on the server.")), 500
