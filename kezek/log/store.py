"""The SQL of the event log and its audit view."""
from __future__ import annotations

from kezek.base import database


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
