"""The printing API: a kiosk prints one of its tickets again (the job itself runs in kezek/web/live/printing.py)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from kezek.base.errors import Conflict, NotFound
from kezek.printing import jobs as print_jobs
from kezek.queue import store as queue_store
from kezek.web import auth
from kezek.web.api import openapi
from kezek.web.auth import access
from kezek.web.context import get_db
from kezek.web.live.printing import reprints, start_print
from kezek.web.retries import idempotent

bp = Blueprint("printing", __name__, url_prefix="/api/v1")


@bp.post("/tickets/<int:ticket_id>/reprint")
@access("kiosk")
@idempotent
def reprint(ticket_id):
    db = get_db()
    ticket = queue_store.ticket(db, ticket_id)
    if ticket is None or ticket["device_id"] != g.device["id"]:
        raise NotFound("No such ticket.", "ticket_not_found")
    if ticket["status"] not in print_jobs.REPRINTABLE:
        raise Conflict("Only a waiting or called ticket can be printed again.", "not_reprintable",
                       status=ticket["status"])
    auth.spend(reprints, f"device:{g.device['id']}", "Too many reprints from this kiosk: wait a minute.",
               "reprint_rate_limited")
    return jsonify({"ticket_id": ticket_id, "print": start_print(ticket, g.device, reprint=True)}), 202


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document."""
    print_state = {"type": "object", "properties": {"state": {"type": "string",
                                                              "enum": ["pending", "none", "unavailable"]}}}
    answer = {"type": "object", "properties": {"ticket_id": {"type": "integer"}, "print": print_state}}
    return {"/api/v1/tickets/{ticket_id}/reprint": {"post": openapi._op(
        "Print a kiosk's own waiting or called ticket again (ticket.printed follows)", "kiosk", answer, "202",
        params=[openapi._path_param("ticket_id"), openapi.IDEMPOTENCY])}}
