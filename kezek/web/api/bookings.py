"""Bookings API: free slots, book/cancel/move (public, rate-limited), kiosk check-in, staff booking, report, rules."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from kezek.base.clock import local_day
from kezek.base.errors import Invalid, NotFound
from kezek.base.i18n import normalise_lang
from kezek.bookings import report as booking_report
from kezek.bookings import reservations, rules, slots
from kezek.office import store as office_store
from kezek.web import auth
from kezek.web.api import openapi
from kezek.web.auth import access, booking_limit, lookups_per_ip
from kezek.web.rate_limits import Budget
from kezek.web.context import get_db, now
from kezek.web.live.broadcast import publish
from kezek.web.live.printing import start_print
from kezek.web.payloads import body, booking_url, field, ticket_json
from kezek.web.retries import idempotent

bp = Blueprint("api_bookings", __name__, url_prefix="/api/v1")
# Shared by every server process (kezek/web/rate_limits.py): an address's bookings an hour, its code
# lookups in ten minutes (auth.lookups_per_ip, shared with the booking's QR code), its slot reads a
# minute, and a kiosk's failed check-ins a minute (no code oracle at the kiosk).
bookings_per_ip = Budget("bookings", 3600, lambda: booking_limit("BOOKINGS_PER_HOUR"))
slot_reads_per_ip = Budget("slot_reads", 60, lambda: booking_limit("SLOT_READS_PER_MINUTE"))
kiosk_failures = Budget("checkin_failures", 60, lambda: booking_limit("CHECKIN_FAILURES_PER_MINUTE"))


def _hit(budget: Budget, message: str) -> None:
    auth.spend(budget, f"ip:{auth.client_ip()}", message, "booking_rate_limited")


def _service(service_id: int) -> dict:
    db = get_db()
    service = office_store.service(db, service_id)
    if service is None or service["office_id"] != auth.office_id(db):
        raise NotFound("No such service.", "service_not_found")
    return service


def _booking(code: str) -> dict:
    """A booking by code for a public caller: every lookup counts against the address's budget."""
    _hit(lookups_per_ip, "Too many requests: wait a few minutes.")
    return reservations.get(get_db(), code)


def _view(booking: dict, status: int = 200):
    answer = reservations.view(get_db(), booking, now())
    answer["url"] = booking_url(booking["code"])
    answer["qr"] = f"/qr/booking/{booking['code']}.svg"
    return jsonify(answer), status


@bp.get("/booking/services")
@access("public")
def bookable_services():
    db = get_db()
    office = office_store.office(db, auth.office_id(db))
    services = [{k: s[k] for k in ("id", "prefix", "name_kk", "name_ru", "name_en")} |
                {"slot_minutes": s["rule"]["slot_minutes"]} for s in slots.bookable_services(db, office["id"])]
    return jsonify({"office": {k: office[k] for k in ("id", "name_kk", "name_ru", "name_en", "timezone")},
                    "today": local_day(now(), office["timezone"]), "services": services})


@bp.get("/booking/services/<int:service_id>/days")
@access("public")
def service_days(service_id):
    _hit(slot_reads_per_ip, "Too many requests: wait a minute.")
    _service(service_id)
    return jsonify({"service_id": service_id, "days": slots.days_overview(get_db(), service_id, now())})


@bp.get("/booking/services/<int:service_id>/slots")
@access("public")
def service_slots(service_id):
    _hit(slot_reads_per_ip, "Too many requests: wait a minute.")
    _service(service_id)
    day = request.args.get("day") or ""
    if day not in slots.bookable_days(get_db(), service_id, now()):
        raise Invalid("day: one of the bookable days (YYYY-MM-DD).", "bad_field", field="day")
    db = get_db()
    found = slots.day_slots(db, service_id, day, now())
    office_id = office_store.service(db, service_id)["office_id"]
    # walk_in: booked now, this time would queue as a walk-in (less than the office's lead time ahead).
    return jsonify({"service_id": service_id, "day": day,
                    "slots": [{"at": s.at, "time": s.time, "free": s.free if s.open else 0,
                               "walk_in": reservations.lead_short(db, office_id, s.at, now()) is not None}
                              for s in found]})


