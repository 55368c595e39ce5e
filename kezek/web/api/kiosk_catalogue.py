"""The kiosk's catalogue API: synonyms, other bodies, the "most asked" list (read by kiosks, set by admins)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from kezek.office import catalogue
from kezek.queue.tickets import queue_event
from kezek.web import auth
from kezek.web.api import openapi
from kezek.web.auth import access
from kezek.web.context import get_db, now
from kezek.web.live.broadcast import publish
from kezek.web.payloads import body, field

bp = Blueprint("api_kiosk_catalogue", __name__, url_prefix="/api/v1")


def _by():
    return g.user["id"] if g.user else None


def _changed(office_id: str):
    # Kiosks refetch their lists on queue.changed (kiosk.js): the new words and bodies reach them at once.
    # Desk screens show none of it: no desk is named.
    publish([queue_event(get_db(), office_id, now(), services=(), desks=())])


@bp.get("/kiosk/catalogue")
@access("public")
def get_catalogue():
    office = auth.office_id(get_db())
    return jsonify({"office": office, **catalogue.catalogue(get_db(), office)})


@bp.put("/services/<int:service_id>/synonyms")
@access("admin")
def put_synonyms(service_id):
    office = auth.office_id(get_db())
    words = catalogue.set_synonyms(get_db(), service_id, field(body(), "synonyms", list, required=True), now(),
                                   office_id=office, by_user_id=_by())
    _changed(office)
    return jsonify({"service_id": service_id, "synonyms": words})


@bp.put("/services/<int:service_id>/bodies")
@access("admin")
def put_bodies(service_id):
    office = auth.office_id(get_db())
    bodies = catalogue.set_extra_bodies(get_db(), service_id, field(body(), "bodies", list, required=True), now(),
                                        office_id=office, by_user_id=_by())
    _changed(office)
    return jsonify({"service_id": service_id, "bodies": bodies})


@bp.put("/kiosk/most-asked")
@access("admin")
def put_most_asked():
    office = auth.office_id(get_db())
    ids = catalogue.set_most_asked(get_db(), office, field(body(), "service_ids", list, required=True), now(),
                                   by_user_id=_by())
    _changed(office)
    return jsonify({"office": office, "service_ids": ids})


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document."""
    words = {"type": "array", "items": {"type": "string", "maxLength": catalogue.MAX_WORD},
             "maxItems": catalogue.MAX_SYNONYMS}
    one_body = {"type": "object", "required": ["group_kk", "group_ru", "group_en"],
                "properties": {f"group_{lang}": {"type": "string", "maxLength": catalogue.MAX_BODY_NAME}
                               for lang in ("kk", "ru", "en")}}
    bodies = {"type": "array", "items": one_body, "maxItems": catalogue.MAX_BODIES}
    ids = {"type": "array", "items": {"type": "integer"}, "maxItems": catalogue.MAX_MOST_ASKED}
    service = [openapi._path_param("service_id"), openapi.OFFICE_Q]
    return {
        "/api/v1/kiosk/catalogue": {"get": openapi._op(
            "What the kiosk finds services by: synonyms and other bodies per service id, the most asked ids",
            "public", {"type": "object", "properties": {
                "office": {"type": "string"}, "synonyms": {"type": "object", "additionalProperties": words},
                "bodies": {"type": "object", "additionalProperties": bodies}, "most_asked": ids}},
            params=[openapi.OFFICE_Q])},
        "/api/v1/services/{service_id}/synonyms": {"put": openapi._op(
            "Replace the words a visitor may search the service by", "admin",
            body={"type": "object", "required": ["synonyms"], "properties": {"synonyms": words}}, params=service)},
        "/api/v1/services/{service_id}/bodies": {"put": openapi._op(
            "Replace the other bodies the service is also listed under on the kiosk (its main body stays "
            "group_kk/ru/en)", "admin",
            body={"type": "object", "required": ["bodies"], "properties": {"bodies": bodies}}, params=service)},
        "/api/v1/kiosk/most-asked": {"put": openapi._op(
            "Replace the office's most asked services, in the kiosk's order", "admin",
            body={"type": "object", "required": ["service_ids"], "properties": {"service_ids": ids}},
            params=[openapi.OFFICE_Q])},
    }
