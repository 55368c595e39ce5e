"""The application factory: settings, the database pool, headers, errors, every blueprint, Socket.IO last."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta

from flask import Flask, g, jsonify, request
from flask_babel import Babel
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from kezek.base import database, i18n
from kezek.base import store as base_store
from kezek.base import errors
from kezek.base.errors import DatabaseUnavailable, KezekError
from kezek.log import checkpoints, witness_client
from kezek.log import keyfile
from kezek.web import auth, rate_limits
from kezek.web.api import bookings as api_bookings
from kezek.web.api import config as api_config
from kezek.web.api import content as api_content
from kezek.web.api import displays as api_displays
from kezek.web.api import health as api_health
from kezek.web.api import help as api_help
from kezek.web.api import kiosk_catalogue as api_kiosk_catalogue
from kezek.web.api import log as api_log
from kezek.web.api import media as api_media
from kezek.web.api import notify as api_notify
from kezek.web.api import openapi
from kezek.web.api import printing as api_printing
from kezek.web.api import queue as api_queue
from kezek.web.api import region as api_region
from kezek.web.api import reports as api_reports
from kezek.web.api import setup as api_setup
from kezek.web.api import visits as api_visits
from kezek.web.api import witness as api_witness
from kezek.web.context import ROOT, error_body, get_db, settings_from_env
from kezek.web.live import broadcast, connect, message_queue, printing
from kezek.web.live.broadcast import socketio
from kezek.web.screens import admin, board, book, display, kiosk, operator, routes, ticket
from kezek.web.screens import desk_display as screen_desk_display
from kezek.web.screens import display_media
from kezek.web.screens import region as screen_region

# Every blueprint, in the order they are registered.
BLUEPRINTS = (api_queue.bp, api_config.bp, api_reports.bp, api_printing.bp, api_bookings.bp, book.bp, openapi.bp,
              kiosk.bp, display.bp, operator.bp, ticket.bp, admin.bp, board.bp, api_witness.bp,
              api_witness.api_bp,
              api_log.bp, api_notify.bp)

BLUEPRINTS += (api_help.bp,)   # calls for help from kiosks
BLUEPRINTS += (api_health.bp,)   # the load balancer's health check
BLUEPRINTS += (api_media.bp, api_content.bp, display_media.bp)   # the hall display's media and notices, what to bring
BLUEPRINTS += (api_kiosk_catalogue.bp,)   # the kiosk's synonyms, other bodies, most asked
BLUEPRINTS += (api_setup.bp,)   # import/export of an office's configuration, weekly hours, public holidays
BLUEPRINTS += (api_visits.bp,)   # the desk's transfer targets and visit outcomes
BLUEPRINTS += (api_displays.bp, screen_desk_display.bp)   # hall displays' zones; the screen above a desk
BLUEPRINTS += (api_region.bp, screen_region.bp)   # the region: offices created and closed, its monitor, reports and board

# The Socket.IO handlers, attached once to the process's server: each init_app hands them to its new server.
socketio.on("connect")(connect.on_connect)
socketio.on("disconnect")(connect.on_disconnect)
socketio.on("snapshot")(connect.on_snapshot)
socketio.on("print.ack")(printing.on_agent_ack)   # the print agents' acknowledgements and status reports
socketio.on("printer.status")(printing.on_agent_status)

# Witnesses' cosignatures (kezek/log/witness_client.py) are published appended to each checkpoint.
checkpoints.cosignature_lines.append(witness_client.cosignature_lines)

# The OpenAPI document's paths beyond its core ones, each described by the module that serves them.
openapi.EXTRA_PATHS.append(api_setup.openapi_paths)
openapi.EXTRA_PATHS.extend([api_reports.openapi_paths, api_printing.openapi_paths, api_bookings.openapi_paths,
                            display.openapi_paths, ticket.openapi_paths, api_witness.openapi_paths,
                            api_log.openapi_paths, api_notify.openapi_paths])
openapi.EXTRA_PATHS.append(api_help.openapi_paths)
openapi.EXTRA_PATHS.append(api_health.openapi_paths)
openapi.EXTRA_PATHS.extend([api_media.openapi_paths, api_content.openapi_paths])
openapi.EXTRA_PATHS.append(api_displays.openapi_paths)
openapi.EXTRA_PATHS.append(api_kiosk_catalogue.openapi_paths)
openapi.EXTRA_PATHS.append(api_visits.openapi_paths)
openapi.EXTRA_PATHS.append(api_region.openapi_paths)


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


class SqliteInt(IntegerConverter):
    """An <int:...> path part that fits SQLite's INTEGER: a larger one is a 404, not an OverflowError (500)."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number >= 2**63:
            raise NotFound()   # a ValidationError here would make werkzeug answer 405
        return number


def _refuse_nul() -> None:
    """No U+0000 in the address, a query parameter, a header or a cookie (the body: payloads.body):
    PostgreSQL's text refuses it, so it was a 500 there wherever it reached a query."""
    if "\x00" in request.path:
        raise errors.NotFound("There is nothing at this address.")
    for kind, pairs in (("query parameter", request.args.items(multi=True)), ("header", request.headers.items()),
                        ("cookie", request.cookies.items(multi=True))):
        for name, value in pairs:
            if "\x00" in name or "\x00" in value:
                raise errors.Invalid(f"The {kind} {name!r} holds the NUL character (U+0000).", "bad_field",
                                     field=name)


