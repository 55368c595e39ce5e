"""The region's API: offices created, closed and reopened by a region admin; the region's monitor, reports and board."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from kezek.base.clock import local_day
from kezek.base.errors import NotFound
from kezek.bookings import public_holidays
from kezek.office import accounts, config
from kezek.office import store as office_store
from kezek.queue.tickets import queue_event
from kezek.reports import figures, region
from kezek.web.api import openapi
from kezek.web.auth import access
from kezek.web.context import get_db, now
from kezek.web.live.broadcast import publish
from kezek.web.payloads import body, field

bp = Blueprint("api_region", __name__, url_prefix="/api/v1")


@bp.post("/offices")
@access("region_admin")
def create_office():
    data = dict(body())
    office_id = field(data, "id", str, required=True)
    data.pop("id")
    office = config.create_office(get_db(), office_id, data, now(), by_user_id=g.user["id"])
    public_holidays.preload(get_db(), office_id, now(), by_user_id=g.user["id"])
    return jsonify(office), 201


def _office(office_id: str) -> str:
    if office_store.office(get_db(), office_id) is None:
        raise NotFound("No such office.", "office_not_found")
    return office_id


@bp.post("/offices/<office_id>/close")
@access("region_admin")
def close_office(office_id):
    office = config.close_office(get_db(), _office(office_id), now(), by_user_id=g.user["id"])
    publish([queue_event(get_db(), office_id, now())])    # kiosks redraw: every service closed
    return jsonify(office)


@bp.post("/offices/<office_id>/reopen")
@access("region_admin")
def reopen_office(office_id):
    office = config.reopen_office(get_db(), _office(office_id), now(), by_user_id=g.user["id"])
    publish([queue_event(get_db(), office_id, now())])
    return jsonify(office)


@bp.get("/region/monitor")
@access("region_admin")
def monitor():
    return jsonify(region.region_monitor(get_db(), office_store.office_ids(get_db()), now()))


@bp.get("/region/stats")
@access("region_admin")
def stats():
    start, end = figures.parse_period(request.args.get("from"), request.args.get("to"),
                                      local_day(now(), "Asia/Almaty"))
    return jsonify(region.region_report(get_db(), office_store.office_ids(get_db()), start, end))


@bp.get("/region/board")
@access("public")
def board():
    return jsonify(region.region_board(get_db(), now()))


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document."""
    op, oid = openapi._op, openapi._path_param("office_id", "string")
    q = lambda name: {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}  # noqa: E731
    return {
        # The same path item as the core document's GET (kezek/web/api/openapi.py): both kept, not replaced.
        "/api/v1/offices": {"get": op("Offices of the signed-in user (a region admin: every office)", "manager"),
                            "post": op("Create an office ({id, name_kk, name_ru, name_en, timezone, …}); Kazakhstan's"
                                       " public holidays are loaded", "region_admin", openapi.OBJ, "201",
                                       body=openapi.OBJ)},
        "/api/v1/offices/{office_id}/close": {"post": op(
            "Close an office: its kiosks and booking page issue nothing; its history stays readable",
            "region_admin", params=[oid])},
        "/api/v1/offices/{office_id}/reopen": {"post": op("Open a closed office again", "region_admin",
                                                          params=[oid])},
        "/api/v1/region/monitor": {"get": op(
            "Every office now: waiting, longest wait, open desks, served today, share called within the"
            " 15-minute norm, kiosks and printers in trouble", "region_admin")},
        "/api/v1/region/stats": {"get": op("Report totals across offices for office-local dates from..to, with a"
                                           " per-office breakdown", "region_admin", params=[q("from"), q("to")])},
        "/api/v1/region/board": {"get": op("The regional open board: each office's waiting, mean wait and served"
                                           " today", "public")},
    }
