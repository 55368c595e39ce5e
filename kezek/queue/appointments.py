"""What the call order needs to know about appointment tickets: their slot times and a desk's streak."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from kezek.base.clock import iso, local_day
from kezek.queue import store

# K: after this many booked calls in a row at a desk, a waiting walk-in goes first (per office).
APPOINTMENTS_IN_ROW = 3


def mark(db, waiting: list[dict]) -> int:
    """Set `appointment_at` on the waiting rows issued at a booking's check-in; returns how many."""
    if not waiting:
        return 0
    found = store.appointment_slots(db, [t["id"] for t in waiting])
    for t in waiting:
        if t["id"] in found:
            t["appointment_at"] = found[t["id"]]
    return len(found)


def desk_streak(db, office: dict, desk_id: int, now: datetime, limit: int) -> int:
    """How many of the desk's latest calls today, in a row, were appointment tickets (at most `limit`)."""
    if limit <= 0:
        return 0
    tz = ZoneInfo(office["timezone"])
    day_start = datetime.combine(date.fromisoformat(local_day(now, office["timezone"])), time(0), tz)
    streak = 0
    for call in store.latest_desk_calls(db, office["id"], desk_id, iso(day_start), limit):
        if call["ticket_id"] is None:
            break
        streak += 1
    return streak


def fair_share(db, office: dict, desk_id: int, waiting: list[dict], now: datetime) -> dict:
    """The call order's extra arguments for a desk: marks appointment tickets in `waiting`."""
    if not mark(db, waiting):
        return {}
    in_row = store.appointments_in_row(db, office["id"], APPOINTMENTS_IN_ROW)
    return {"appointments_in_row": in_row, "streak": desk_streak(db, office, desk_id, now, in_row)}
