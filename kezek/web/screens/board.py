"""The open board's page: today's waiting counts, mean waits and served counts, public."""
from __future__ import annotations

import functools

from flask import Blueprint, Response, abort

from kezek.base.i18n import N_
from kezek.log import checkpoints
from kezek.office import store as office_store
from kezek.web.auth import access
from kezek.web.context import get_db
from kezek.web.screens.kiosk import qr_svg
from kezek.web.screens.rendering import render_screen, visitor_lang

bp = Blueprint("screen_board", __name__)
STRINGS: list[str] = [
    N_("Electronic queue"), N_("Open board"), N_("Service"), N_("Waiting now"), N_("Average wait today"),
    N_("Served today"), N_("%(n)s min"), N_("Updated at %(time)s"),
    N_("No services are open."), N_("Total"), N_("Choose language"),
    # A big office: services under their body's heading, and a search (kk/ru/en, any case, Cyrillic or Latin).
    N_("Other services"), N_("Search for a service or body"), N_("Services found: %(n)s"),
    N_("Nothing found. Try another word."),
    # On a TV a big office's table pages by itself ("2 / 9"); the button turns it by hand (a desktop).
    N_("Next page"),
    # Free booking times today (GET /api/v1/slots/today) and where to book.
    N_("Free booking times today"), N_("Free times"), N_("Next free time"), N_("none left today"),
    N_("Book a time on your phone:"),
    # The office's transparency log: the latest signed checkpoint, to scan and keep (docs/guarantees.md).
    N_("The office's log"), N_("Checkpoint %(short)s"), N_("QR code of the office's latest log checkpoint"),
    N_("Scan and keep it: with it anyone can later check that the queue's history was not rewritten."),
]


@bp.get("/board/")
@access("public")
def page():
    return render_screen("board", "index.html", STRINGS, lang=visitor_lang(), office=None)


@bp.get("/board/<office>/checkpoint.svg")
@access("public")
def checkpoint_qr(office):
    """A QR code of the office's latest signed checkpoint (the whole note, as an auditor keeps it)."""
    db = get_db()
    row = checkpoints.latest(db, office)
    if row is None:
        abort(404)
    response = Response(_note_qr(checkpoints.published(db, row)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=30"
    return response


@functools.lru_cache(maxsize=32)
def _note_qr(note: str) -> bytes:
    """The QR code of a note, drawn once per checkpoint however many screens and phones ask."""
    return qr_svg(note)


@bp.get("/board/<office>")
@access("public")
def page_office(office):
    if office_store.office(get_db(), office) is None:
        abort(404)
    return render_screen("board", "index.html", STRINGS, lang=visitor_lang(), office=office)
