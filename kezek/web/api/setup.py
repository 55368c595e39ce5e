"""Setting up an office (admin): import and export of groups, services and desks, weekly hours, public holidays."""
from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request

from kezek.base import i18n
from kezek.base.errors import Invalid, KezekError, NotFound
from kezek.bookings import public_holidays
from kezek.office import hours, importing, officefile
from kezek.queue.tickets import queue_event
from kezek.web import auth
from kezek.web.api import openapi
from kezek.web.auth import access
from kezek.web.context import get_db, now
from kezek.web.live.broadcast import publish
from kezek.web.payloads import body, field

bp = Blueprint("api_setup", __name__, url_prefix="/api/v1")
IMPORT_LIMIT = 4 * 2**20        # a 120-service file with long official names is ~100 KB
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _by():
    return g.user["id"] if g.user else None


def _office(office_id: str) -> str:
    if office_id not in g.user["offices"]:
        raise NotFound("No such office.", "office_not_found")
    return office_id


def _upload() -> bytes:
    if request.content_length and request.content_length > IMPORT_LIMIT:
        raise Invalid("The file is larger than 4 MB.", "file_too_large")
    request.max_content_length = IMPORT_LIMIT
    if request.files.get("file"):
        return request.files["file"].read(IMPORT_LIMIT + 1)
    return request.get_data(cache=False)


@bp.post("/office-config/import")
@access("admin")
def import_config():
    """The file (CSV or XLSX) is the body or a form's `file`; ?dry_run=1 lists every error and changes nothing."""
    office = auth.office_id(get_db())
    dry_run = request.args.get("dry_run", "0") in ("1", "true", "yes")
    lang = i18n.normalise_lang(request.args.get("lang") or request.cookies.get("kezek_lang"))
    outcome = importing.import_file(get_db(), office, _upload(), now(), dry_run=dry_run, lang=lang,
                                    by_user_id=_by())
    if outcome.ok and not dry_run:
        publish([queue_event(get_db(), office, now())])
    if outcome.ok:
        return jsonify(outcome.as_dict())
    refused = i18n.gettext(lang, "The file has errors: nothing was changed.")
    return jsonify({"error": {"code": "import_refused", "message": refused}, **outcome.as_dict()}), 422


@bp.get("/office-config/export")
@access("admin")
def export_config():
    office = auth.office_id(get_db())
    rows = importing.export_rows(get_db(), office)
    if request.args.get("format") == "xlsx":
        data, kind, ext = officefile.to_xlsx(rows), XLSX, "xlsx"
    else:
        data, kind, ext = officefile.to_csv(rows), "text/csv", "csv"      # Flask adds "; charset=utf-8"
    return Response(data, mimetype=kind,
                    headers={"Content-Disposition": f"attachment; filename=kezek-{office}-config.{ext}"})


@bp.get("/offices/<office_id>/hours")
@access("manager")
def get_hours(office_id):
    return jsonify({"office": office_id, "days": hours.weekly(get_db(), _office(office_id))})


@bp.put("/offices/<office_id>/hours")
@access("admin")
def put_hours(office_id):
    days = hours.set_weekly(get_db(), _office(office_id), field(body(), "days", list, required=True), now(),
                            by_user_id=_by())
    publish([queue_event(get_db(), office_id, now())])
    return jsonify({"office": office_id, "days": days})


@bp.post("/booking-config/holidays/public")
@access("admin")
def load_public_holidays():
    """Kazakhstan's public holidays of the given years (default: this one and the next two) become holidays."""
    office = auth.office_id(get_db())
    years = field(body(), "years", list)
    try:
        added = public_holidays.preload(get_db(), office, now(), years=years, by_user_id=_by())
    except NotImplementedError as err:    # a year the holidays package does not know
        raise KezekError(str(err), "holidays_unknown")
    return jsonify({"office": office, "added": added}), 201


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document."""
    op, param, q, obj = openapi._op, openapi._path_param, openapi.OFFICE_Q, openapi.OBJ
    oid = param("office_id", "string")
    dry = {"name": "dry_run", "in": "query", "required": False, "schema": {"type": "string", "enum": ["0", "1"]}}
    fmt = {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": ["csv", "xlsx"]}}
    days = {"type": "object", "required": ["days"], "properties": {"days": {"type": "array", "items": {
        "type": "object", "required": ["weekday", "opens", "closes"], "properties": {
            "weekday": {"type": "integer", "minimum": 1, "maximum": 7}, "opens": {"type": "string"},
            "closes": {"type": "string"}, "lunch_from": {"type": ["string", "null"]},
            "lunch_to": {"type": ["string", "null"]}}}}}}
    years = {"type": "object", "properties": {"years": {"type": "array", "items": {"type": "integer"}}}}
    export = op("The office's groups, services and desks as CSV or XLSX", "admin", params=[q, fmt])
    export["responses"]["200"]["content"] = {"text/csv": {"schema": {"type": "string"}},
                                             XLSX: {"schema": {"type": "string", "format": "binary"}}}
    return {
        "/api/v1/office-config/import": {"post": op(
            "Import groups, services and desks from a CSV or XLSX body; 422 lists every error by row and column",
            "admin", obj, params=[q, dry])},
        "/api/v1/office-config/export": {"get": export},
        "/api/v1/offices/{office_id}/hours": {
            "get": op("Opening hours per weekday with the lunch break", "manager", params=[oid]),
            "put": op("Set the opening hours per weekday (a weekday left out is closed)", "admin", body=days,
                      params=[oid])},
        "/api/v1/booking-config/holidays/public": {"post": op(
            "Load Kazakhstan's public holidays (default: this year and the next two)", "admin", obj, "201",
            body=years, params=[q])},
    }
