"""The screen above a desk (/display/desk/<id>): a small monitor or tablet showing that desk's call, live."""
from __future__ import annotations

from flask import Blueprint

from kezek.base.errors import NotFound
from kezek.base.i18n import N_
from kezek.office import store as office_store
from kezek.web.auth import access
from kezek.web.context import get_db
from kezek.web.screens.rendering import render_screen, visitor_lang

bp = Blueprint("screen_desk_display", __name__)

# Browser strings of display/static/desk.js (kk, ru, en); the wording follows shared/GLOSSARY.md.
STRINGS: list[str] = [
    N_("Desk"), N_("Ticket"), N_("Please come in"), N_("Now serving"), N_("Paused"), N_("Closed"),
    N_("Please wait for your number to be called"), N_("Specialist: %(name)s"),
    N_("Display is not paired: token refused"), N_("Desk screen"),
    N_("Lunch break until %(time)s"),
]


@bp.get("/display/desk/<int:desk_id>")
@access("public")
def page(desk_id):
    """The desk screen's page; it connects as the `desk-display` screen (paired with ?token= like the hall TV)."""
    desk = office_store.desk(get_db(), desk_id)
    if desk is None:
        raise NotFound("No such desk.", "desk_not_found")
    return render_screen("display", "desk.html", STRINGS, lang=visitor_lang(), desk_id=desk_id,
                         desk_name=desk["name"])
