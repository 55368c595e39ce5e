"""The board screen's page."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import get_locale

from kezek.i18n import N_
from kezek.web.auth import access
from kezek.web.screens import render_screen

bp = Blueprint("screen_board", __name__)
STRINGS: list[str] = [N_("Electronic queue")]


@bp.get("/board/")
@access("public")
def page():
    return render_screen("board", "index.html", STRINGS, lang=str(get_locale()), office=None)

@bp.get("/board/<office>")
@access("public")
def page_office(office):
    return render_screen("board", "index.html", STRINGS, lang=str(get_locale()), office=office)

