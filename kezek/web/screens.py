"""The screens' pages: each screen folder holds its templates and static files.

A screen module `kezek/web/screen_<name>.py` defines a blueprint `bp` with its page routes
and `STRINGS`, the browser strings it needs in kk, ru and en (marked with N_).
"""
from __future__ import annotations

import importlib
import json
from pathlib import Path

from flask import Flask, abort, render_template, send_from_directory
from markupsafe import Markup

from kezek.base import i18n
from kezek.base.i18n import N_
from kezek.web.auth import access

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ("kiosk", "display", "operator", "ticket", "admin", "board")
VENDOR = {"socket.io.min.js": ROOT / "node_modules" / "socket.io-client" / "dist"}

# Strings every screen's script may need.
COMMON_STRINGS = [
    N_("Connection lost. Reconnecting…"),
    N_("Connected"),
    N_("Something went wrong. Please try again."),
    N_("Қазақша"), N_("Русский"), N_("English"),
]


def strings_json(messages) -> Markup:
    """The page's browser strings in every language, safe inside <script type=application/json>."""
    data = i18n.catalogue(list(dict.fromkeys([*COMMON_STRINGS, *messages])))
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)


def render_screen(screen: str, template: str, strings, lang: str, **context) -> str:
    """Render a screen's template with its strings and language."""
    return render_template(f"{screen}/{template}", screen=screen, lang=lang, strings=strings_json(strings),
                           **context)


def register(app: Flask) -> None:
    """Static routes for each screen folder and the vendored browser packages; the screens' blueprints."""
    for screen in SCREENS:
        folder = ROOT / screen / "static"

        def static_file(filename, folder=folder):
            return send_from_directory(folder, filename, max_age=300)

        static_file = access("public")(static_file)
        app.add_url_rule(f"/{screen}/static/<path:filename>", f"{screen}_static", static_file)
        module_path = ROOT / "kezek" / "web" / f"screen_{screen}.py"
        if module_path.exists():
            module = importlib.import_module(f"kezek.web.screen_{screen}")
            app.register_blueprint(module.bp)

    @app.get("/vendor/<name>")
    @access("public")
    def vendor(name):
        if name not in VENDOR:
            abort(404)
        if not (VENDOR[name] / name).exists():
            abort(404, "Browser packages are missing: run `npm ci` (make setup does).")
        return send_from_directory(VENDOR[name], name, max_age=3600)

    @app.get("/")
    @access("public")
    def index():
        from flask_babel import get_locale
        return render_template("index.html", screens=SCREENS, lang=str(get_locale()))
