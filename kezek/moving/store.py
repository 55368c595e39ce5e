"""The SQL of moving an office between databases: which rows are the office's, and writing them elsewhere.

Every table the office's history or configuration lives in is listed in TABLES, in an order
that lets each row's references exist before it: (table, which rows are the office's, the
kind of id its own `id` column is, and the kind of id each referencing column holds). The
kinds are the tables whose integer ids differ between databases; office ids (text) stay.
"""
from __future__ import annotations

from kezek.base import database

OF_OFFICE = "office_id = ?"
OF_SERVICES = "service_id IN (SELECT id FROM services WHERE office_id = ?)"
OF_DESKS = "desk_id IN (SELECT id FROM desks WHERE office_id = ?)"
OF_DEVICES = "device_id IN (SELECT id FROM devices WHERE office_id = ?)"
OF_TICKETS = "ticket_id IN (SELECT id FROM tickets WHERE office_id = ?)"
OF_BOOKINGS = "booking_id IN (SELECT id FROM bookings WHERE office_id = ?)"
OF_PLAYLISTS = "playlist_id IN (SELECT id FROM playlists WHERE office_id = ?)"

# (table, rows of the office, own id kind or None, {column: kind of id it holds})
TABLES: tuple[tuple[str, str, str | None, dict[str, str]], ...] = (
    ("offices", "id = ?", None, {}),
    ("office_closures", OF_OFFICE, None, {}),
    ("office_hours", OF_OFFICE, None, {}),
    ("services", OF_OFFICE, "services", {}),
    ("service_official_names", OF_SERVICES, None, {"service_id": "services"}),
    ("service_info", OF_SERVICES, None, {"service_id": "services"}),
    ("service_synonyms", OF_SERVICES, None, {"service_id": "services"}),
    ("service_bodies", OF_SERVICES, None, {"service_id": "services"}),
    ("kiosk_most_asked", OF_OFFICE, None, {"service_id": "services"}),
    ("counters", OF_SERVICES, None, {"service_id": "services"}),
    # users come first, apart (kezek/moving/office_move.py: members and the users rows refer to)
    ("desks", OF_OFFICE, "desks", {"user_id": "users"}),          # current_ticket_id: set after the tickets
    ("desk_services", OF_DESKS, None, {"desk_id": "desks", "service_id": "services"}),
    ("devices", OF_OFFICE, "devices", {}),
    ("printer_state", OF_DEVICES, None, {"device_id": "devices"}),
    ("help_calls", OF_OFFICE, "help_calls", {"device_id": "devices"}),
    ("tickets", OF_OFFICE, "tickets", {"issued_service_id": "services", "service_id": "services",
                                       "desk_id": "desks", "user_id": "users", "device_id": "devices"}),
    ("ticket_targets", OF_TICKETS, None, {"ticket_id": "tickets", "desk_id": "desks", "user_id": "users",
                                          "from_desk_id": "desks"}),
    ("outcome_kinds", OF_OFFICE, "outcome_kinds", {}),
    ("visit_outcomes", OF_TICKETS, None, {"ticket_id": "tickets", "outcome_id": "outcome_kinds"}),
    ("visit_services", OF_TICKETS, None, {"ticket_id": "tickets", "service_id": "services"}),
    ("report_tickets", OF_OFFICE, None, {"ticket_id": "tickets", "service_id": "services", "desk_id": "desks",
                                         "user_id": "users"}),
    ("booking_settings", OF_OFFICE, None, {}),
    ("booking_lead_times", OF_OFFICE, None, {}),
    ("booking_rules", OF_SERVICES, None, {"service_id": "services"}),
    ("holidays", OF_OFFICE, None, {}),
    ("closed_slots", OF_OFFICE, "closed_slots", {"service_id": "services"}),
    ("bookings", OF_OFFICE, "bookings", {"service_id": "services", "user_id": "users"}),
    ("ticket_appointments", OF_TICKETS, None, {"ticket_id": "tickets", "booking_id": "bookings"}),
    ("late_bookings", OF_BOOKINGS, None, {"booking_id": "bookings"}),
    ("notify_settings", OF_OFFICE, None, {}),
    ("notify_office_options", OF_OFFICE, None, {}),
    ("notify_counts", OF_OFFICE, None, {}),
    ("media_files", OF_OFFICE, "media_files", {}),
    ("playlists", OF_OFFICE, "playlists", {}),
    ("playlist_items", OF_PLAYLISTS, None, {"playlist_id": "playlists", "media_id": "media_files",
                                            "service_id": "services"}),
    ("display_media", OF_DEVICES, None, {"device_id": "devices", "playlist_id": "playlists"}),
    ("notices", OF_OFFICE, "notices", {}),
)
# Columns that never move: a secret stays on the server it was given to (re-entered on the new one).
LEFT_BEHIND = {"notify_settings": ("telegram_token", "telegram_secret")}
USER_COLUMNS = ("id", "username", "password_hash", "role", "active", "created_at")


