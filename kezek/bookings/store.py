"""The SQL of bookings: settings, rules, holidays, closed slots, bookings and their report (no logic here)."""
from __future__ import annotations

from kezek.base import database

# The columns an admin sets; the rule's and the settings' upserts write all of them.
RULE_COLUMNS = {"enabled", "slot_minutes", "capacity", "days_ahead", "opens", "closes", "lunch_from",
                "lunch_to", "early_min", "late_min"}
SETTINGS_COLUMNS = {"appointments_in_row", "phone_daily_limit", "weekdays"}


def booking_settings(db, office_id: str) -> dict | None:
    """The office's stored booking settings, or None."""
    return database.one(db, "SELECT * FROM booking_settings WHERE office_id = ?", (office_id,))


def save_settings(db, office_id: str, values: dict) -> None:
    """Create or replace the office's booking settings (`values` holds every SETTINGS_COLUMNS)."""
    assert set(values) == SETTINGS_COLUMNS, values
    _upsert(db, "booking_settings", "office_id", office_id, values)


def lead_time(db, office_id: str) -> int | None:
    """The office's same-day lead time in minutes, or None when it keeps the default."""
    return database.scalar(db, "SELECT same_day_lead_min FROM booking_lead_times WHERE office_id = ?", (office_id,))


def save_lead_time(db, office_id: str, minutes: int) -> None:
    """Set the office's same-day lead time in minutes."""
    db.execute("INSERT INTO booking_lead_times (office_id, same_day_lead_min) VALUES (?, ?)"
               " ON CONFLICT (office_id) DO UPDATE SET same_day_lead_min = excluded.same_day_lead_min",
               (office_id, minutes))


def late_lead(db, booking_id: int) -> int | None:
    """The lead time a booking fell short of (it queues as a walk-in), or None."""
    return database.scalar(db, "SELECT lead_min FROM late_bookings WHERE booking_id = ?", (booking_id,))


def set_late(db, booking_id: int, lead_min: int | None) -> None:
    """Mark a booking as made too late (lead_min), or no longer (None)."""
    db.execute("DELETE FROM late_bookings WHERE booking_id = ?", (booking_id,))
    if lead_min is not None:
        db.execute("INSERT INTO late_bookings (booking_id, lead_min) VALUES (?, ?)", (booking_id, lead_min))


def booking_rule(db, service_id: int) -> dict | None:
    """A service's stored booking rule, or None."""
    return database.one(db, "SELECT * FROM booking_rules WHERE service_id = ?", (service_id,))


def save_rule(db, service_id: int, values: dict) -> None:
    """Create or replace a service's booking rule (`values` holds every RULE_COLUMNS)."""
    assert set(values) == RULE_COLUMNS, values
    _upsert(db, "booking_rules", "service_id", service_id, values)


def _upsert(db, table: str, key_column: str, key, values: dict) -> None:
    """Insert or replace one row keyed by `key_column` (table and columns are the fixed names above)."""
    cols = list(values)
    db.execute(f"INSERT INTO {table} ({key_column}, {', '.join(cols)}) VALUES (?, {', '.join('?' for _ in cols)})"
               f" ON CONFLICT ({key_column}) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in cols)}",
               [key, *values.values()])


def is_holiday(db, office_id: str, day: str) -> bool:
    """Whether a day is one of the office's holidays."""
    return bool(database.scalar(db, "SELECT 1 FROM holidays WHERE office_id = ? AND day = ?", (office_id, day)))


def holidays(db, office_id: str) -> list[dict]:
    """The office's holidays (day, name) in date order."""
    return database.rows(db, "SELECT day, name FROM holidays WHERE office_id = ? ORDER BY day", (office_id,))


def save_holiday(db, office_id: str, day: str, name: str) -> None:
    """Make a day a holiday of the office, or rename it."""
    db.execute("INSERT INTO holidays (office_id, day, name) VALUES (?, ?, ?)"
               " ON CONFLICT (office_id, day) DO UPDATE SET name = excluded.name", (office_id, day, name))


