"""The desk's visit API under /api/v1: where a visitor may be transferred, and the office's list of visit outcomes."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from kezek.queue import outcomes, transfers
from kezek.web import auth
from kezek.web.api.openapi import OBJ, OFFICE_Q, _op, _path_param
from kezek.web.auth import access
from kezek.web.context import get_db, now
from kezek.web.payloads import body

bp = Blueprint("api_visits", __name__, url_prefix="/api/v1")


@bp.get("/transfer-targets")
@access("operator")
def transfer_targets():
    office = auth.office_id(get_db())
    return jsonify({"office": office, **transfers.targets(get_db(), office)})


@bp.get("/outcomes")
@access("operator")
def list_outcomes():
    office = auth.office_id(get_db())
    return jsonify({"office": office, "outcomes": outcomes.kinds(get_db(), office)})


@bp.post("/outcomes")
@access("admin")
def create_outcome():
    office = auth.office_id(get_db())
    return jsonify(outcomes.create_kind(get_db(), office, body(), now(), by_user_id=g.user["id"])), 201


@bp.patch("/outcomes/<int:outcome_id>")
@access("admin")
def update_outcome(outcome_id):
    return jsonify(outcomes.change_kind(get_db(), outcome_id, body(), now(), office_ids=g.user["offices"],
                                        by_user_id=g.user["id"]))


NAMES = {f"name_{lang}": {"type": "string", "minLength": 1, "maxLength": outcomes.NAME_LIMIT}
         for lang in ("kk", "ru", "en")}


def openapi_paths() -> dict:
    """This module's routes for the OpenAPI document."""
    return {
        "/api/v1/transfer-targets": {"get": _op(
            "Where a visitor may be transferred: desks with their bodies, the office's specialists", "operator",
            params=[OFFICE_Q])},
        "/api/v1/outcomes": {
            "get": _op("The office's visit outcomes (the defaults on first use)", "operator", params=[OFFICE_Q]),
            "post": _op("Add a visit outcome", "admin", OBJ, "201", params=[OFFICE_Q], body={
                "type": "object", "required": list(NAMES),
                "properties": {**NAMES, "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,31}$"}}})},
        "/api/v1/outcomes/{outcome_id}": {"patch": _op(
            "Rename, reorder or switch off a visit outcome", "admin", OBJ, params=[_path_param("outcome_id")],
            body={"type": "object", "properties": {**NAMES, "active": {"type": "boolean"},
                                                   "sort_order": {"type": "integer"}}})},
    }
