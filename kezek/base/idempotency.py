"""Stored answers to retried writes (Idempotency-Key): a retry gets the first result.

The key is claimed inside the operation's own transaction (`claim`, run by
database.transaction just before COMMIT), naming the newest event of that change. The
answer is stored a moment later, without waiting for the disk. A server that dies (or
loses power) between the two leaves a claim without an answer: the retry then rebuilds the answer from the claimed event instead
of doing the operation a second time (kezek/web/common.py).
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from kezek.base import database, store
from kezek.base.clock import iso

KEEP = timedelta(hours=24)
PENDING = 0          # status of a claim whose answer was never stored


def recall_answer(db, scope: str, key: str) -> tuple[str, int, dict] | None:
    """(request, status, body) stored for this caller and key, or None."""
    row = store.stored_answer(db, scope, key)
    return (row["request"], row["status"], json.loads(row["body"])) if row else None


class KeyClaimed(Exception):
    """Another request with this key (on any process) committed its change first: roll this one back."""


def claim(db, scope: str, key: str, request: str, now: datetime, *, seen_body: str | None = None,
          again: bool = False) -> None:
    """Inside a write transaction, before COMMIT: this key is spent, by the newest event.

    Every change Kezek commits writes its event in the same transaction, so the newest
    event is this change's own (every writer holds the database's write lock meanwhile).
    The claim succeeds only for the first request with the key: when another request has
    claimed it since this one looked (another thread, another process), KeyClaimed rolls
    this change back and the caller answers with the winner's answer. `seen_body` is the
    body of a pending claim this request looked at and runs again over (an interrupted first
    try of a view without replay); `again` marks this request's own later transaction.
    """
    body = json.dumps({"event": store.newest_event_id(db)})
    if again:
        spent = store.reclaim_key(db, scope, key, PENDING, None, body)
    elif seen_body is not None:
        spent = store.reclaim_key(db, scope, key, PENDING, seen_body, body)
    else:
        spent = store.claim_key(db, scope, key, request, PENDING, body, iso(now))
    if not spent:
        raise KeyClaimed(key)


def claimed_event(db, body: dict) -> dict | None:
    """The event a claim names: its name, ticket_id and desk_id."""
    if not isinstance(body, dict) or body.get("event") is None:
        return None
    return store.event_summary(db, body["event"])


def remember_answer(db, scope: str, key: str, request: str, status: int, body, now: datetime, *,
                    claimed: bool = True) -> None:
    """Store the answer to a write under its key (and forget keys older than a day).

    Not waiting for the disk: the claim, durable in the operation's own transaction, is
    what must outlive a power cut; a retry after losing this row rebuilds the answer.
    An answer that claimed nothing (a refusal) never replaces a claim made meanwhile.
    """
    text = json.dumps(body, ensure_ascii=False)
    with database.transaction(db, durable=False):
        if claimed:
            store.save_answer(db, scope, key, request, status, text, iso(now), pending=PENDING)
        else:
            store.save_unclaimed_answer(db, scope, key, request, status, text, iso(now))
        store.forget_answers_before(db, iso(now - KEEP))
