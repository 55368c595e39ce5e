"""The SQL of the event log: its hash chain, the reports' per-ticket summary, and the audit view."""
from __future__ import annotations

import json
from collections.abc import Iterator

from kezek.base import database

# Kinds of events an auditor looks for: (clause, LIKE pattern(s) or name). Details are JSON
# written with sort_keys and ", " / ": " (kezek/log/chain.py).
AUDIT_KINDS = {
    "out_of_order": ("e.name = 'ticket.called' AND e.details LIKE ?", '%"out_of_order": true%'),
    "priority": ("e.name = 'ticket.issued' AND e.details LIKE ?", '%"priority": true%'),
    "transfer": ("e.name = ?", "ticket.transferred"),
    "transfer_first": ("e.name = 'ticket.transferred' AND e.details LIKE ?", '%"first": true%'),
    "appointment": ("e.name = 'ticket.issued' AND e.details LIKE ?", '%"appointment_at": %'),
    "late_booking": ("((e.name = 'ticket.issued' AND e.details LIKE ?) OR (e.name IN ('booking.created',"
                     " 'booking.moved') AND e.details LIKE ?))", ('%"walk_in": true%', '%"late": true%')),
    # Every out-of-order effect in one list: calls out of order (and of tickets put first), priority
    # tickets, transfers, booked visitors' check-ins, and bookings made too late to go ahead.
    "notable": (("((e.name = 'ticket.called' AND e.details LIKE ?) OR (e.name = 'ticket.issued'"
                 " AND (e.details LIKE ? OR e.details LIKE ?)) OR e.name = 'ticket.transferred'"
                 " OR (e.name IN ('booking.created', 'booking.moved') AND e.details LIKE ?))"),
                ('%"out_of_order": true%', '%"priority": true%', '%"appointment_at": %', '%"late": true%')),
}
AUDIT_SELECT = ("SELECT e.id, e.at, e.name, e.ticket_id, e.service_id, e.desk_id, e.user_id, e.device_id,"
                " e.details, u.username, d.name AS desk, s.prefix AS service_prefix, v.name AS device"
                " FROM events e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN desks d ON d.id = e.desk_id"
                " LEFT JOIN services s ON s.id = e.service_id LEFT JOIN devices v ON v.id = e.device_id"
                " WHERE e.office_id = ?")


# The chain

def log_head(db) -> dict | None:
    """The newest event-log row's id and hash (None before the first)."""
    return database.one(db, "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")


def insert_event(db, row: dict) -> None:
    """Write one event-log row: every column from id to prev_hash, and its hash."""
    db.execute(
        "INSERT INTO events (id, at, office_id, name, ticket_id, service_id, desk_id, user_id,"
        " device_id, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [row[c] for c in ("id", "at", "office_id", "name", "ticket_id", "service_id", "desk_id", "user_id",
                          "device_id", "details", "prev_hash", "hash")],
    )


def chain_tuples(db) -> Iterator[tuple]:
    """Every event-log row as a tuple (chain.FIELDS' values, then its hash), oldest first, one at a time."""
    return db.conn.execute("SELECT id, at, office_id, name, ticket_id, service_id, desk_id, user_id,"
                           " device_id, details, prev_hash, hash FROM events ORDER BY id")


def office_events(db, office_id: str, *, since: str | None = None, until: str | None = None,
                  name: str | None = None, ticket_id: int | None = None, before_id: int | None = None,
                  limit: int = 200) -> list[dict]:
    """An office's event-log rows, newest first, filtered by the arguments given (details as JSON text)."""
    sql = ["SELECT * FROM events WHERE office_id = ?"]
    params: list = [office_id]
    for clause, value in (("at >= ?", since), ("at < ?", until), ("name = ?", name),
                          ("ticket_id = ?", ticket_id), ("id < ?", before_id)):
        if value is not None:
            sql.append(f"AND {clause}")
            params.append(value)
    sql.append("ORDER BY id DESC LIMIT ?")
    params.append(limit)
    return database.rows(db, " ".join(sql), params)


def events_after(db, event_id: int, limit: int) -> list[dict]:
    """The first `limit` events logged after `event_id`: id, name, office and ticket."""
    return database.rows(db, "SELECT id, name, office_id, ticket_id FROM events WHERE id > ? ORDER BY id LIMIT ?",
                         (event_id, limit))


