"""Configuration API (admin role): services, desks, users, devices, the office."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify

from kezek.base.errors import Invalid, NotFound
from kezek.office import accounts, config, zones
from kezek.office import store as office_store
from kezek.queue.tickets import queue_event
from kezek.web import auth
from kezek.web.auth import Forbidden, access
from kezek.web.context import get_db, now
from kezek.web.live.broadcast import disconnect_device, disconnect_user, publish
from kezek.web.payloads import body, field

bp = Blueprint("api_config", __name__, url_prefix="/api/v1")


def _by():
    return g.user["id"] if g.user else None


def _queue_changed(office_id: str, services=(), desks=()) -> None:
    # Kiosks and displays read the office's lists again; desk screens only where these serve (or are).
    publish([queue_event(get_db(), office_id, now(), services=services, desks=desks)])


@bp.get("/offices")
@access("manager")
def list_offices():
    return jsonify({"offices": [o for o in office_store.offices(get_db()) if o["id"] in g.user["offices"]]})


@bp.patch("/offices/<office_id>")
@access("admin")
def update_office(office_id):
    if office_id not in g.user["offices"]:
        raise NotFound("No such office.", "office_not_found")
    data = dict(body())
    ports = data.pop("printer_ports", None)
    if ports is not None:
        accounts.set_printer_ports(get_db(), office_id, ports, now(), by_user_id=_by())
    office = config.update_office(get_db(), office_id, data, now(), by_user_id=_by()) if data or ports is None \
        else office_store.office(get_db(), office_id)
    return jsonify(office | {"printer_ports": list(accounts.printer_ports(get_db(), office_id))})


@bp.post("/services")
@access("admin")
def create_service():
    office = auth.office_id(get_db())
    service = config.create_service(get_db(), office, body(), now(), by_user_id=_by())
    _queue_changed(office)
    return jsonify(service), 201


def _own(row, what: str):
    if row is None or row["office_id"] not in g.user["offices"]:
        raise NotFound(f"No such {what}.", f"{what}_not_found")
    return row


@bp.patch("/services/<int:service_id>")
@access("admin")
def update_service(service_id):
    _own(office_store.service(get_db(), service_id), "service")
    service = config.update_service(get_db(), service_id, body(), now(), by_user_id=_by())
    _queue_changed(service["office_id"], services=[service_id])
    return jsonify(service)


@bp.get("/desks")
@access("operator")
def list_desks():
    return jsonify({"desks": office_store.desks(get_db(), auth.office_id(get_db()))})


@bp.post("/desks")
@access("admin")
def create_desk():
    desk = config.create_desk(get_db(), auth.office_id(get_db()), body(), now(), by_user_id=_by())
    return jsonify(desk), 201


@bp.patch("/desks/<int:desk_id>")
@access("admin")
def update_desk(desk_id):
    before = _own(office_store.desk(get_db(), desk_id), "desk")
    desk = config.update_desk(get_db(), desk_id, body(), now(), by_user_id=_by())
    # The desk's screen gets its new name and queue; desks sharing its old or new services, their estimates.
    _queue_changed(desk["office_id"], services=before["service_ids"] + desk["service_ids"], desks=[desk_id])
    return jsonify(desk)


def _allow_local() -> bool:
    """The server owner's KEZEK_PRINTER_ALLOW_LOCAL: a printer simulator on the server itself."""
    return bool(int(current_app.config["PRINTER_ALLOW_LOCAL"]))


def _colleague(user: dict | None) -> bool:
    """Whether a user works in one of the signed-in admin's offices."""
    return bool(user) and bool(set(user["offices"]) & set(g.user["offices"]))


@bp.get("/users")
@access("admin")
def list_users():
    return jsonify({"users": [u for u in accounts.list_users(get_db()) if _colleague(u)]})