@bp.get("/slots/today")
@access("public")
def slots_today():
    """For the open board: each bookable service's free slots left today."""
    db = get_db()
    office = auth.office_id(db)
    return jsonify({"office": office, "services": slots.free_today(db, office, now())})


@bp.post("/bookings")
@access("public", "operator")
def create_booking():
    data = body()
    service_id = field(data, "service", int, required=True)
    at = field(data, "at", str, required=True)
    phone = field(data, "phone", str)
    lang = field(data, "lang", str) or "kk"
    if normalise_lang(lang, "") != lang:
        raise Invalid("lang: kk, ru or en.", "bad_field", field="lang")
    _service(service_id)
    staff = g.user is not None
    if not staff:
        # Slots cannot be hoarded by a script: a few bookings an hour from one address.
        _hit(bookings_per_ip, "Too many bookings from this address: try again later.")
    booking = reservations.book(get_db(), service_id, at, now(), phone=phone, lang=lang,
                            user_id=g.user["id"] if staff else None)
    return _view(booking, 201)


@bp.get("/bookings/<code>")
@access("public")
def get_booking(code):
    return _view(_booking(code))


@bp.post("/bookings/<code>/cancel")
@access("public")
def cancel_booking(code):
    booking = _booking(code)
    return _view(reservations.cancel(get_db(), booking["code"], now()))


@bp.post("/bookings/<code>/move")
@access("public")
def move_booking(code):
    at = field(body(), "at", str, required=True)
    booking = _booking(code)
    return _view(reservations.move(get_db(), booking["code"], at, now()))


@bp.post("/bookings/<code>/check-in")
@access("kiosk")
@idempotent
def check_in(code):
    lang = field(body(), "lang", str)
    if lang is not None and normalise_lang(lang, "") != lang:
        raise Invalid("lang: kk, ru or en.", "bad_field", field="lang")
    key = f"device:{g.device['id']}"
    auth.refuse_when_exhausted(kiosk_failures, key, "Too many wrong codes: wait a minute.", "checkin_rate_limited")
    db = get_db()
    try:
        result = reservations.check_in(db, code, g.device["office_id"], now(), device_id=g.device["id"], lang=lang)
    except NotFound:
        kiosk_failures.hit(key)
        raise
    publish(result.events)
    answer = ticket_json(result.ticket)
    answer["appointment"] = reservations.view(db, result.booking, now()) | {"again": result.again}
    # Printed like any kiosk ticket, after this answer.
    answer["print"] = start_print(result.ticket, g.device, reprint=result.again)
    return jsonify(answer), 200 if result.again else 201


@bp.get("/bookings")
@access("operator")
def list_bookings():
    db = get_db()
    office = auth.office_id(db)
    day = request.args.get("day") or local_day(now(), office_store.office(db, office)["timezone"])
    return jsonify({"office": office, "day": day, "bookings": reservations.day_list(db, office, day, now())})


@bp.get("/stats/bookings")
@access("manager")
def bookings_report():
    db = get_db()
    office = auth.office_id(db)
    start, end = booking_report.period(request.args.get("from"), request.args.get("to"),
                                      local_day(now(), office_store.office(db, office)["timezone"]))
    return jsonify(booking_report.report(db, office, start, end, now()))


@bp.get("/booking-config")
@access("manager")
def get_config():
    db = get_db()
    return jsonify(rules.overview(db, auth.office_id(db)))


@bp.put("/services/<int:service_id>/booking-rule")
@access("admin")
def put_rule(service_id):
    data = body()
    _service(service_id)
    return jsonify(rules.set_rule(get_db(), service_id, data, now(), by_user_id=g.user["id"]))


@bp.patch("/booking-config/settings")
@access("admin")
def patch_settings():
    data = body()
    db = get_db()
    return jsonify(rules.set_settings(db, auth.office_id(db), data, now(), by_user_id=g.user["id"]))


@bp.post("/booking-config/holidays")
@access("admin")
def add_holiday():
    data = body()
    db = get_db()
    return jsonify(rules.add_holiday(db, auth.office_id(db), field(data, "day", str, required=True),
                                              field(data, "name", str, default=""), now(),
                                              by_user_id=g.user["id"])), 201