def last_event_id(db) -> int:
    """The id of the newest event-log row (0 before the first)."""
    return database.scalar(db, "SELECT max(id) FROM events") or 0


def office_timezone(db, office_id: str) -> str | None:
    """The office's time zone, for office-local dates (None for an unknown office)."""
    return database.scalar(db, "SELECT timezone FROM offices WHERE id = ?", (office_id,))


# The reports' per-ticket summary (report_tickets)

def issued_ticket(db, ticket_id: int) -> dict | None:
    """What a ticket's summary row starts from: office, day, issue time and service, the office's zone."""
    return database.one(db, "SELECT t.id, t.office_id, t.day, t.issued_at, t.issued_service_id, o.timezone"
                            " FROM tickets t JOIN offices o ON o.id = t.office_id WHERE t.id = ?", (ticket_id,))


def insert_report_row(db, ticket_id: int, office_id: str, day: str, hour: int, issued_at: str,
                      service_id: int) -> None:
    """Start a ticket's summary row, waiting (nothing when it exists)."""
    db.execute("INSERT INTO report_tickets (ticket_id, office_id, day, hour, issued_at, service_id, status)"
               " VALUES (?, ?, ?, ?, ?, ?, 'waiting') ON CONFLICT (ticket_id) DO NOTHING",
               (ticket_id, office_id, day, hour, issued_at, service_id))


def report_row(db, ticket_id: int) -> dict | None:
    """A ticket's summary row: issued_at, first_called_at, started_at."""
    return database.one(db, "SELECT issued_at, first_called_at, started_at FROM report_tickets WHERE ticket_id = ?",
                        (ticket_id,))


def report_row_called(db, ticket_id: int, desk_id, user_id, first_called_at: str, wait_s) -> None:
    """Mark a summary row called, by this desk and operator, with its first call and wait."""
    db.execute("UPDATE report_tickets SET status = 'called', desk_id = ?, user_id = ?, first_called_at = ?,"
               " wait_s = ? WHERE ticket_id = ?", (desk_id, user_id, first_called_at, wait_s, ticket_id))


def report_row_started(db, ticket_id: int, started_at: str) -> None:
    """Mark a summary row serving since `started_at`."""
    db.execute("UPDATE report_tickets SET status = 'serving', started_at = ? WHERE ticket_id = ?",
               (started_at, ticket_id))


def report_row_finished(db, ticket_id: int, finished_at: str, service_s) -> None:
    """Mark a summary row done, with its service time."""
    db.execute("UPDATE report_tickets SET status = 'done', finished_at = ?, service_s = ? WHERE ticket_id = ?",
               (finished_at, service_s, ticket_id))


def report_row_transferred(db, ticket_id: int) -> None:
    """Put a summary row back to waiting and count one more transfer."""
    db.execute("UPDATE report_tickets SET status = 'waiting', started_at = NULL, transfers = transfers + 1"
               " WHERE ticket_id = ?", (ticket_id,))


def report_row_rated(db, ticket_id: int, stars) -> None:
    """Record a summary row's rating."""
    db.execute("UPDATE report_tickets SET rating = ? WHERE ticket_id = ?", (stars, ticket_id))


def report_row_status(db, ticket_id: int, status: str, finished_at: str | None) -> None:
    """Set a summary row's status and when it finished."""
    db.execute("UPDATE report_tickets SET status = ?, finished_at = ? WHERE ticket_id = ?",
               (status, finished_at, ticket_id))


def delete_report_rows(db) -> None:
    """Delete every summary row (before replaying the log)."""
    db.execute("DELETE FROM report_tickets")


def ticket_events(db) -> Iterator[dict]:
    """Every event of a ticket, oldest first, read one at a time: id, at, name, ticket, desk, user, details."""
    return database.each(db, "SELECT id, at, name, ticket_id, desk_id, user_id, details FROM events"
                             " WHERE ticket_id IS NOT NULL ORDER BY id")


# The audit view

