"""The OpenAPI document of /api/v1, served at /api/v1/openapi.json.

A module with routes of its own describes them in `openapi_paths()`, listed in `EXTRA_PATHS`
by kezek/web/app.py, so that the document grows with the routes; a test checks that every
/api/v1 route is described.
"""
from __future__ import annotations

from flask import Blueprint, jsonify

from kezek.web.auth import access

bp = Blueprint("openapi", __name__)

ERROR = {"$ref": "#/components/schemas/Error"}
TICKET = {"$ref": "#/components/schemas/Ticket"}


def _answers(ok: dict | None = None, status: str = "200", extra: tuple[str, ...] = ()) -> dict:
    out = {status: {"description": "OK", "content": {"application/json": {"schema": ok or {"type": "object"}}}}}
    for code in ("400", "401", "403", "404", "409", "413", "422", "429", *extra):
        out[code] = {"description": "error", "content": {"application/json": {"schema": ERROR}}}
    return out


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _op(summary: str, security: str, ok=None, status="200", body=None, params=(), extra=()) -> dict:
    op = {"summary": summary, "x-access": security, "responses": _answers(ok, status, extra)}
    if body:
        op["requestBody"] = _body(body)
    if params:
        op["parameters"] = list(params)
    return op


def _path_param(name: str, kind: str = "integer") -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


OFFICE_Q = {"name": "office", "in": "query", "required": False, "schema": {"type": "string"}}
IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False,
               "schema": {"type": "string", "maxLength": 128}}
OBJ = {"type": "object"}


