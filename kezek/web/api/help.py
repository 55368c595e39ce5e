"""Calls for help: a kiosk's "I need help", the open calls, a staff member's acknowledgement."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from kezek.base.errors import Invalid
from kezek.queue import help as help_calls
from kezek.voice import words
from kezek.web import auth
from kezek.web.api import openapi
from kezek.web.auth import access
from kezek.web.context import get_db, now
from kezek.web.live.broadcast import publish
from kezek.web.payloads import body, field

bp = Blueprint("help", __name__, url_prefix="/api/v1")


@bp.post("/help")
@access("kiosk")
def request_help():
    lang = field(body(), "lang", str, default="kk")
    if lang not in words.LANGS:
        raise Invalid("lang: kk, ru or en.", "bad_field", field="lang", allowed=list(words.LANGS))
    outcome = help_calls.request_help(get_db(), g.device, now(), lang=lang)
    publish(outcome.events)
    return jsonify(outcome.events[0].data), 201


@bp.get("/help")
@access("operator", "manager", "admin")
def open_calls():
    db = get_db()
    return jsonify({"calls": help_calls.open_calls(db, auth.office_id(db))})


@bp.post("/help/<int:call_id>/acknowledge")
@access("operator", "manager", "admin")
def acknowledge(call_id):
    outcome = help_calls.acknowledge_help(get_db(), call_id, g.user, g.user["offices"], now())
    publish(outcome.events)
    return jsonify(outcome.events[0].data)


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document."""
    call = {"type": "object", "required": ["id", "device_id", "kiosk", "requested_at"], "properties": {
        "id": {"type": "integer"}, "device_id": {"type": "integer"}, "kiosk": {"type": "string"},
        "requested_at": {"type": "string"}, "acknowledged_at": {"type": ["string", "null"]},
        "acknowledged_by": {"type": ["string", "null"]}}}
    return {
        "/api/v1/help": {
            "post": openapi._op("A visitor at this kiosk needs help (one open call per kiosk); help.requested "
                                "reaches operators and the monitor", "kiosk", call, "201",
                                body={"type": "object", "properties": {"lang": {"type": "string",
                                                                               "enum": list(words.LANGS)}}}),
            "get": openapi._op("The office's unanswered calls for help", "operator, manager, admin",
                               {"type": "object", "properties": {"calls": {"type": "array", "items": call}}},
                               params=[openapi.OFFICE_Q])},
        "/api/v1/help/{call_id}/acknowledge": {"post": openapi._op(
            "Someone is coming: the kiosk says so (help.acknowledged)", "operator, manager, admin", call,
            params=[openapi._path_param("call_id")])},
    }