def audit_events(db, office_id: str, *, since: str | None = None, until: str | None = None,
                 kind: str | None = None, name: str | None = None, desk_id: int | None = None,
                 before_id: int | None = None, username: str | None = None, number: str | None = None,
                 limit: int = 100) -> list[dict]:
    """An office's events, newest first, with who, where and which service (kind: one of AUDIT_KINDS)."""
    sql, params = [AUDIT_SELECT], [office_id]
    if since is not None:
        sql.append("AND e.at >= ? AND e.at < ?")
        params += [since, until]
    if kind:
        clause, values = AUDIT_KINDS[kind]
        sql.append("AND " + clause)
        params += list(values) if isinstance(values, tuple) else [values]
    for clause, value in (("e.name = ?", name), ("e.desk_id = ?", desk_id), ("e.id < ?", before_id),
                          ("u.username = ?", username)):
        if value is not None:
            sql.append("AND " + clause)
            params.append(value)
    if number is not None:
        sql.append("AND e.details LIKE ?")
        params.append(f'%"number": {json.dumps(number, ensure_ascii=False)}%')
    sql.append("ORDER BY e.id DESC LIMIT ?")
    params.append(limit)
    return database.rows(db, " ".join(sql), params)


# The transparency log: each office's tree, its leaves and its checkpoints

_ROWS = ("SELECT id, at, office_id, name, ticket_id, service_id, desk_id, user_id, device_id, details, prev_hash, hash,"
         " (SELECT i.entry FROM imported_entries i WHERE i.event_id = events.id) AS entry FROM events")


def event_rows_after(db, event_id: int, limit: int) -> list[dict]:
    """The first `limit` event-log rows after `event_id`, every column and the entry it moved in with, oldest first."""
    return database.rows(db, f"{_ROWS} WHERE id > ? ORDER BY id LIMIT ?", (event_id, limit))


def office_entries(db, office_id: str) -> Iterator[tuple]:
    """Every event of an office as a tuple of chain.FIELDS' values and its imported entry (None), oldest first.

    `office_id || ''` keeps SQLite on the table itself, in id order: through the office index it
    would fetch every row by id and sort them (twice as slow over a year of events). SQLite's
    shorter `+office_id` is no SQL PostgreSQL takes (no unary plus on text).
    """
    return db.conn.execute("SELECT id, at, office_id, name, ticket_id, service_id, desk_id, user_id, device_id,"
                           " details, prev_hash, (SELECT i.entry FROM imported_entries i WHERE i.event_id = events.id)"
                           " FROM events WHERE office_id || '' = ? ORDER BY id", (office_id,))


def event_offices(db) -> list[str]:
    """Every office that has events (the logs a verifier recomputes)."""
    return [r["office_id"] for r in database.rows(db, "SELECT DISTINCT office_id FROM events ORDER BY office_id")]


def tree_sizes(db) -> dict[str, int]:
    """Each office's tree size (leaves placed so far)."""
    return {r["office_id"]: r["size"] for r in database.rows(db, "SELECT office_id, size FROM log_trees")}


def set_tree_size(db, office_id: str, size: int) -> None:
    """Record an office's tree size."""
    db.execute("INSERT INTO log_trees (office_id, size) VALUES (?, ?)"
               " ON CONFLICT (office_id) DO UPDATE SET size = excluded.size", (office_id, size))


def log_node(db, office_id: str, level: int, idx: int) -> bytes | None:
    """A complete subtree's hash."""
    return database.scalar(db, "SELECT hash FROM log_nodes WHERE office_id = ? AND level = ? AND idx = ?",
                           (office_id, level, idx))


def insert_log_nodes(db, nodes: list[tuple]) -> None:
    """Keep complete subtrees: (office, level, index, hash) each."""
    db.conn.executemany("INSERT INTO log_nodes (office_id, level, idx, hash) VALUES (?, ?, ?, ?)", nodes)


def insert_log_leaves(db, leaves: list[tuple]) -> None:
    """Record where events are in their office's tree: (event id, office, leaf index) each."""
    db.conn.executemany("INSERT INTO log_leaves (event_id, office_id, idx) VALUES (?, ?, ?)", leaves)


def leaf_positions(db, event_ids: list[int]) -> dict[int, int]:
    """The leaf index of each event given that is in its office's tree."""
    marks = ",".join("?" * len(event_ids))
    return {r["event_id"]: r["idx"] for r in database.rows(
        db, f"SELECT event_id, idx FROM log_leaves WHERE event_id IN ({marks})", event_ids)} if event_ids else {}


