"""Bookings: book a slot, cancel or move it, and check in at the kiosk for an appointment ticket.

A booking is found by its code: 8 random digits (digits survive a barcode scanner typing
into any keyboard layout, and a large keypad is easy for everyone), never sequential.
Public lookups are rate-limited per address by the web layer. The optional phone number
is kept only to limit bookings per phone and day; it is never logged or shown in full.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kezek.base import database
from kezek.base.clock import iso, local_day, local_time, parse
from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.base.events import Event
from kezek.bookings import slots, store
from kezek.log import chain
from kezek.office import store as office_store
from kezek.queue import store as queue_store
from kezek.queue import tickets

CODE_LENGTH = 8
CODE = re.compile(r"^\d{%d}$" % CODE_LENGTH)


@dataclass
class CheckIn:
    """A check-in's result: the appointment ticket, its booking, the live events, and whether it is a repeat."""

    ticket: dict
    booking: dict
    events: list[Event] = field(default_factory=list)
    again: bool = False


def new_code() -> str:
    """A random booking code of CODE_LENGTH digits."""
    return "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str | None:
    """The code inside what was typed or scanned (spaces, dashes or a whole /book/<code> address)."""
    if not isinstance(text, str) or len(text) > 300:
        return None
    typed = re.sub(r"[\s-]", "", text)
    if CODE.match(typed):
        return typed
    # A scanner types the QR's address; in a Cyrillic keyboard layout only its digits survive.
    runs = re.findall(r"\d+", text)
    return runs[-1] if runs and CODE.match(runs[-1]) else None


def normalise_phone(text: str | None) -> str | None:
    """Digits of a phone number (8 7xx… becomes 7 7xx…); None when empty; Invalid when not a number."""
    if text is None or not str(text).strip():
        return None
    if not isinstance(text, str) or not re.fullmatch(r"[\d\s()+\-.]{6,30}", text.strip()):
        raise Invalid("phone: a phone number, e.g. +7 701 234 56 78.", "bad_phone", field="phone")
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    if not 10 <= len(digits) <= 15:
        raise Invalid("phone: a phone number, e.g. +7 701 234 56 78.", "bad_phone", field="phone")
    return digits


def _rule(db, service_id: int) -> dict:
    return slots.rule(db, service_id) or {**slots.RULE_DEFAULTS, "service_id": service_id}


def status(db, booking: dict, now: datetime) -> str:
    """booked, checked_in, cancelled, or missed (the check-in window closed without a visit)."""
    if booking["status"] == "cancelled":
        return "cancelled"
    if booking.get("ticket_id"):
        return "checked_in"
    late = timedelta(minutes=int(_rule(db, booking["service_id"])["late_min"]))
    return "missed" if now > parse(booking["slot_at"]) + late else "booked"


def view(db, booking: dict, now: datetime) -> dict:
    """A booking as the API shows it: no database ids of people, the phone masked."""
    office = office_store.office(db, booking["office_id"])
    rule = _rule(db, booking["service_id"])
    slot = parse(booking["slot_at"])
    out = {"code": booking["code"], "office_id": booking["office_id"], "service_id": booking["service_id"],
           "at": booking["slot_at"], "day": booking["day"], "time": local_time(slot, office["timezone"]),
           "status": status(db, booking, now), "lang": booking["lang"],
           "phone": ("…" + booking["phone"][-4:]) if booking["phone"] else None,
           "check_in_from": local_time(slot - timedelta(minutes=int(rule["early_min"])), office["timezone"]),
           "check_in_until": local_time(slot + timedelta(minutes=int(rule["late_min"])), office["timezone"]),
           "ticket": None}
    lead = store.late_lead(db, booking["id"])
    # Booked less than the lead time before the slot: a ticket at check-in, in the walk-ins' order.
    out.update(walk_in=lead is not None, walk_in_lead_min=lead)
    if booking.get("ticket_id"):
        ticket = queue_store.ticket(db, booking["ticket_id"])
        out["ticket"] = {"number": ticket["display_number"], "status": ticket["status"], "token": ticket["token"]}
    return out


