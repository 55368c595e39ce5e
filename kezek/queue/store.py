"""The SQL of the queue: tickets, counters, desks, visit times and appointment tickets (no logic here)."""
from __future__ import annotations

import json
from collections.abc import Iterator

from kezek.base import database

TICKET_SELECT = (
    "SELECT t.*, d.name AS desk FROM tickets t LEFT JOIN desks d ON d.id = t.desk_id"
)


def ticket(db, ticket_id: int) -> dict | None:
    """One ticket by id, with its desk's name."""
    return database.one(db, TICKET_SELECT + " WHERE t.id = ?", (ticket_id,))


def ticket_by_token(db, token: str) -> dict | None:
    """One ticket by its public token."""
    return database.one(db, TICKET_SELECT + " WHERE t.token = ?", (token,))


# A waiting ticket as the call order reads it, with its transfer's target desk or specialist (if any).
WAITING_SELECT = (
    "SELECT t.id, t.service_id, t.priority, t.first_in_line, t.queued_at, t.issued_at, t.display_number,"
    " tt.desk_id AS target_desk_id, tt.user_id AS target_user_id"
    " FROM tickets t LEFT JOIN ticket_targets tt ON tt.ticket_id = t.id"
)


def waiting_in(db, service_ids: list[int]) -> list[dict]:
    """Waiting tickets of some services."""
    if not service_ids:
        return []
    marks = ",".join("?" for _ in service_ids)
    return database.rows(db,
        f"{WAITING_SELECT} WHERE t.status = 'waiting' AND t.service_id IN ({marks})", list(service_ids))


def waiting_for_desk(db, service_ids: list[int], desk_id: int, user_id: int | None) -> list[dict]:
    """Waiting tickets a desk may see: of its services, or transferred to this desk or to this user."""
    marks = ",".join("?" for _ in service_ids) or "NULL"
    return database.rows(db,
        f"{WAITING_SELECT} WHERE t.status = 'waiting' AND t.service_id IN ({marks})"
        f" UNION {WAITING_SELECT} WHERE t.status = 'waiting' AND (tt.desk_id = ? OR tt.user_id = ?)",
        [*service_ids, desk_id, user_id])


def waiting_ticket(db, ticket_id: int) -> dict | None:
    """One waiting ticket with the columns of waiting_in, or None if it does not wait."""
    return database.one(db, f"{WAITING_SELECT} WHERE t.id = ? AND t.status = 'waiting'", (ticket_id,))


def set_target(db, ticket_id: int, desk_id, user_id, from_desk_id, note, note_salt, at: str) -> None:
    """Keep a ticket's latest transfer: its target desk or specialist, where it came from, the note."""
    db.execute("INSERT INTO ticket_targets (ticket_id, desk_id, user_id, from_desk_id, note, note_salt, at)"
               " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(ticket_id) DO UPDATE SET desk_id = excluded.desk_id,"
               " user_id = excluded.user_id, from_desk_id = excluded.from_desk_id, note = excluded.note,"
               " note_salt = excluded.note_salt, at = excluded.at",
               (ticket_id, desk_id, user_id, from_desk_id, note, note_salt, at))


def target(db, ticket_id: int) -> dict | None:
    """A ticket's latest transfer (target desk/user, from desk and its name, note), or None."""
    return database.one(db,
        "SELECT tt.*, d.name AS from_desk, td.name AS desk, u.username AS user FROM ticket_targets tt"
        " LEFT JOIN desks d ON d.id = tt.from_desk_id LEFT JOIN desks td ON td.id = tt.desk_id"
        " LEFT JOIN users u ON u.id = tt.user_id WHERE tt.ticket_id = ?", (ticket_id,))


SPECIALIST_SELECT = (
    "SELECT u.id, u.username, COALESCE(n.full_name, '') AS full_name, (SELECT d.name FROM desks d"
    " WHERE d.user_id = u.id AND d.current_ticket_id IS NOT NULL AND d.office_id = uo.office_id LIMIT 1) AS at_desk"
    " FROM users u JOIN user_offices uo ON uo.user_id = u.id LEFT JOIN user_names n ON n.user_id = u.id"
    " WHERE uo.office_id = ? AND u.active = 1 AND u.role = 'operator'"
)


def specialists(db, office_id: str) -> list[dict]:
    """The office's active operators a visitor may be sent to: id, username, full name, the desk they hold."""
    return database.rows(db, SPECIALIST_SELECT + " ORDER BY COALESCE(NULLIF(n.full_name, ''), u.username)",
                         (office_id,))


def specialist(db, office_id: str, user_id: int) -> dict | None:
    """One of the office's active operators, or None."""
    return database.one(db, SPECIALIST_SELECT + " AND u.id = ?", (office_id, user_id))


