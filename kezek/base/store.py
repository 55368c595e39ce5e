"""The SQL of the shared tables: settings, the stored answers of retried writes (idempotency), the leases."""
from __future__ import annotations

from kezek.base import database


def get_setting(db, key: str) -> str | None:
    """A value from the settings table."""
    return database.scalar(db, "SELECT value FROM settings WHERE key = ?", (key,))


def set_setting(db, key: str, value: str) -> None:
    """Store a value in the settings table (call inside a transaction)."""
    db.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def stored_answer(db, scope: str, key: str) -> dict | None:
    """The idempotency row of this caller and key: request, status, body (JSON text)."""
    return database.one(db, "SELECT request, status, body FROM idempotency WHERE scope = ? AND key = ?",
                        (scope, key))


def newest_event_id(db) -> int | None:
    """The id of the newest event-log row (None before the first)."""
    return database.scalar(db, "SELECT max(id) FROM events")


def claim_key(db, scope: str, key: str, request: str, status: int, body: str, created_at: str) -> bool:
    """Insert a claim with `status`; False (nothing written) when this caller's key is claimed already.

    On PostgreSQL an insert of the same key by a transaction still open waits for it: the
    loser learns of the winner's claim here, never both committing their work.
    """
    return db.execute("INSERT INTO idempotency (scope, key, request, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)"
                      " ON CONFLICT (scope, key) DO NOTHING RETURNING key",
                      (scope, key, request, status, body, created_at)).fetchone() is not None


def reclaim_key(db, scope: str, key: str, status: int, seen_body: str | None, body: str) -> bool:
    """Point a claim still in `status` at a newer body; only if its body is still `seen_body` (None: any)."""
    if seen_body is None:
        return db.execute("UPDATE idempotency SET body = ? WHERE scope = ? AND key = ? AND status = ? RETURNING key",
                          (body, scope, key, status)).fetchone() is not None
    return db.execute("UPDATE idempotency SET body = ? WHERE scope = ? AND key = ? AND status = ? AND body = ?"
                      " RETURNING key", (body, scope, key, status, seen_body)).fetchone() is not None


def event_summary(db, event_id) -> dict | None:
    """One event-log row's id, name, ticket_id and desk_id."""
    return database.one(db, "SELECT id, name, ticket_id, desk_id FROM events WHERE id = ?", (event_id,))


def save_answer(db, scope: str, key: str, request: str, status: int, body: str, created_at: str,
                *, pending: int) -> None:
    """Store the answer under its key, over a claim only while that is still `pending`."""
    db.execute("INSERT INTO idempotency (scope, key, request, status, body, created_at)"
               " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO UPDATE"
               " SET status = excluded.status, body = excluded.body WHERE idempotency.status = ?",
               (scope, key, request, status, body, created_at, pending))


def save_unclaimed_answer(db, scope: str, key: str, request: str, status: int, body: str, created_at: str) -> None:
    """Store an answer that changed nothing (a refusal), unless the key was claimed or answered meanwhile."""
    db.execute("INSERT INTO idempotency (scope, key, request, status, body, created_at)"
               " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING",
               (scope, key, request, status, body, created_at))


def forget_answers_before(db, created_at: str) -> None:
    """Delete stored answers created before `created_at`."""
    db.execute("DELETE FROM idempotency WHERE created_at < ?", (created_at,))


def take_lease(db, name: str, holder: str, now: str, until: str, dead_holder: str = "") -> None:
    """Take or renew a lease for `holder` until `until`: only if free, expired at `now`, its own, or the dead holder's."""
    db.execute("INSERT INTO leases (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)"
               " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,"
               " acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at"
               " ELSE excluded.acquired_at END"
               " WHERE leases.holder = excluded.holder OR leases.expires_at <= ? OR leases.holder = ?",
               (name, holder, now, until, now, dead_holder))


def lease(db, name: str) -> dict | None:
    """A lease's holder, acquired_at and expires_at (None when nobody ever took it)."""
    return database.one(db, "SELECT holder, acquired_at, expires_at FROM leases WHERE name = ?", (name,))


def leases(db) -> list[dict]:
    """Every lease's name, holder and expires_at."""
    return database.rows(db, "SELECT name, holder, expires_at FROM leases")


def drop_lease(db, name: str, holder: str) -> None:
    """Give a lease up (only the holder's own)."""
    db.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))