def delete_holiday(db, office_id: str, day: str) -> bool:
    """Remove a holiday; whether there was one."""
    return bool(db.execute("DELETE FROM holidays WHERE office_id = ? AND day = ?", (office_id, day)).rowcount)


def is_day_closed(db, office_id: str, service_id: int, day: str) -> bool:
    """Whether a whole day is closed for the service (a closure of it or of every service)."""
    return bool(database.scalar(
        db, "SELECT 1 FROM closed_slots WHERE office_id = ? AND day = ? AND slot_time IS NULL"
            " AND (service_id IS NULL OR service_id = ?)", (office_id, day, service_id)))


def closed_times(db, office_id: str, service_id: int, day: str) -> set[str]:
    """The local HH:MM of a day's single slots closed for the service."""
    return {r["slot_time"] for r in database.rows(db,
        "SELECT slot_time FROM closed_slots WHERE office_id = ? AND day = ? AND slot_time IS NOT NULL"
        " AND (service_id IS NULL OR service_id = ?)", (office_id, day, service_id))}


def closures(db, office_id: str) -> list[dict]:
    """The office's closed slots and days (id, service_id, day, slot_time, reason) in time order."""
    return database.rows(db, "SELECT id, service_id, day, slot_time, reason FROM closed_slots"
                             " WHERE office_id = ? ORDER BY day, slot_time", (office_id,))


def insert_closure(db, office_id: str, service_id: int | None, day: str, slot_time: str | None,
                   reason: str) -> int:
    """Close a slot or a whole day (service_id None: every service); return the closure's id."""
    return db.execute("INSERT INTO closed_slots (office_id, service_id, day, slot_time, reason)"
                      " VALUES (?, ?, ?, ?, ?)", (office_id, service_id, day, slot_time, reason)).lastrowid


def delete_closure(db, office_id: str, closed_id: int) -> bool:
    """Remove one of the office's closures; whether there was one."""
    return bool(db.execute("DELETE FROM closed_slots WHERE id = ? AND office_id = ?",
                           (closed_id, office_id)).rowcount)


BOOKING_SELECT = (
    "SELECT b.*, ta.ticket_id FROM bookings b LEFT JOIN ticket_appointments ta ON ta.booking_id = b.id"
)


def booking_by_code(db, code: str) -> dict | None:
    """One booking by its code, with its appointment ticket's id (None before check-in)."""
    return database.one(db, BOOKING_SELECT + " WHERE b.code = ?", (code,))


def bookings_of_day(db, office_id: str, day: str) -> list[dict]:
    """An office's bookings of a local day in time order, with their tickets' ids."""
    return database.rows(db, BOOKING_SELECT + " WHERE b.office_id = ? AND b.day = ? ORDER BY b.slot_at, b.id",
                         (office_id, day))


def code_taken(db, code: str) -> bool:
    """Whether some booking already has this code."""
    return bool(database.scalar(db, "SELECT 1 FROM bookings WHERE code = ?", (code,)))


def booked_per_slot(db, service_id: int, day: str) -> dict[str, int]:
    """slot start (UTC ISO) -> how many active bookings of the service hold it on a day."""
    return {r["slot_at"]: r["n"] for r in database.rows(db,
        "SELECT slot_at, COUNT(*) AS n FROM bookings WHERE service_id = ? AND day = ? AND status = 'booked'"
        " GROUP BY slot_at", (service_id, day))}


def taken_seats(db, service_id: int, slot_at: str) -> set[int]:
    """The seats of a slot that active bookings hold."""
    return {r["seat"] for r in database.rows(db, "SELECT seat FROM bookings WHERE service_id = ? AND slot_at = ?"
                                                 " AND status = 'booked'", (service_id, slot_at))}