def create_app(config: dict | None = None) -> Flask:
    """Build the Flask app with its blueprints and bind Socket.IO to it (last)."""
    settings = settings_from_env(config)
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    app.config.update(settings)
    if int(settings["PROXY_HOPS"]):
        # Behind nginx: the visitor's address (rate limits) and https (ticket URLs) come from X-Forwarded-*.
        hops = int(settings["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.config["DB"] = database.normalise_target(settings["DB"])
    database.init_db(app.config["DB"]).close()
    app.extensions["kezek_pool"] = database.Pool(app.config["DB"])
    app.config["SECRET_KEY"] = settings.get("SECRET_KEY") or _secret_key(app.config["DB"])
    # The rate limits' counts: this process's memory, or Redis shared by a region's processes.
    app.extensions["kezek_rate_limits"] = rate_limits.Counts(app)
    app.config["LOG_KEY"] = str(settings["LOG_KEY"] or keyfile.default_path(
        app.config["DB"], database.files_dir(app.config["DB"], settings.get("DATA_DIR"))))
    app.extensions["kezek_log_key"] = keyfile.ensure(
        app.config["LOG_KEY"], keyfile.log_name(settings["LOG_NAME"], settings["PUBLIC_URL"]))[0]
    app.config.update(
        MAX_CONTENT_LENGTH=64 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="kezek_session",
        # Behind https the session cookie never travels over plain http (a café Wi-Fi, a stripped redirect).
        SESSION_COOKIE_SECURE=str(settings["PUBLIC_URL"]).lower().startswith("https://"),
        SESSION_REFRESH_EACH_REQUEST=False,   # the expiry is the server's record's, from sign-in
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
        _refuse_nul()
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
    app.view_functions["static"] = auth.access("public")(app.view_functions["static"])   # every route has a rule
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    routes.register(app)   # each screen folder's static files, the vendored browser packages, the index page
    broadcast.bind(app)   # publish() pushes through this app's server from now on
    socketio.init_app(app, async_mode=settings["ASYNC_MODE"], **_message_queue(app),
                      cors_allowed_origins=connect.origin_check(settings["PUBLIC_URL"]),   # others' pages refused
                      ping_interval=10, ping_timeout=10, max_http_buffer_size=64 * 1024)
    return app


def _message_queue(app: Flask) -> dict:
    """KEZEK_MESSAGE_QUEUE: Socket.IO's messages through Redis, so that several processes serve one database."""
    url = str(app.config.get("MESSAGE_QUEUE") or "")
    if not url:
        return {}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("KEZEK_MESSAGE_QUEUE must be a redis:// (or rediss://, unix://) URL")   # not echoed: a password
    app.extensions["kezek_redis"] = message_queue.connect(url)
    return {"client_manager": message_queue.ResyncingRedisManager(url)}


def _locale():
    lang = request.args.get("lang") or request.cookies.get("kezek_lang")
    if not lang and getattr(g, "device", None):
        lang = g.device["settings"].get("lang")
    return i18n.normalise_lang(lang)


# PostgreSQL cannot be reached: every language's words, the request's first (the server retries
# by itself: the next request opens a new connection).
DATABASE_UNAVAILABLE = {
    "kk": "Қызмет уақытша қолжетімсіз: дерекқормен байланыс жоқ. Сәл кейінірек қайталап көріңіз.",
    "ru": "Сервис временно недоступен: нет связи с базой данных. Повторите попытку чуть позже.",
    "en": "The service is temporarily unavailable: the database cannot be reached. Please try again shortly.",
}


def _register_errors(app: Flask) -> None:
    @app.errorhandler(DatabaseUnavailable)
    def _database_down(err: DatabaseUnavailable):
        app.logger.warning("database unavailable: %s", err)
        try:
            lang = _locale()
        except Exception:   # noqa: BLE001 - the language must not need the database
            lang = i18n.DEFAULT_LANG
        body = error_body("database_unavailable", DATABASE_UNAVAILABLE.get(lang, DATABASE_UNAVAILABLE["en"]),
                          messages=DATABASE_UNAVAILABLE)
        return jsonify(body), 503, {"Retry-After": "2"}

    @app.errorhandler(KezekError)
    def _kezek(err: KezekError):
        response = jsonify(error_body(err.code, err.message, **err.details))
        if getattr(err, "retry_after", None):
            response.headers["Retry-After"] = str(err.retry_after)   # a 429: when one more will be let through
        return response, err.status

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        code = {413: "too_large", 404: "not_found", 405: "method_not_allowed"}.get(err.code, "http_error")
        return jsonify(error_body(code, err.description or err.name)), err.code

    @app.errorhandler(Exception)
    def _crash(err: Exception):
        app.logger.exception("unhandled error")
        return jsonify(error_body("internal", "Something went wrong on the server.")), 500
