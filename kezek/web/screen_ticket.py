"""The ticket page on the visitor's phone, at the ticket's url /t/<token>."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import get_locale

from kezek.i18n import N_
from kezek.web.auth import access
from kezek.web.screens import render_screen

bp = Blueprint("screen_ticket", __name__)
STRINGS: list[str] = [N_("Ticket")]


@bp.get("/t/<token>")
@access("public")
def page(token):
    return render_screen("ticket", "index.html", STRINGS, lang=str(get_locale()), token=token)
