"""Routes every screen shares: each screen folder's static files, the vendored browser packages, the index page."""
from __future__ import annotations

from flask import Flask, Response, abort, render_template, request, send_from_directory
from flask_babel import get_locale

from kezek.web.auth import access
from kezek.web.context import ROOT
from kezek.web.screens.rendering import SCREENS

VENDOR = {"socket.io.min.js": ROOT / "node_modules" / "socket.io-client" / "dist"}


def register(app: Flask) -> None:
    """Static routes for each screen folder and the vendored browser packages; the index of screens."""
    for screen in SCREENS:
        folder = ROOT / screen / "static"

        def static_file(filename, folder=folder):
            return send_from_directory(folder, filename, max_age=300)

        static_file = access("public")(static_file)
        app.add_url_rule(f"/{screen}/static/<path:filename>", f"{screen}_static", static_file)

    @app.get("/vendor/<name>")
    @access("public")
    def vendor(name):
        if name not in VENDOR:
            abort(404)
        if not (VENDOR[name] / name).exists():
            abort(404, "Browser packages are missing: run `npm ci` (make setup does).")
        return send_from_directory(VENDOR[name], name, max_age=3600)

    @app.get("/favicon.ico")
    @app.get("/favicon.svg")
    @access("public")
    def favicon():
        # Browsers ask every page's /favicon.ico: Kezek's own mark (kezek/web/static), not a 404 per screen.
        svg = request.path.endswith(".svg")
        data = (ROOT / "kezek" / "web" / "static" / ("favicon.svg" if svg else "favicon.ico")).read_bytes()
        response = Response(data, mimetype="image/svg+xml" if svg else "image/vnd.microsoft.icon")
        response.cache_control.max_age = 86400
        return response

    @app.get("/")
    @access("public")
    def index():
        return render_template("index.html", screens=SCREENS, lang=str(get_locale()))
