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
    marks = ",".join("?" for _ in waiting)
    found = {r["ticket_id"]: r["slot_at"] for r in db.query(
        f"SELECT ticket_id, slot_at FROM ticket_appointments WHERE ticket_id IN ({marks})",
        [t["id"] for t in waiting])}
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
    rows = db.execute(
        "SELECT ta.ticket_id FROM events e LEFT JOIN ticket_appointments ta ON ta.ticket_id = e.ticket_id"
        " WHERE e.office_id = ? AND e.name = 'ticket.called' AND e.desk_id = ? AND e.at >= ?"
        " ORDER BY e.id DESC LIMIT ?", (office["id"], desk_id, iso(day_start), limit)).fetchall()
    streak = 0
    for (appointment,) in rows:
        if appointment is None:
            break
        streak += 1
    return streak


def fair_share(db, office: dict, desk_id: int, waiting: list[dict], now: datetime) -> dict:
    """The call order's extra arguments for a desk: marks appointment tickets in `waiting`."""
    if not mark(db, waiting):
        return {}
    in_row = store.appointments_in_row(db, office["id"], APPOINTMENTS_IN_ROW)
    return {"appointments_in_row": in_row, "streak": desk_streak(db, office, desk_id, now, in_row)}
