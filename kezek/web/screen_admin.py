"""The admin screen's page."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import get_locale

from kezek.i18n import N_
from kezek.web.auth import access
from kezek.web.screens import render_screen

bp = Blueprint("screen_admin", __name__)
STRINGS: list[str] = [N_("Electronic queue")]


@bp.get("/admin/")
@access("public")
def page():
    return render_screen("admin", "index.html", STRINGS, lang=str(get_locale()), office=None)