def get(db, code: str) -> dict:
    """The booking with this code, or NotFound."""
    code = normalise_code(code)
    booking = store.booking_by_code(db, code) if code else None
    if booking is None:
        raise NotFound("Booking not found.", "booking_not_found")
    return booking


def _phone_check(db, office_id: str, phone: str | None, day: str, skip_id: int | None = None) -> None:
    if not phone:
        return
    limit = int(slots.settings(db, office_id)["phone_daily_limit"])
    held = store.phone_bookings(db, office_id, phone, day, skip_id)
    if limit and held >= limit:
        raise Conflict(f"This phone number already has {held} booking(s) on that day.", "phone_limit",
                       limit=limit)


def _open_slot(db, service_id: int, at: str, now: datetime) -> slots.Slot:
    if not isinstance(at, str) or parse_at(at) is None:
        raise Invalid("at: the slot's start time (ISO 8601).", "bad_field", field="at")
    slot = slots.find_slot(db, service_id, at, now)
    if slot is None:
        raise NotFound("There is no such time to book.", "slot_not_found")
    if not slot.open:
        raise Conflict("This time is no longer free. Please choose another.", "slot_taken")
    return slot


def parse_at(text: str) -> datetime | None:
    """An aware datetime from ISO 8601 text, or None."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return moment if moment.tzinfo else None


def _seat(db, service_id: int, slot: slots.Slot) -> int:
    used = store.taken_seats(db, service_id, slot.at)
    return next(n for n in range(1, slot.capacity + 1) if n not in used)


def lead_short(db, office_id: str, slot_at: str, now: datetime) -> int | None:
    """The office's lead time when a slot starts sooner than that from now (booked, it queues as a walk-in)."""
    lead = int(slots.settings(db, office_id)["same_day_lead_min"])
    return lead if parse(slot_at) - now < timedelta(minutes=lead) else None


def _late(db, booking_id: int, office_id: str, slot_at: str, now: datetime) -> dict:
    """Mark a booking made less than the office's lead time before its slot; its log details."""
    lead = lead_short(db, office_id, slot_at, now)
    store.set_late(db, booking_id, lead)
    return {"late": True, "lead_min": lead} if lead is not None else {}


def book(db, service_id: int, at: str, now: datetime, *, phone: str | None = None, lang: str = "kk",
         user_id: int | None = None) -> dict:
    """Book the slot of a service starting at `at` (UTC ISO); returns the booking row."""
    phone = normalise_phone(phone)
    with database.transaction(db):
        slot = _open_slot(db, service_id, at, now)
        office_id = office_store.service(db, service_id)["office_id"]
        if office_store.office(db, office_id)["closed_at"]:
            raise Conflict("This office is closed.", "office_closed")
        _phone_check(db, office_id, phone, slot.day)
        code = new_code()
        while store.code_taken(db, code):
            code = new_code()
        seat = _seat(db, service_id, slot)
        booking_id = store.insert_booking(db, office_id, service_id, code, slot.day, slot.at, seat, phone, lang,
                                          iso(now), user_id)
        late = _late(db, booking_id, office_id, slot.at, now)
        # The log keeps neither the code (the visitor's key) nor the phone.
        chain.append(db, now, office_id, "booking.created", service_id=service_id, user_id=user_id,
                     details={"booking_id": booking_id, "slot_at": slot.at, "by_staff": user_id is not None,
                              "day": slot.day, "seat": seat, "lang": lang, **late})
    return store.booking_by_code(db, code)


def _changeable(db, code: str, now: datetime) -> dict:
    booking = get(db, code)
    state = status(db, booking, now)
    if state != "booked":
        raise Conflict(f"A {state.replace('_', '-')} booking cannot be changed.", f"booking_{state}")
    if parse(booking["slot_at"]) <= now:
        raise Conflict("This booking's time has begun: it can no longer be changed.", "booking_started")
    return booking


