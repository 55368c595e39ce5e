"""Bookings as a projection of the event log: replay booking.created/moved/cancelled and the check-ins.

Compared exactly: each booking's office, service, day, slot, seat, status, language, when it was
made and by which staff member, when it was cancelled; which ticket each check-in issued (and for
which slot); which bookings were made too late to jump the queue. Not compared: the booking's
code and phone number, which the log never holds (the code is the visitor's key, the phone is
personal data).
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from kezek.bookings import store
from kezek.queue.projection import UNKNOWN, Mismatch

BOOKING_COLUMNS = ("office_id", "service_id", "day", "slot_at", "seat", "status", "lang", "created_at",
                   "user_id", "cancelled_at")


def replay(db) -> tuple[dict[int, dict], dict[int, dict], dict[int, int]]:
    """(booking id -> row, ticket id -> check-in row, booking id -> lead time it fell short of), as logged."""
    bookings: dict[int, dict] = {}
    check_ins: dict[int, dict] = {}
    late: dict[int, int] = {}
    for e in store.booking_events(db):
        d = json.loads(e["details"])
        if e["name"] == "ticket.issued":
            # The first release logged a check-in's slot, not its booking: any booking of that service and slot.
            check_ins[e["ticket_id"]] = {"booking_id": d.get("booking_id", UNKNOWN),
                                         "slot_at": d.get("appointment_at", UNKNOWN), "office_id": e["office_id"],
                                         "service_id": e["service_id"]}
            continue
        booking_id = d.get("booking_id")
        if e["name"] == "booking.created":
            bookings[booking_id] = {"office_id": e["office_id"], "service_id": e["service_id"],
                                    "day": d.get("day", UNKNOWN), "slot_at": d.get("slot_at", UNKNOWN),
                                    "seat": d.get("seat", UNKNOWN), "status": "booked",
                                    "lang": d.get("lang", UNKNOWN), "created_at": e["at"], "user_id": e["user_id"],
                                    "cancelled_at": None}
        elif booking_id not in bookings:
            continue   # a change of a booking the log never made: reported as a row without its event
        elif e["name"] == "booking.moved":
            bookings[booking_id].update(slot_at=d.get("slot_at", UNKNOWN), day=d.get("day", UNKNOWN),
                                        seat=d.get("seat", UNKNOWN))
        else:
            bookings[booking_id].update(status="cancelled", cancelled_at=e["at"])
        if e["name"] in ("booking.created", "booking.moved"):
            if d.get("late"):
                late[booking_id] = d.get("lead_min")
            else:
                late.pop(booking_id, None)
    return bookings, check_ins, late


def compare(db) -> Iterator[Mismatch]:
    """Every difference between the booking rows (and their check-ins) and the log."""
    bookings, check_ins, late = replay(db)
    slots = {b: (row["service_id"], row["slot_at"]) for b, row in bookings.items()}
    for row in store.booking_rows(db):
        wanted = bookings.pop(row["id"], None)
        if wanted is None:
            yield Mismatch("bookings", row["id"], "(row)", "present", "no event of it", row["office_id"])
            continue
        for column in BOOKING_COLUMNS:
            if wanted[column] is not UNKNOWN and row[column] != wanted[column]:
                yield Mismatch("bookings", row["id"], column, row[column], wanted[column], row["office_id"])
    for booking_id, wanted in bookings.items():
        yield Mismatch("bookings", booking_id, "(row)", "missing", "created", wanted["office_id"])
    for row in store.appointment_rows(db):
        wanted = check_ins.pop(row["ticket_id"], None)
        if wanted is None:
            yield Mismatch("ticket_appointments", row["ticket_id"], "(row)", "present", "no check-in of it")
            continue
        if wanted["booking_id"] is UNKNOWN and slots.get(row["booking_id"]) != (wanted["service_id"], wanted["slot_at"]):
            yield Mismatch("ticket_appointments", row["ticket_id"], "booking_id", row["booking_id"],
                           "a booking of that service and slot", wanted["office_id"])
        for column in ("booking_id", "slot_at"):
            if wanted[column] is not UNKNOWN and row[column] != wanted[column]:
                yield Mismatch("ticket_appointments", row["ticket_id"], column, row[column], wanted[column],
                               wanted["office_id"])
    for ticket_id, wanted in check_ins.items():
        yield Mismatch("ticket_appointments", ticket_id, "(row)", "missing", "checked in", wanted["office_id"])
    for row in store.late_rows(db):
        logged = late.pop(row["booking_id"], None)
        if logged != row["lead_min"]:
            yield Mismatch("late_bookings", row["booking_id"], "lead_min", row["lead_min"], logged)
    for booking_id, lead in late.items():
        yield Mismatch("late_bookings", booking_id, "(row)", "missing", f"late (lead {lead} min)")