def phone_bookings(db, office_id: str, phone: str, day: str, skip_id: int | None = None) -> int:
    """How many active bookings a phone number holds at an office on a day (not counting skip_id)."""
    return database.scalar(db, "SELECT COUNT(*) FROM bookings WHERE office_id = ? AND phone = ? AND day = ?"
                               " AND status = 'booked' AND id IS NOT ?", (office_id, phone, day, skip_id))


def insert_booking(db, office_id: str, service_id: int, code: str, day: str, slot_at: str, seat: int,
                   phone: str | None, lang: str, created_at: str, user_id: int | None) -> int:
    """Insert an active booking; return its id."""
    return db.execute(
        "INSERT INTO bookings (office_id, service_id, code, day, slot_at, seat, status, phone, lang,"
        " created_at, user_id) VALUES (?, ?, ?, ?, ?, ?, 'booked', ?, ?, ?, ?)",
        (office_id, service_id, code, day, slot_at, seat, phone, lang, created_at, user_id)).lastrowid


def cancel_booking(db, booking_id: int, cancelled_at: str) -> None:
    """Mark a booking cancelled."""
    db.execute("UPDATE bookings SET status = 'cancelled', cancelled_at = ? WHERE id = ?", (cancelled_at, booking_id))


def move_booking(db, booking_id: int, day: str, slot_at: str, seat: int) -> None:
    """Give a booking another slot and seat."""
    db.execute("UPDATE bookings SET day = ?, slot_at = ?, seat = ? WHERE id = ?", (day, slot_at, seat, booking_id))


def bookings_with_visits(db, office_id: str, start: str, end: str) -> list[dict]:
    """An office's bookings of the days [start, end] in slot order, with their tickets' issue and first call."""
    return database.rows(db,
        "SELECT b.*, ta.ticket_id, t.issued_at, (SELECT MIN(e.at) FROM events e WHERE e.ticket_id = ta.ticket_id"
        " AND e.name = 'ticket.called') AS first_called_at FROM bookings b"
        " LEFT JOIN ticket_appointments ta ON ta.booking_id = b.id LEFT JOIN tickets t ON t.id = ta.ticket_id"
        " WHERE b.office_id = ? AND b.day >= ? AND b.day <= ? ORDER BY b.slot_at", (office_id, start, end))


def issued_per_service(db, office_id: str, start: str, end: str) -> dict[int, int]:
    """service id (as issued) -> how many tickets the office issued on the local days [start, end]."""
    return {r["service_id"]: r["n"] for r in database.rows(db,
        "SELECT issued_service_id AS service_id, COUNT(*) AS n FROM tickets WHERE office_id = ? AND day >= ?"
        " AND day <= ? GROUP BY issued_service_id", (office_id, start, end))}


# The projection: bookings replayed from the log (kezek.bookings.projection)

def booking_rows(db) -> list[dict]:
    """Every booking row, by id."""
    return database.rows(db, "SELECT * FROM bookings ORDER BY id")


def appointment_rows(db) -> list[dict]:
    """Every ticket issued at a check-in: ticket, booking, slot."""
    return database.rows(db, "SELECT ticket_id, booking_id, slot_at FROM ticket_appointments ORDER BY ticket_id")


def late_rows(db) -> list[dict]:
    """Every booking marked as made too late, with the lead time it fell short of."""
    return database.rows(db, "SELECT booking_id, lead_min FROM late_bookings ORDER BY booking_id")


def booking_events(db):
    """The events that make or change a booking, and the check-ins' ticket.issued, in log order (a check-in
    logged by the first release names its slot, appointment_at, but not its booking)."""
    return database.each(db, "SELECT id, at, office_id, name, ticket_id, service_id, user_id, details FROM events"
                             " WHERE name IN ('booking.created', 'booking.moved', 'booking.cancelled')"
                             " OR (name = 'ticket.issued' AND (details LIKE '%\"booking_id\": %'"
                             " OR details LIKE '%\"appointment_at\": %')) ORDER BY id")