@bp.delete("/booking-config/holidays/<day>")
@access("admin")
def remove_holiday(day):
    db = get_db()
    rules.remove_holiday(db, auth.office_id(db), day, now(), by_user_id=g.user["id"])
    return jsonify({"ok": True})


@bp.post("/booking-config/closed")
@access("admin")
def close_slots():
    data = body()
    db = get_db()
    return jsonify(rules.close(
        db, auth.office_id(db), field(data, "day", str, required=True), now(),
        service_id=field(data, "service", int), slot_time=field(data, "time", str),
        reason=field(data, "reason", str, default=""), by_user_id=g.user["id"])), 201


@bp.delete("/booking-config/closed/<int:closed_id>")
@access("admin")
def reopen_slots(closed_id):
    db = get_db()
    rules.reopen(db, auth.office_id(db), closed_id, now(), by_user_id=g.user["id"])
    return jsonify({"ok": True})


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document."""
    op, param, q = openapi._op, openapi._path_param, openapi.OFFICE_Q
    sid, code = param("service_id"), param("code", "string")
    day_q = {"name": "day", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}}
    period = [q, {"name": "from", "in": "query", "schema": {"type": "string"}},
              {"name": "to", "in": "query", "schema": {"type": "string"}}]
    at = {"type": "object", "required": ["at"], "properties": {"at": {"type": "string"}}}
    new = {"type": "object", "required": ["service", "at"], "properties": {
        "service": {"type": "integer"}, "at": {"type": "string", "description": "the slot's start (UTC ISO)"},
        "phone": {"type": ["string", "null"]}, "lang": {"type": "string", "enum": ["kk", "ru", "en"]}}}
    obj = openapi.OBJ
    return {
        "/api/v1/booking/services": {"get": op("Services that take bookings", "public", params=[q])},
        "/api/v1/booking/services/{service_id}/days": {"get": op("Bookable days with free slots", "public",
                                                                 params=[sid, q])},
        "/api/v1/booking/services/{service_id}/slots": {"get": op("A day's slots and free seats", "public",
                                                                  params=[sid, q, day_q])},
        "/api/v1/slots/today": {"get": op("Free slots left today per service (open board)", "public", params=[q])},
        "/api/v1/bookings": {
            "post": op("Book a slot (public, rate-limited per address; operators book for a caller)", "public",
                       obj, "201", body=new, params=[q]),
            "get": op("A day's bookings (staff)", "operator", params=[q, day_q])},
        "/api/v1/bookings/{code}": {"get": op("A booking by its code", "public", params=[code])},
        "/api/v1/bookings/{code}/cancel": {"post": op("Cancel a booking", "public", params=[code])},
        "/api/v1/bookings/{code}/move": {"post": op("Move a booking to another slot", "public", body=at,
                                                    params=[code])},
        "/api/v1/bookings/{code}/check-in": {"post": op(
            "Check in at the kiosk: 201 appointment ticket; 409 too_early (come_back_time) or too_late", "kiosk",
            openapi.TICKET, "201", params=[code, openapi.IDEMPOTENCY])},
        "/api/v1/stats/bookings": {"get": op("Bookings report: kept, missed, punctuality, booked share",
                                             "manager", params=period)},
        "/api/v1/booking-config": {"get": op("Booking settings, rules, holidays, closures", "manager", params=[q])},
        "/api/v1/booking-config/settings": {"patch": op("Change booking settings", "admin", body=obj, params=[q])},
        "/api/v1/services/{service_id}/booking-rule": {"put": op("Set a service's booking rule", "admin",
                                                                 body=obj, params=[sid])},
        "/api/v1/booking-config/holidays": {"post": op("Add a holiday", "admin", obj, "201", body=obj, params=[q])},
        "/api/v1/booking-config/holidays/{day}": {"delete": op("Remove a holiday", "admin",
                                                               params=[param("day", "string"), q])},
        "/api/v1/booking-config/closed": {"post": op("Close a slot or a day", "admin", obj, "201", body=obj,
                                                     params=[q])},
        "/api/v1/booking-config/closed/{closed_id}": {"delete": op("Reopen", "admin",
                                                                   params=[param("closed_id"), q])},
    }