def leaf_events(db, office_id: str, start: int, end: int) -> list[dict]:
    """The events at leaves [start, end) of an office's tree, every column, with their leaf index."""
    return database.rows(db, "SELECT l.idx, e.id, e.at, e.office_id, e.name, e.ticket_id, e.service_id,"
                             " e.desk_id, e.user_id, e.device_id, e.details, e.prev_hash, e.hash, i.entry"
                             " FROM log_leaves l JOIN events e ON e.id = l.event_id LEFT JOIN imported_entries i"
                             " ON i.event_id = e.id WHERE l.office_id = ? AND l.idx >= ? AND l.idx < ? ORDER BY l.idx",
                         (office_id, start, end))


def leaf_hashes(db, office_id: str, start: int, end: int) -> list[bytes]:
    """The leaf hashes [start, end) of an office's tree."""
    return [r["hash"] for r in database.rows(
        db, "SELECT hash FROM log_nodes WHERE office_id = ? AND level = 0 AND idx >= ? AND idx < ? ORDER BY idx",
        (office_id, start, end))]


def ticket_event_rows(db, ticket_id: int) -> list[dict]:
    """A ticket's event-log rows, every column, oldest first."""
    return database.rows(db, f"{_ROWS} WHERE ticket_id = ? ORDER BY id", (ticket_id,))


def office_events_before(db, office_id: str, at: str) -> int:
    """How many of an office's events were logged before `at`."""
    return database.scalar(db, "SELECT count(*) FROM events WHERE office_id = ? AND at < ?", (office_id, at))


def insert_checkpoint(db, office_id: str, size: int, root: str, note: str, made_at: str, day: str | None) -> int:
    """Store a signed checkpoint; its id."""
    return db.execute("INSERT INTO checkpoints (office_id, size, root, note, made_at, day) VALUES (?,?,?,?,?,?)",
                      (office_id, size, root, note, made_at, day)).lastrowid


def latest_checkpoint(db, office_id: str) -> dict | None:
    """An office's newest checkpoint."""
    return database.one(db, "SELECT * FROM checkpoints WHERE office_id = ? ORDER BY id DESC LIMIT 1", (office_id,))


def daily_checkpoint(db, office_id: str, day: str) -> dict | None:
    """The checkpoint that closed an office day."""
    return database.one(db, "SELECT * FROM checkpoints WHERE office_id = ? AND day = ?", (office_id, day))


def latest_daily(db, office_id: str) -> dict | None:
    """The checkpoint that closed the office's most recent day."""
    return database.one(db, "SELECT * FROM checkpoints WHERE office_id = ? AND day IS NOT NULL"
                            " ORDER BY day DESC LIMIT 1", (office_id,))


def office_checkpoints(db, office_id: str) -> list[dict]:
    """Every checkpoint an office stored, oldest first: size, root and note."""
    return database.rows(db, "SELECT id, size, root, day, note FROM checkpoints WHERE office_id = ? ORDER BY id",
                         (office_id,))


def office_zones(db) -> dict[str, str]:
    """Each office's time zone."""
    return {r["id"]: r["timezone"] for r in database.rows(db, "SELECT id, timezone FROM offices")}


def tree_cursor(db) -> int:
    """The newest event placed in a tree (0 before the first)."""
    return database.scalar(db, "SELECT max(event_id) FROM log_leaves") or 0


# A witness (kezek/log/witness.py): the checkpoints it accepted and cosigned, its alarms

def witness_latest(db, origin: str) -> dict | None:
    """The newest checkpoint this witness cosigned for a log: size, root (base64), note, cosignature line."""
    return database.one(db, "SELECT id, origin, size, root, note, cosignature, accepted_at FROM witness_checkpoints"
                            " WHERE origin = ? ORDER BY id DESC LIMIT 1", (origin,))


def witness_accepted_root(db, origin: str, size: int) -> str | None:
    """The root (base64) of the checkpoint of this size this witness accepted for a log (None if none)."""
    return database.scalar(db, "SELECT root FROM witness_checkpoints WHERE origin = ? AND size = ?"
                               " ORDER BY id DESC LIMIT 1", (origin, size))


def insert_witness_checkpoint(db, origin: str, size: int, root: str, note: str, cosignature: str,
                              accepted_at: str) -> None:
    """Keep one checkpoint this witness accepted, with its cosignature line."""
    db.execute("INSERT INTO witness_checkpoints (origin, size, root, note, cosignature, accepted_at)"
               " VALUES (?, ?, ?, ?, ?, ?)", (origin, size, root, note, cosignature, accepted_at))


