"""Stored answers to retried writes (Idempotency-Key): a retry gets the first result."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from . import store
from .timeutil import iso

KEEP = timedelta(hours=24)


def recall_answer(db, scope: str, key: str) -> tuple[str, int, dict] | None:
    """(request, status, body) stored for this caller and key, or None."""
    row = store.one(db, "SELECT request, status, body FROM idempotency WHERE scope = ? AND key = ?", (scope, key))
    return (row["request"], row["status"], json.loads(row["body"])) if row else None


def remember_answer(db, scope: str, key: str, request: str, status: int, body, now: datetime) -> None:
    """Store the answer to a write under its key (and forget keys older than a day)."""
    with store.transaction(db):
        db.execute("INSERT OR IGNORE INTO idempotency (scope, key, request, status, body, created_at)"
                   " VALUES (?, ?, ?, ?, ?, ?)",
                   (scope, key, request, status, json.dumps(body, ensure_ascii=False), iso(now)))
        db.execute("DELETE FROM idempotency WHERE created_at < ?", (iso(now - KEEP),))