def target_rows(db) -> list[dict]:
    """Every kept transfer target, by ticket (for the projection's check)."""
    return database.rows(db, "SELECT * FROM ticket_targets ORDER BY ticket_id")


def outcome_kinds(db, office_id: str) -> list[dict]:
    """The office's visit outcomes (active and not), in their order."""
    return database.rows(db, "SELECT * FROM outcome_kinds WHERE office_id = ? ORDER BY sort_order, id", (office_id,))


def outcome_kind(db, outcome_id: int) -> dict | None:
    """One visit outcome by id."""
    return database.one(db, "SELECT * FROM outcome_kinds WHERE id = ?", (outcome_id,))


def insert_outcome_kind(db, office_id: str, values: dict) -> int:
    """Add a visit outcome to an office's list; returns its id."""
    return db.execute(
        "INSERT INTO outcome_kinds (office_id, code, name_kk, name_ru, name_en, active, sort_order)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)", (office_id, values["code"], values["name_kk"], values["name_ru"],
                                        values["name_en"], int(values.get("active", True)),
                                        values.get("sort_order", 0))).lastrowid


OUTCOME_COLUMNS = {"name_kk", "name_ru", "name_en", "active", "sort_order"}


def update_outcome_kind(db, outcome_id: int, values: dict) -> None:
    """Change some columns of a visit outcome."""
    assert set(values) <= OUTCOME_COLUMNS, values
    sets = ", ".join(f"{c} = ?" for c in values)
    db.execute(f"UPDATE outcome_kinds SET {sets} WHERE id = ?", [*values.values(), outcome_id])


