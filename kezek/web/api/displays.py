"""Hall displays' zones (admin): what a TV's layout holds, whether a zone fits it, zones proposed for a big hall."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from kezek.base.errors import Invalid, NotFound
from kezek.office import accounts, zones
from kezek.web import auth
from kezek.web.api import openapi
from kezek.web.auth import access
from kezek.web.context import get_db
from kezek.web.payloads import body, field

bp = Blueprint("api_displays", __name__, url_prefix="/api/v1")


def _size_args() -> tuple[float, float, bool]:
    settings = {}
    for key in ("screen_in", "viewing_m"):
        if request.args.get(key) is not None:
            try:
                settings[key] = float(request.args[key])
            except ValueError:
                raise Invalid(f"{key}: a number.", "bad_field", field=key) from None
    settings["orientation"] = request.args.get("orientation", "landscape")
    zones.check_settings(get_db(), auth.office_id(get_db()), settings)
    return settings.get("screen_in", 55), settings.get("viewing_m", 5), settings["orientation"] == "portrait"


@bp.get("/displays/layout")
@access("admin")
def display_layout():
    """What a TV of ?screen_in= inches read from ?viewing_m= metres (?orientation=) holds of the waiting part."""
    return jsonify(zones.layout(*_size_args()))


@bp.post("/displays/fit")
@access("admin")
def display_fit():
    """Whether display settings (a zone and the TV's size) fit, before they are saved: {settings}."""
    settings = field(body(), "settings", dict, required=True)
    return jsonify(zones.fit(get_db(), auth.office_id(get_db()), settings))


@bp.get("/displays/zones")
@access("admin")
def display_zones():
    """Zones proposed for the office's hall: whole bodies per TV, each fitting the TV's layout."""
    return jsonify(zones.propose(get_db(), auth.office_id(get_db()), *_size_args()))


@bp.get("/devices/<int:device_id>/fit")
@access("admin")
def device_fit(device_id):
    """Whether a display device's saved zone fits its layout."""
    device = accounts.get_device(get_db(), device_id)
    if device is None or device["office_id"] not in g.user["offices"] or device["kind"] != "display":
        raise NotFound("No such display.", "device_not_found")
    return jsonify(zones.fit(get_db(), device["office_id"], device["settings"]))


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document."""
    size = [openapi.OFFICE_Q, *({"name": n, "in": "query", "schema": schema} for n, schema in (
        ("screen_in", {"type": "number"}), ("viewing_m", {"type": "number"}),
        ("orientation", {"type": "string", "enum": ["landscape", "portrait"]})))]
    body_schema = {"type": "object", "required": ["settings"], "properties": {"settings": {"type": "object"}}}
    return {
        "/api/v1/displays/layout": {"get": openapi._op("What a TV's layout holds of the waiting part", "admin",
                                                       params=size)},
        "/api/v1/displays/fit": {"post": openapi._op("Whether display settings (zone, TV size) fit, before saving",
                                                     "admin", body=body_schema, params=[openapi.OFFICE_Q])},
        "/api/v1/displays/zones": {"get": openapi._op("Zones proposed for a big hall: whole bodies per TV", "admin",
                                                      params=size)},
        "/api/v1/devices/{device_id}/fit": {"get": openapi._op("Whether a display's saved zone fits its layout",
                                                               "admin", params=[openapi._path_param("device_id")])},
    }