def office_rows(db, table: str, where: str, office_id: str) -> list[dict]:
    """The rows of one TABLES entry that are the office's."""
    return database.rows(db, f"SELECT * FROM {table} WHERE {where}", (office_id,))


def columns(db, table: str) -> set[str]:
    """The columns a table has here (a file's column names are checked against these, never trusted)."""
    return {c[0] for c in db.execute(f"SELECT * FROM {table} WHERE 1 = 0").description}


def insert(db, table: str, row: dict) -> int | None:
    """Write one row (its keys: columns of the table); the new integer id when the table makes one."""
    names = list(row)
    cursor = db.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                        [row[n] for n in names])
    return cursor.lastrowid


def member_ids(db, office_id: str) -> list[int]:
    """The users who work in the office (region admins work everywhere and stay where they are)."""
    return [r["user_id"] for r in database.rows(
        db, "SELECT user_id FROM user_offices WHERE office_id = ?"
            " AND user_id NOT IN (SELECT user_id FROM region_admins) ORDER BY user_id", (office_id,))]


def users(db, user_ids: list[int]) -> list[dict]:
    """Users with their password hashes and full names (moved with the office they work in)."""
    if not user_ids:
        return []
    marks = ",".join("?" for _ in user_ids)
    return database.rows(db, f"SELECT u.id, u.username, u.password_hash, u.role, u.active, u.created_at,"
                             f" n.full_name FROM users u LEFT JOIN user_names n ON n.user_id = u.id"
                             f" WHERE u.id IN ({marks}) ORDER BY u.id", list(user_ids))


def username_taken(db, username: str) -> bool:
    """Whether a user here has this name."""
    return bool(database.scalar(db, "SELECT 1 FROM users WHERE username = ?", (username,)))


def set_desk_ticket(db, desk_id: int, ticket_id: int) -> None:
    """A moved desk's current ticket (set once the tickets are in)."""
    db.execute("UPDATE desks SET current_ticket_id = ? WHERE id = ?", (ticket_id, desk_id))


def printer_ports_setting(db, office_id: str) -> str | None:
    """The office's printer ports setting, if set."""
    return database.scalar(db, "SELECT value FROM settings WHERE key = ?", (f"printer_ports:{office_id}",))


def set_printer_ports_setting(db, office_id: str, value: str) -> None:
    """Keep the office's printer ports here."""
    db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
               (f"printer_ports:{office_id}", value))


# The log: the office's events with the entries of their leaves, its imports, its checkpoints

def office_events(db, office_id: str) -> list[dict]:
    """The office's events, oldest first, with the leaf entry each was imported with (None: its own row)."""
    return database.rows(db, "SELECT e.id, e.at, e.office_id, e.name, e.ticket_id, e.service_id, e.desk_id,"
                             " e.user_id, e.device_id, e.details, e.prev_hash, e.hash, i.import_id, i.entry"
                             " FROM events e LEFT JOIN imported_entries i ON i.event_id = e.id"
                             " WHERE e.office_id = ? ORDER BY e.id", (office_id,))