def insert_visit_outcome(db, ticket_id: int, outcome_id: int, note, note_salt, at: str,
                         service_ids: list[int]) -> None:
    """Record what a finished visit came to and the services served in it."""
    db.execute("INSERT INTO visit_outcomes (ticket_id, outcome_id, note, note_salt, at) VALUES (?, ?, ?, ?, ?)",
               (ticket_id, outcome_id, note, note_salt, at))
    db.conn.executemany("INSERT INTO visit_services (ticket_id, service_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                        [(ticket_id, s) for s in service_ids])


def visit_outcome_rows(db) -> list[dict]:
    """Every recorded outcome with its services (comma-joined ids, ascending), by ticket."""
    joined = ("string_agg(service_id::text, ',')" if database.dialect(db) == "postgresql"
              else "group_concat(service_id)")
    return database.rows(db,
        f"SELECT o.ticket_id, o.outcome_id, o.note, o.note_salt, o.at, (SELECT {joined} FROM"
        " (SELECT service_id FROM visit_services s WHERE s.ticket_id = o.ticket_id ORDER BY service_id) AS v)"
        " AS services FROM visit_outcomes o ORDER BY o.ticket_id")


def outcome_counts(db, office_id: str, start: str, end: str) -> list[dict]:
    """Per outcome, the visits of tickets issued on office days start..end that came to it, and their services."""
    return database.rows(db,
        "SELECT o.outcome_id, COUNT(*) AS visits, SUM((SELECT COUNT(*) FROM visit_services s"
        " WHERE s.ticket_id = o.ticket_id)) AS services FROM visit_outcomes o JOIN tickets t ON t.id = o.ticket_id"
        " WHERE t.office_id = ? AND t.day >= ? AND t.day <= ? GROUP BY o.outcome_id", (office_id, start, end))


def waiting_counts(db, office_id: str) -> dict[int, int]:
    """service id -> how many wait."""
    return {r["service_id"]: r["n"] for r in database.rows(db, 
        "SELECT service_id, COUNT(*) AS n FROM tickets WHERE office_id = ? AND status = 'waiting'"
        " GROUP BY service_id", (office_id,))}


def issued_today(db, service_id: int, day: str) -> int:
    """How many tickets a service has issued on a day."""
    return database.scalar(db, "SELECT last_number FROM counters WHERE service_id = ? AND day = ?",
                        (service_id, day)) or 0


def next_number(db, service_id: int, day: str) -> int:
    """Advance the service's counter for the day and return the new number."""
    return db.execute(
        "INSERT INTO counters (service_id, day, last_number) VALUES (?, ?, 1)"
        " ON CONFLICT(service_id, day) DO UPDATE SET last_number = counters.last_number + 1"
        " RETURNING last_number", (service_id, day)).fetchone()[0]


def insert_ticket(db, row: dict) -> int:
    """Insert a ticket row; return its id."""
    cols = list(row)
    cur = db.execute(
        f"INSERT INTO tickets ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [row[c] for c in cols])
    return cur.lastrowid


def insert_ticket_appointment(db, ticket_id: int, booking_id: int, slot_at: str) -> None:
    """Tie a ticket to the booking it was issued for (UNIQUE booking_id: one ticket per booking)."""
    db.execute("INSERT INTO ticket_appointments (ticket_id, booking_id, slot_at) VALUES (?, ?, ?)",
               (ticket_id, booking_id, slot_at))


TICKET_COLUMNS = {"status", "service_id", "queued_at", "called_at", "started_at", "finished_at",
                  "desk_id", "user_id", "recalls", "first_in_line", "rating"}
DESK_COLUMNS = {"paused", "pause_reason", "current_ticket_id", "user_id", "changed_at"}


def update_ticket(db, ticket_id: int, **values) -> None:
    """Set some columns of a ticket."""
    assert set(values) <= TICKET_COLUMNS, values
    sets = ", ".join(f"{c} = ?" for c in values)
    db.execute(f"UPDATE tickets SET {sets} WHERE id = ?", [*values.values(), ticket_id])


def update_desk(db, desk_id: int, **values) -> None:
    """Set some columns of a desk."""
    assert set(values) <= DESK_COLUMNS, values
    sets = ", ".join(f"{c} = ?" for c in values)
    db.execute(f"UPDATE desks SET {sets} WHERE id = ?", [*values.values(), desk_id])


def stale_waiting(db, office_id: str, today: str) -> list[dict]:
    """Waiting tickets left from earlier office days."""
    return database.rows(db, TICKET_SELECT + " WHERE t.office_id = ? AND t.status = 'waiting' AND t.day < ?",
                         (office_id, today))


def recent_calls(db, office_id: str, day: str, limit: int = 8) -> list[dict]:
    """The latest called or recalled tickets of the day, newest first."""
    return database.rows(db, 
        TICKET_SELECT + " WHERE t.office_id = ? AND t.day = ? AND t.called_at IS NOT NULL"
        " ORDER BY t.called_at DESC LIMIT ?", (office_id, day, limit))


def latest_called_number(db, service_id: int, day: str) -> str | None:
    """The number last called today in a service: the one being served now (or just served)."""
    return database.scalar(db,
        "SELECT display_number FROM tickets WHERE service_id = ? AND day = ? AND called_at IS NOT NULL"
        " ORDER BY called_at DESC, id DESC LIMIT 1", (service_id, day))


def was_called(db, number: str, desk_name: str, since: str) -> bool:
    """Whether a ticket numbered `number` was called since `since` at a desk named `desk_name` (a real call)."""
    return database.scalar(db,
        "SELECT 1 FROM tickets t JOIN desks d ON d.id = t.desk_id"
        " WHERE t.display_number = ? AND d.name = ? AND t.called_at >= ? LIMIT 1",
        (number, desk_name, since)) is not None


def served_today(db, desk_id: int, day: str) -> int:
    """How many tickets a desk finished on a day."""
    return database.scalar(db, "SELECT COUNT(*) FROM tickets WHERE desk_id = ? AND day = ? AND status = 'done'",
                        (desk_id, day)) or 0


def recent_service_times(db, service_id: int, since: str, limit: int = 20) -> list[int]:
    """Seconds from start to finish of a service's latest finished tickets."""
    seconds = ("EXTRACT(EPOCH FROM finished_at::timestamptz - started_at::timestamptz)"
               if database.dialect(db) == "postgresql" else "(julianday(finished_at) - julianday(started_at)) * 86400")
    rows = db.execute(
        f"SELECT {seconds} FROM tickets"
        " WHERE service_id = ? AND status = 'done' AND started_at IS NOT NULL AND finished_at >= ?"
        " ORDER BY finished_at DESC LIMIT ?", (service_id, since, limit)).fetchall()
    return [int(r[0]) for r in rows if r[0] is not None]


def recent_visits(db, service_id: int, since: str, until: str, limit: int) -> list[dict]:
    """called_at and finished_at of a service's latest visits (done or no-show) in a period, newest first."""
    return database.rows(db,
        "SELECT called_at, finished_at FROM tickets WHERE service_id = ? AND status IN ('done', 'no_show')"
        " AND called_at IS NOT NULL AND finished_at >= ? AND finished_at <= ?"
        " ORDER BY finished_at DESC LIMIT ?", (service_id, since, until, limit))


def serving_desks(db, service_id: int) -> int:
    """How many active, unpaused desks serve a service right now."""
    return database.scalar(db,
        "SELECT COUNT(*) FROM desks d JOIN desk_services ds ON ds.desk_id = d.id"
        " WHERE ds.service_id = ? AND d.active = 1 AND d.paused = 0", (service_id,)) or 0


def appointments_in_row(db, office_id: str, default: int) -> int:
    """The office's K for the walk-ins' fair share (its booking settings), else `default`."""
    value = database.scalar(db, "SELECT appointments_in_row FROM booking_settings WHERE office_id = ?", (office_id,))
    return int(value) if value is not None else default


def appointment_slots(db, ticket_ids: list[int]) -> dict[int, str]:
    """ticket id -> slot start, for those of the tickets issued at a booking's check-in."""
    if not ticket_ids:
        return {}
    marks = ",".join("?" for _ in ticket_ids)
    # A booking made later than the office's lead time before its slot queues as a walk-in.
    return {r["ticket_id"]: r["slot_at"] for r in database.rows(db,
        f"SELECT ticket_id, slot_at FROM ticket_appointments WHERE ticket_id IN ({marks})"
        " AND booking_id NOT IN (SELECT booking_id FROM late_bookings)", list(ticket_ids))}


def latest_desk_calls(db, office_id: str, desk_id: int, since: str, limit: int) -> list[dict]:
    """The desk's latest calls since a moment, newest first: ticket_id of an appointment ticket, else None."""
    return database.rows(db,
        "SELECT ta.ticket_id FROM events e LEFT JOIN ticket_appointments ta ON ta.ticket_id = e.ticket_id"
        " AND ta.booking_id NOT IN (SELECT booking_id FROM late_bookings) WHERE e.office_id = ? AND e.name = 'ticket.called' AND e.desk_id = ? AND e.at >= ?"
        " ORDER BY e.id DESC LIMIT ?", (office_id, desk_id, since, limit))


def transfer_reason(db, ticket_id: int) -> str | None:
    """The reason logged with a ticket's latest transfer, or None."""
    details = database.scalar(db, "SELECT details FROM events WHERE ticket_id = ? AND name = 'ticket.transferred'"
                                  " ORDER BY id DESC LIMIT 1", (ticket_id,))
    return json.loads(details).get("reason") if details else None


# The projection: a ticket's and a desk's row replayed from the log (kezek.queue.projection)

def ticket_tuples(db) -> Iterator[tuple]:
    """Every ticket row as a tuple, by id, read one at a time: id, then kezek.queue.projection.TICKET_COLUMNS."""
    return db.execute("SELECT id, office_id, token, issued_service_id, service_id, day, number, display_number,"
                      " status, priority, priority_reason, first_in_line, lang, issued_at, queued_at, called_at,"
                      " started_at, finished_at, desk_id, user_id, device_id, recalls, rating FROM tickets ORDER BY id")


def desk_rows(db) -> list[dict]:
    """Every desk row, by id."""
    return database.rows(db, "SELECT * FROM desks ORDER BY id")


def events_by_ticket(db) -> Iterator[tuple]:
    """Every event of a ticket as a tuple (id, at, office, name, ticket, service, desk, user, device, details),
    by ticket and then in log order, read one at a time (a year's log: tuples, not dicts)."""
    # Details only where the replay reads them: a year's log makes 650,000 strings fewer.
    return db.execute("SELECT id, at, office_id, name, ticket_id, service_id, desk_id, user_id, device_id,"
                      " CASE WHEN name IN ('ticket.issued', 'ticket.transferred', 'ticket.rated', 'ticket.finished')"
                      " THEN details END"
                      " FROM events WHERE ticket_id IS NOT NULL ORDER BY ticket_id, id")


def desk_events(db) -> list[tuple]:
    """The events of a desk itself (created, changed, paused, resumed), as tuples like events_by_ticket's."""
    return db.execute("SELECT id, at, office_id, name, ticket_id, service_id, desk_id, user_id, device_id, details"
                      " FROM events WHERE ticket_id IS NULL AND desk_id IS NOT NULL ORDER BY id").fetchall()


HELP_SELECT = "SELECT h.*, v.name AS kiosk FROM help_calls h JOIN devices v ON v.id = h.device_id"


def open_help_call(db, device_id: int) -> dict | None:
    """The kiosk's call for help that nobody has acknowledged yet, if any."""
    return database.one(db, HELP_SELECT + " WHERE h.device_id = ? AND h.acknowledged_at IS NULL", (device_id,))


def help_call(db, call_id: int) -> dict | None:
    """One call for help by id, with its kiosk's name."""
    return database.one(db, HELP_SELECT + " WHERE h.id = ?", (call_id,))


def insert_help_call(db, office_id: str, device_id: int, lang: str, at: str) -> int:
    """Record a new call for help; returns its id."""
    cursor = db.execute("INSERT INTO help_calls (office_id, device_id, lang, requested_at) VALUES (?, ?, ?, ?)",
                        (office_id, device_id, lang, at))
    return cursor.lastrowid


def acknowledge_help_call(db, call_id: int, username: str, at: str) -> None:
    """Mark a call for help as answered by `username`."""
    db.execute("UPDATE help_calls SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ?",
               (at, username, call_id))


def open_help_calls(db, office_id: str) -> list[dict]:
    """The office's unanswered calls for help, oldest first."""
    return database.rows(db, HELP_SELECT + " WHERE h.office_id = ? AND h.acknowledged_at IS NULL ORDER BY h.id",
                         (office_id,))
