"""Notices for the ticker (admin) and each service's what to bring (admin writes, anyone reads)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from kezek.base.errors import NotFound
from kezek.content import notices, service_info
from kezek.content import store as content_store
from kezek.office import store as office_store
from kezek.web import auth
from kezek.web.api import openapi
from kezek.web.auth import access
from kezek.web.context import get_db, now
from kezek.web.live.broadcast import publish
from kezek.web.payloads import body

bp = Blueprint("api_content", __name__, url_prefix="/api/v1")


def _by():
    return g.user["id"] if g.user else None


@bp.get("/notices")
@access("admin")
def list_notices():
    return jsonify({"notices": notices.current_and_coming(get_db(), auth.office_id(get_db()), now())})


@bp.post("/notices")
@access("admin")
def create_notice():
    view, events = notices.save_notice(get_db(), auth.office_id(get_db()), None, body(), now(), by_user_id=_by())
    publish(events)
    return jsonify(view), 201


def _own_notice(notice_id: int) -> str:
    row = content_store.notice(get_db(), notice_id)
    if row is None or row["office_id"] not in g.user["offices"]:
        raise NotFound("No such notice.", "notice_not_found")
    return row["office_id"]


@bp.patch("/notices/<int:notice_id>")
@access("admin")
def update_notice(notice_id):
    office = _own_notice(notice_id)
    view, events = notices.save_notice(get_db(), office, notice_id, body(), now(), by_user_id=_by())
    publish(events)
    return jsonify(view)


@bp.delete("/notices/<int:notice_id>")
@access("admin")
def delete_notice(notice_id):
    office = _own_notice(notice_id)
    publish(notices.delete_notice(get_db(), office, notice_id, now(), by_user_id=_by()))
    return jsonify({"deleted": notice_id})


@bp.get("/services/info")
@access("public")
def office_service_info():
    """Every service's description and documents (the kiosk's "i", the booking page)."""
    return jsonify({"services": service_info.office_info(get_db(), auth.office_id(get_db()))})


@bp.get("/services/<int:service_id>/info")
@access("public")
def get_service_info(service_id):
    """One service's description and documents in kk/ru/en: public, nothing about anyone."""
    return jsonify(service_info.service_info(get_db(), service_id))


@bp.put("/services/<int:service_id>/info")
@access("admin")
def set_service_info(service_id):
    service = office_store.service(get_db(), service_id)
    if service is None or service["office_id"] not in g.user["offices"]:
        raise NotFound("No such service.", "service_not_found")
    view, events = service_info.set_service_info(get_db(), service_id, body(), now(), by_user_id=_by())
    publish(events)
    return jsonify(view)


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document."""
    op, nid, sid, q, obj = openapi._op, openapi._path_param("notice_id"), openapi._path_param("service_id"), \
        openapi.OFFICE_Q, openapi.OBJ
    texts = {"type": "string", "maxLength": notices.MAX_TEXT}
    notice = {"type": "object", "properties": {"text_kk": texts, "text_ru": texts, "text_en": texts,
                                               "starts_at": {"type": "string"}, "ends_at": {"type": "string"}}}
    langs = {"type": "object", "properties": {"kk": {"type": "string"}, "ru": {"type": "string"},
                                              "en": {"type": "string"}}}
    info = {"type": "object", "properties": {"description": langs, "documents": {"type": "array", "items": langs}}}
    return {
        "/api/v1/notices": {"get": op("Notices not ended yet", "admin", obj, params=[q]),
                            "post": op("Add a notice (kk/ru/en, start and end in office time)", "admin", obj, "201",
                                       body=notice, params=[q])},
        "/api/v1/notices/{notice_id}": {"patch": op("Change a notice", "admin", obj, body=notice, params=[nid]),
                                        "delete": op("Remove a notice", "admin", obj, params=[nid])},
        "/api/v1/services/info": {"get": op("What to bring, for every service that has it", "public", obj,
                                            params=[q])},
        "/api/v1/services/{service_id}/info": {
            "get": op("A service's description and documents to bring, kk/ru/en", "public", obj, params=[sid]),
            "put": op("Write a service's description and documents to bring", "admin", obj, body=info,
                      params=[sid])},
    }