def _core_paths() -> dict:
    t, tid, did = _path_param("token", "string"), _path_param("ticket_id"), _path_param("desk_id")
    action = lambda s: {"post": _op(s, "operator", TICKET, params=[tid, IDEMPOTENCY])}  # noqa: E731
    return {
        "/api/v1/login": {"post": _op("Open a cookie session", "public", body={
            "type": "object", "required": ["username", "password"],
            "properties": {"username": {"type": "string"}, "password": {"type": "string"}}})},
        "/api/v1/logout": {"post": _op("End the session", "operator")},
        "/api/v1/me": {"get": _op("The signed-in user, with the ids and names of their offices", "operator")},
        "/api/v1/services": {
            "get": _op("Services with waiting counts and estimates", "public", params=[OFFICE_Q]),
            "post": _op("Create a service", "admin", OBJ, "201", body={"type": "object"}, params=[OFFICE_Q])},
        "/api/v1/services/{service_id}": {"patch": _op("Change a service", "admin", body={"type": "object"},
                                                       params=[_path_param("service_id")])},
        "/api/v1/tickets": {"post": _op("Issue a ticket", "kiosk, operator", TICKET, "201", params=[OFFICE_Q, IDEMPOTENCY], body={
            "type": "object", "required": ["service"],
            "properties": {"service": {"type": "integer"}, "priority": {"type": "boolean"},
                           "priority_reason": {"type": "string",
                                               "enum": ["disability", "elderly", "pregnant", "veteran", "other"]},
                           "lang": {"type": "string", "enum": ["kk", "ru", "en"]}}})},
        "/api/v1/tickets/{token}": {"get": _op("A ticket's public view", "public", TICKET, params=[t])},
        "/api/v1/tickets/{token}/cancel": {"post": _op("Cancel a waiting ticket", "public", TICKET, params=[t])},
        "/api/v1/desks/{desk_id}/call-next": {"post": _op(
            "Call the next visitor (204 when nobody waits)", "operator", TICKET, params=[did, IDEMPOTENCY],
            extra=("204",))},
        "/api/v1/desks/{desk_id}/call": {"post": _op(
            "Call a specific waiting ticket out of order, with a reason", "operator", TICKET,
            params=[did, IDEMPOTENCY], body={"type": "object", "required": ["ticket", "reason"], "properties": {
                "ticket": {"type": "integer"}, "reason": {"type": "string", "minLength": 1}}})},
        "/api/v1/tickets/{ticket_id}/recall": action("Call the same visitor again"),
        "/api/v1/tickets/{ticket_id}/start": action("Start serving"),
        "/api/v1/tickets/{ticket_id}/finish": {"post": _op(
            "Finish serving; optionally what the visit came to (outcome id), a staff note, other services served",
            "operator", TICKET, params=[tid, IDEMPOTENCY], body={
                "type": "object", "properties": {"outcome": {"type": "integer"},
                                                 "note": {"type": "string", "maxLength": 500},
                                                 "services": {"type": "array", "items": {"type": "integer"},
                                                              "maxItems": 20}}})},
        "/api/v1/tickets/{ticket_id}/no-show": action("The visitor did not come"),
        "/api/v1/tickets/{ticket_id}/return": action("Return the ticket to its queue"),
        "/api/v1/tickets/{ticket_id}/transfer": {"post": _op(
            "Transfer to another service, to a desk (only it calls the ticket) or to a specialist (only that user"
            " calls it), with a note for the receiving desk; first: true (put first in line) needs a reason",
            "operator", TICKET, params=[tid, IDEMPOTENCY], body={
                "type": "object",
                "properties": {"service": {"type": "integer"}, "desk": {"type": "integer"},
                               "user": {"type": "integer"}, "note": {"type": "string", "maxLength": 500},
                               "first": {"type": "boolean"}, "reason": {"type": "string", "maxLength": 500}}})},
        "/api/v1/desks/{desk_id}/pause": {"post": _op("Pause a desk", "operator", params=[did, IDEMPOTENCY], body={
            "type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "minLength": 1}}})},
        "/api/v1/desks/{desk_id}/resume": {"post": _op("Resume a desk", "operator", params=[did, IDEMPOTENCY])},
        "/api/v1/desks/{desk_id}/state": {"get": _op("A desk's operator snapshot", "operator", params=[did])},
        "/api/v1/state": {"get": _op("The display's snapshot", "public", params=[OFFICE_Q])},
        "/api/v1/queue": {"get": _op("The operator snapshot of the office", "operator", params=[
            OFFICE_Q, {"name": "desk", "in": "query", "required": False, "schema": {"type": "integer"}}])},
        "/api/v1/offices": {"get": _op("Offices of the signed-in user", "manager")},
        "/api/v1/offices/{office_id}": {"patch": _op("Change an office", "admin", body={"type": "object"},
                                                     params=[_path_param("office_id", "string")])},
        "/api/v1/desks": {"get": _op("Desks with their services", "operator", params=[OFFICE_Q]),
                          "post": _op("Create a desk", "admin", OBJ, "201", body={"type": "object"}, params=[OFFICE_Q])},
        "/api/v1/desks/{desk_id}": {"patch": _op("Change a desk", "admin", body={"type": "object"}, params=[did])},
        "/api/v1/users": {"get": _op("Users", "admin"),
                          "post": _op("Create a user (answers a generated password once)", "admin", OBJ, "201",
                                      body={"type": "object"}, params=[OFFICE_Q])},
        "/api/v1/users/{user_id}": {"patch": _op("Change role, active, password", "admin", body={"type": "object"},
                                                 params=[_path_param("user_id")])},
        "/api/v1/devices": {"get": _op("Devices", "admin", params=[OFFICE_Q]),
                            "post": _op("Create a kiosk or display (answers its token once)", "admin", OBJ, "201",
                                        body={"type": "object"}, params=[OFFICE_Q])},
        "/api/v1/devices/{device_id}": {
            "patch": _op("Change a device", "admin", body={"type": "object"}, params=[_path_param("device_id")]),
            "delete": _op("Revoke a device", "admin", params=[_path_param("device_id")])},
    }


EXTRA_PATHS: list = []   # callables returning {path: item}, each module's own (kezek/web/app.py lists them)


def document() -> dict:
    """The OpenAPI 3.1 document."""
    paths = _core_paths()
    for extra in EXTRA_PATHS:
        paths.update(extra())
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kezek API", "version": "1"},
        "paths": paths,
        "components": {
            "securitySchemes": {"device": {"type": "http", "scheme": "bearer"},
                                "session": {"type": "apiKey", "in": "cookie", "name": "kezek_session"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
                "Ticket": {"type": "object", "required": [
                    "token", "number", "service_id", "status", "priority", "people_ahead", "estimated_wait_s",
                    "desk_id", "issued_at", "url"], "properties": {
                    "id": {"type": "integer"}, "token": {"type": "string"}, "number": {"type": "string"},
                    "service_id": {"type": "integer"}, "status": {"type": "string", "enum": [
                        "waiting", "called", "serving", "done", "no_show", "cancelled", "expired"]},
                    "priority": {"type": "boolean"}, "people_ahead": {"type": "integer"},
                    "estimated_wait_s": {"type": "integer"}, "desk_id": {"type": ["integer", "null"]},
                    "issued_at": {"type": "string"}, "url": {"type": "string"},
                    "desks": {"type": "array", "items": {"type": "string"},
                              "description": "names of the desks serving its service"},
                    "zones": {"type": "array", "items": {"type": "string"},
                              "description": "names of the zoned hall TVs that show its calls"},
                    "print": {"type": "object", "description": "only when a kiosk issues: is it being printed",
                              "properties": {"state": {"type": "string",
                                                       "enum": ["pending", "none", "unavailable"]}}}}},
            },
        },
    }


@bp.get("/api/v1/openapi.json")
@access("public")
def openapi_json():
    return jsonify(document())