def office_imports(db, office_id: str) -> list[dict]:
    """The earlier moves of the office into this database."""
    return database.rows(db, "SELECT id, origin, verifier, imported_at FROM office_imports WHERE office_id = ?"
                             " ORDER BY id", (office_id,))


def import_ids(db, import_id: int) -> list[dict]:
    """One import's id map: kind, old id (as its entries name it), id here."""
    return database.rows(db, "SELECT kind, old_id, new_id FROM imported_ids WHERE import_id = ?", (import_id,))


def insert_import(db, office_id: str, origin: str, verifier: str, at: str) -> int:
    """Record one origin's entries moving in; its id."""
    return db.execute("INSERT INTO office_imports (office_id, origin, verifier, imported_at) VALUES (?, ?, ?, ?)",
                      (office_id, origin, verifier, at)).lastrowid


def insert_import_ids(db, import_id: int, rows: list[tuple[str, int, int]]) -> None:
    """Keep an import's id map: (kind, old id, new id) each."""
    for kind, old, new in rows:
        db.execute("INSERT INTO imported_ids (import_id, kind, old_id, new_id) VALUES (?, ?, ?, ?)",
                   (import_id, kind, old, new))


def insert_entry(db, event_id: int, import_id: int, entry: str) -> None:
    """Keep the leaf entry a moved event was first written with."""
    db.execute("INSERT INTO imported_entries (event_id, import_id, entry) VALUES (?, ?, ?)",
               (event_id, import_id, entry))


def own_checkpoints(db, office_id: str) -> list[dict]:
    """The checkpoints this server signed for the office, oldest first."""
    return database.rows(db, "SELECT size, root, note, made_at, day FROM checkpoints WHERE office_id = ? ORDER BY id",
                         (office_id,))


def imported_checkpoints(db, office_id: str) -> list[dict]:
    """The office's checkpoints signed where it was before, with the import (origin, key) each came with."""
    return database.rows(db, "SELECT c.import_id, c.size, c.root, c.note, c.made_at, c.day FROM imported_checkpoints c"
                             " WHERE c.office_id = ? ORDER BY c.id", (office_id,))


def insert_imported_checkpoint(db, import_id: int, office_id: str, row: dict) -> None:
    """Keep a checkpoint of the office signed elsewhere."""
    db.execute("INSERT INTO imported_checkpoints (import_id, office_id, size, root, note, made_at, day)"
               " VALUES (?, ?, ?, ?, ?, ?, ?)",
               (import_id, office_id, row["size"], row["root"], row["note"], row["made_at"], row["day"]))


def imported_entry_rows(db):
    """Every moved event here, oldest first: chain.FIELDS but id and prev_hash, its import and its first entry."""
    return database.each(db, "SELECT e.id, e.at, e.office_id, e.name, e.ticket_id, e.service_id, e.desk_id,"
                             " e.user_id, e.device_id, e.details, i.import_id, i.entry FROM imported_entries i"
                             " JOIN events e ON e.id = i.event_id ORDER BY e.id")


def import_id_map(db, import_id: int) -> dict[str, dict[int, int]]:
    """One import's ids: kind -> {id its entries name: id here}."""
    out: dict[str, dict[int, int]] = {}
    for r in database.rows(db, "SELECT kind, old_id, new_id FROM imported_ids WHERE import_id = ?", (import_id,)):
        out.setdefault(r["kind"], {})[r["old_id"]] = r["new_id"]
    return out


def moved_checkpoints(db) -> list[tuple[str, str, str]]:
    """Every checkpoint moved in: (what to call it, the signed note, the key of the log that signed it)."""
    return [(f"moved-in checkpoint #{r['id']} (signed at {r['origin']})", r["note"], r["verifier"]) for r in database.rows(
        db, "SELECT c.id, c.note, o.origin, o.verifier FROM imported_checkpoints c"
            " JOIN office_imports o ON o.id = c.import_id ORDER BY c.id")]