def cancel(db, code: str, now: datetime, *, user_id: int | None = None) -> dict:
    """Cancel a booking before its time: the slot is free again."""
    with database.transaction(db):
        booking = _changeable(db, code, now)
        store.cancel_booking(db, booking["id"], iso(now))
        chain.append(db, now, booking["office_id"], "booking.cancelled", service_id=booking["service_id"],
                     user_id=user_id, details={"booking_id": booking["id"], "slot_at": booking["slot_at"]})
    return store.booking_by_code(db, booking["code"])


def move(db, code: str, at: str, now: datetime, *, user_id: int | None = None) -> dict:
    """Move a booking to another free slot of its service; the old slot is free again."""
    with database.transaction(db):
        booking = _changeable(db, code, now)
        slot = _open_slot(db, booking["service_id"], at, now)
        if slot.at == booking["slot_at"]:
            raise Invalid("The booking is already at that time.", "same_slot")
        _phone_check(db, booking["office_id"], booking["phone"], slot.day, skip_id=booking["id"])
        seat = _seat(db, booking["service_id"], slot)
        store.move_booking(db, booking["id"], slot.day, slot.at, seat)
        late = _late(db, booking["id"], booking["office_id"], slot.at, now)
        chain.append(db, now, booking["office_id"], "booking.moved", service_id=booking["service_id"],
                     user_id=user_id, details={"booking_id": booking["id"], "from": booking["slot_at"],
                                               "slot_at": slot.at, "day": slot.day, "seat": seat, **late})
    return store.booking_by_code(db, booking["code"])


def window(db, booking: dict) -> tuple[datetime, datetime]:
    """(first, last) moment a booking can check in: the slot's start minus early_min, plus late_min."""
    rule = _rule(db, booking["service_id"])
    slot = parse(booking["slot_at"])
    return slot - timedelta(minutes=int(rule["early_min"])), slot + timedelta(minutes=int(rule["late_min"]))


def check_in(db, code: str, office_id: str, now: datetime, *, device_id: int | None = None,
             lang: str | None = None) -> CheckIn:
    """At the kiosk: within the window, issue the booking's appointment ticket (once)."""
    booking = get(db, code)
    if booking["office_id"] != office_id:
        raise NotFound("Booking not found.", "booking_not_found")
    office = office_store.office(db, office_id)
    if booking["status"] == "cancelled":
        raise Conflict("This booking was cancelled.", "booking_cancelled")
    if booking["ticket_id"]:
        return _again(db, booking, now)
    first, last = window(db, booking)
    if now < first:
        raise Conflict("Too early to check in.", "too_early", day=booking["day"],
                       same_day=booking["day"] == local_day(now, office["timezone"]),
                       come_back_at=iso(first), come_back_time=local_time(first, office["timezone"]),
                       time=local_time(parse(booking["slot_at"]), office["timezone"]),
                       service_id=booking["service_id"])   # the kiosk offers a regular ticket meanwhile
    if now > last:
        raise Conflict("The booking's time has passed.", "too_late", service_id=booking["service_id"])
    try:
        # Booked too late (less than the lead time before the slot): a ticket, but in the walk-ins' order.
        walk_in = store.late_lead(db, booking["id"]) is not None
        with database.savepoint(db):   # a refused insert undoes this issue's writes, not the transaction
            outcome = tickets.issue(db, booking["service_id"], now, lang=lang or booking["lang"], device_id=device_id,
                                    appointment={"booking_id": booking["id"], "slot_at": booking["slot_at"],
                                                 "walk_in": walk_in})
    except database.IntegrityError:
        # Another kiosk checked the same booking in a moment ago: show that ticket.
        return _again(db, get(db, code), now)
    return CheckIn(outcome.ticket, get(db, code), outcome.events)


def _again(db, booking: dict, now: datetime) -> CheckIn:
    ticket = queue_store.ticket(db, booking["ticket_id"])
    if ticket["status"] != "waiting":
        raise Conflict("This booking has been used already.", "booking_used", number=ticket["display_number"])
    return CheckIn(ticket, booking, [], again=True)


def day_list(db, office_id: str, day: str, now: datetime) -> list[dict]:
    """A day's bookings of an office in time order, for staff (phone masked as everywhere)."""
    return [view(db, r, now) for r in store.bookings_of_day(db, office_id, day)]