@bp.post("/users")
@access("admin")
def create_user():
    data = body()
    username = field(data, "username", str, required=True)
    role = field(data, "role", str, required=True)
    password = field(data, "password", str)
    if role == accounts.REGION_ADMIN and g.user["role"] != accounts.REGION_ADMIN:
        raise Forbidden("Only a region admin makes a region admin.", "out_of_scope")
    offices = None if role == accounts.REGION_ADMIN else [auth.office_id(get_db())]   # the region's: every office
    user, password = accounts.create_user(get_db(), username, role, now(), password=password,
                                          offices=offices, by_user_id=_by(),
                                          full_name=field(data, "full_name", str))
    return jsonify({"user": user, "password": password}), 201


@bp.patch("/users/<int:user_id>")
@access("admin")
def update_user(user_id):
    data = body()
    unknown = set(data) - {"role", "active", "password", "full_name"}
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.", "unknown_field")
    target = accounts.get_user(get_db(), user_id)
    if not _colleague(target):
        raise NotFound("No such user.", "user_not_found")
    if accounts.REGION_ADMIN in (target["role"], data.get("role")) and g.user["role"] != accounts.REGION_ADMIN:
        # A region admin works in every office: only the region changes one, or makes one.
        raise Forbidden("Only a region admin changes or makes a region admin.", "out_of_scope")
    if not accounts.within_scope(target, g.user["offices"]):
        # Else an admin of one office takes over another through a user who works in both.
        raise Forbidden("This user also works in offices you do not administer: ask their admin.", "out_of_scope")
    if user_id == g.user["id"] and (data.get("active") is False or data.get("role", g.user["role"]) != g.user["role"]):
        raise Invalid("You cannot disable yourself or drop your own admin role.", "self_lockout")
    user = accounts.update_user(get_db(), user_id, now(), role=field(data, "role", str),
                                active=field(data, "active", bool), password=field(data, "password", str),
                                full_name=field(data, "full_name", str), by_user_id=_by())
    if data.get("active") is False or "password" in data or "role" in data:
        disconnect_user(user_id)   # a live operator screen must not outlive the access it was opened with
    return jsonify({"user": user})


@bp.get("/devices")
@access("admin")
def list_devices():
    return jsonify({"devices": accounts.list_devices(get_db(), auth.office_id(get_db()))})


@bp.post("/devices")
@access("admin")
def create_device():
    data = body()
    kind = field(data, "kind", str, required=True)
    name = field(data, "name", str, required=True)
    printer = field(data, "printer_url", str, default="none")
    settings = field(data, "settings", dict, default={})
    device, token = accounts.create_device(get_db(), auth.office_id(get_db()), kind, name, now(),
                                           printer_url=printer, settings=settings, by_user_id=_by(),
                                           allow_local_printer=_allow_local())
    return jsonify({"device": device, "token": token, "pairing_path": f"/{kind}/?token={token}"}), 201


@bp.patch("/devices/<int:device_id>")
@access("admin")
def update_device(device_id):
    _own(accounts.get_device(get_db(), device_id), "device")
    data = body()
    unknown = set(data) - {"name", "printer_url", "settings"}
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.", "unknown_field")
    kind = accounts.get_device(get_db(), device_id)["kind"]
    if kind == "display" and isinstance(data.get("settings"), dict):
        zones.check_settings(get_db(), accounts.get_device(get_db(), device_id)["office_id"], data["settings"])
    device = accounts.update_device(get_db(), device_id, now(), name=field(data, "name", str),
                                    printer_url=field(data, "printer_url", str),
                                    settings=field(data, "settings", dict), by_user_id=_by(),
                                    allow_local_printer=_allow_local())
    if "settings" in data:
        # The device reconnects at once and its new snapshot carries the new settings.
        disconnect_device(device_id)
    if kind == "display":
        # A TV's zone is checked for fit whenever it is set (kezek/office/zones.py).
        return jsonify({"device": device, "fit": zones.fit(get_db(), device["office_id"], device["settings"])})
    return jsonify({"device": device})


@bp.delete("/devices/<int:device_id>")
@access("admin")
def revoke_device(device_id):
    _own(accounts.get_device(get_db(), device_id), "device")
    device = accounts.revoke_device(get_db(), device_id, now(), by_user_id=_by())
    disconnect_device(device_id)
    return jsonify({"device": device})
