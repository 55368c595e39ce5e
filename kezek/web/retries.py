"""Retried writes: a request repeated with the same Idempotency-Key gets the first answer, and runs once."""
from __future__ import annotations

import functools
import threading

from flask import current_app, g, jsonify, request

from kezek.base import idempotency
from kezek.base.errors import Conflict, Invalid
from kezek.queue import store as queue_store
from kezek.web.context import get_db, now
from kezek.web.payloads import ticket_json

_key_locks: dict[tuple[str, str], threading.Lock] = {}
_key_locks_guard = threading.Lock()


def interrupted() -> Conflict:
    """The error for a retry whose interrupted first try cannot be told from its claim."""
    return Conflict("The first try of this request was interrupted; ask again with a new key.",
                    "idempotency_interrupted")


def claimed_ticket(event: dict | None) -> dict:
    """The ticket an interrupted first try changed (see idempotent's replay)."""
    ticket = queue_store.ticket(get_db(), event["ticket_id"]) if event and event["ticket_id"] else None
    if ticket is None:
        raise interrupted()
    return ticket


def replay_ticket(event: dict | None):
    """Replay for the ticket actions: the ticket as it is now."""
    return jsonify(ticket_json(claimed_ticket(event))), 200


def _scope() -> str | None:
    if g.device:
        return f"device:{g.device['id']}"
    if g.user:
        return f"user:{g.user['id']}"
    return None


def _lock_for(scope: str, key: str) -> threading.Lock:
    with _key_locks_guard:
        if len(_key_locks) > 10000:
            _key_locks.clear()
        return _key_locks.setdefault((scope, key), threading.Lock())


def idempotent(view=None, *, replay=None):
    """A retried write with the same Idempotency-Key gets the first answer, and runs once.

    replay(event) rebuilds the answer for a retry whose first run committed its change
    but never stored its answer (the server died in between; kezek/base/idempotency.py);
    `event` is the claimed event row or None. Without it such a retry runs the view
    again: only for views whose second run changes nothing.
    """
    if view is None:
        return functools.partial(idempotent, replay=replay)

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        scope = _scope()
        if not key or scope is None:
            return view(*args, **kwargs)
        if len(key) > 128:
            raise Invalid("Idempotency-Key is too long.", "bad_idempotency_key")
        what = f"{request.method} {request.path}"
        db = get_db()
        with _lock_for(scope, key):
            stored = idempotency.recall_answer(db, scope, key)
            if stored and stored[0] != what:
                raise Invalid("This Idempotency-Key was used for another request.", "idempotency_key_reused")
            if stored and stored[1] != idempotency.PENDING:
                response = jsonify(stored[2]) if stored[1] != 204 else current_app.response_class(status=204)
                response.status_code = stored[1]
                response.headers["Idempotent-Replayed"] = "true"
                return response
            if stored and replay is not None:
                response = current_app.make_response(replay(idempotency.claimed_event(db, stored[2])))
                response.headers["Idempotent-Replayed"] = "true"
            else:
                def claim(tx_db):
                    idempotency.claim(tx_db, scope, key, what, now())
                db.kezek_before_commit.append(claim)
                try:
                    response = current_app.make_response(view(*args, **kwargs))
                finally:
                    db.kezek_before_commit.remove(claim)
            if response.status_code < 500:
                payload = response.get_json(silent=True) if response.status_code != 204 else None
                idempotency.remember_answer(db, scope, key, what, response.status_code, payload, now())
            return response
    return wrapper
