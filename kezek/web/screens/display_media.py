"""The hall display's media side: its service worker (scope /display/) and the strings of media.js."""
from __future__ import annotations

from flask import Blueprint, send_from_directory

from kezek.base.i18n import N_
from kezek.web.auth import access
from kezek.web.context import ROOT

bp = Blueprint("screen_display_media", __name__)

# Browser strings of display/static/media.js (kk, ru, en).
STRINGS: list[str] = [N_("What to bring")]


@bp.get("/display/sw.js")
@access("public")
def service_worker():
    """display-sw.js at /display/, so that it may control the display's page; never cached stale."""
    response = send_from_directory(ROOT / "display" / "static", "display-sw.js", mimetype="text/javascript",
                                   max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/display/"
    return response