def witness_origins(db) -> list[dict]:
    """Every log this witness cosigned: origin, newest size, when last accepted, how many kept."""
    return database.rows(db, "SELECT origin, max(size) AS size, max(accepted_at) AS accepted_at,"
                             " count(*) AS kept FROM witness_checkpoints GROUP BY origin ORDER BY origin")


def insert_witness_alarm(db, row: dict) -> int:
    """Store one alarm (a log that does not extend what this witness cosigned); its id."""
    cursor = db.execute(
        "INSERT INTO witness_alarms (at, origin, kind, known_size, known_root, size, root, old_size, note, proof)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)",
        [row[c] for c in ("at", "origin", "kind", "known_size", "known_root", "size", "root", "old_size", "note",
                          "proof")])
    return cursor.lastrowid


def witness_alarm_open(db, origin: str, kind: str, size: int, root: str) -> bool:
    """Whether an unresolved alarm about exactly this checkpoint is kept already."""
    return database.scalar(db, "SELECT 1 FROM witness_alarms WHERE origin = ? AND kind = ? AND size = ? AND root = ?"
                               " AND resolved_at IS NULL LIMIT 1", (origin, kind, size, root)) is not None


def witness_alarms(db, *, open_only: bool = False, limit: int = 100) -> list[dict]:
    """This witness's alarms, newest first (open_only: those not yet resolved)."""
    sql = "SELECT * FROM witness_alarms" + (" WHERE resolved_at IS NULL" if open_only else "")
    return database.rows(db, sql + " ORDER BY id DESC LIMIT ?", (limit,))


def resolve_witness_alarms(db, origin: str, size: int, root: str, at: str) -> int:
    """Mark resolved the 'inconsistent' alarms about exactly this checkpoint (a valid proof came later)."""
    return db.execute("UPDATE witness_alarms SET resolved_at = ? WHERE origin = ? AND size = ? AND root = ?"
                      " AND kind = 'inconsistent' AND resolved_at IS NULL", (at, origin, size, root)).rowcount


# A log's client of witnesses (kezek/log/witness_client.py): what each witness last accepted, its cosignatures

def witness_size(db, witness: str, origin: str) -> int | None:
    """The size this witness last told us it holds for a log (None: never heard)."""
    return database.scalar(db, "SELECT size FROM witness_sizes WHERE witness = ? AND origin = ?", (witness, origin))


def set_witness_size(db, witness: str, origin: str, size: int, at: str) -> None:
    """Remember the size a witness holds for a log."""
    db.execute("INSERT INTO witness_sizes (witness, origin, size, at) VALUES (?, ?, ?, ?)"
               " ON CONFLICT (witness, origin) DO UPDATE SET size = excluded.size, at = excluded.at",
               (witness, origin, size, at))


def insert_cosignature(db, origin: str, size: int, root: str, witness: str, line: str, at: str) -> None:
    """Keep a witness's cosignature line of one checkpoint (one per witness and checkpoint)."""
    db.execute("INSERT INTO checkpoint_cosignatures (origin, size, root, witness, line, at) VALUES (?,?,?,?,?,?)"
               " ON CONFLICT (origin, size, root, witness) DO UPDATE SET line = excluded.line, at = excluded.at",
               (origin, size, root, witness, line, at))


def cosignatures(db, origin: str, size: int, root: str) -> list[str]:
    """The cosignature lines witnesses returned for this checkpoint, oldest first."""
    return [r["line"] for r in database.rows(db, "SELECT line FROM checkpoint_cosignatures WHERE origin = ?"
                                                 " AND size = ? AND root = ? ORDER BY at, witness",
                                             (origin, size, root))]


def audit_names(db, office_id: str) -> dict[str, list[dict]]:
    """The office's services, desks, devices and users, to show an event's ids as names."""
    return {
        "services": database.rows(db, "SELECT id, prefix, name_kk, name_ru, name_en FROM services WHERE office_id = ?",
                                  (office_id,)),
        "desks": database.rows(db, "SELECT id, name FROM desks WHERE office_id = ?", (office_id,)),
        "devices": database.rows(db, "SELECT id, name FROM devices WHERE office_id = ?", (office_id,)),
        "users": database.rows(db, "SELECT id, username, full_name FROM users LEFT JOIN user_names ON user_id = id"),
    }
