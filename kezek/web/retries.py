"""Retried writes: a request repeated with the same Idempotency-Key gets the first answer, and runs once."""
from __future__ import annotations

import functools
import json
import threading
import time

from flask import current_app, g, jsonify, request

from kezek.base import idempotency
from kezek.base.errors import Conflict, Invalid
from kezek.queue import store as queue_store
from kezek.web.context import get_db, now
from kezek.web.payloads import ticket_json

WINNER_WAIT_S = 5      # how long a request that lost the claim waits for the winner's answer
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


def _stored_response(stored):
    """The stored answer of an earlier request with this key, marked as replayed."""
    response = jsonify(stored[2]) if stored[1] != 204 else current_app.response_class(status=204)
    response.status_code = stored[1]
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _winner_answer(db, scope: str, key: str, replay):
    """The answer of the request that claimed this key first (see idempotent), once it is stored.

    The winner stores its answer a moment after its commit; a winner that died in between
    left only its claim, and the answer is rebuilt from the claimed event as for a retry.
    """
    deadline = time.monotonic() + WINNER_WAIT_S
    while True:
        stored = idempotency.recall_answer(db, scope, key)
        if stored and stored[1] != idempotency.PENDING:
            return _stored_response(stored)
        if time.monotonic() > deadline:
            break
        time.sleep(0.01)
    if stored is None or replay is None:
        raise interrupted()
    response = current_app.make_response(replay(idempotency.claimed_event(db, stored[2])))
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view=None, *, replay=None):
    """A retried write with the same Idempotency-Key gets the first answer, and runs once.

    replay(event) rebuilds the answer for a retry whose first run committed its change
    but never stored its answer (the server died in between; kezek/base/idempotency.py);
    `event` is the claimed event row or None. Without it such a retry runs the view
    again: only for views whose second run changes nothing.

    Two requests with one key at the same moment, on two threads or two server processes:
    the lock below orders those of this process; across processes the claim does, inside
    each one's transaction (the database's own lock): the second to commit rolls its work
    back (KeyClaimed) and answers with the first one's answer.
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
                return _stored_response(stored)
            claimed = False      # whether the answer goes over a claim (this request's, or a dead first try's)
            if stored and replay is not None:
                response = current_app.make_response(replay(idempotency.claimed_event(db, stored[2])))
                response.headers["Idempotent-Replayed"] = "true"
                claimed = True
            else:
                seen = json.dumps(stored[2]) if stored else None

                def claim(tx_db):
                    nonlocal claimed
                    idempotency.claim(tx_db, scope, key, what, now(), seen_body=seen, again=claimed)
                    claimed = True
                db.kezek_before_commit.append(claim)
                try:
                    response = current_app.make_response(view(*args, **kwargs))
                except idempotency.KeyClaimed:
                    return _winner_answer(db, scope, key, replay)
                finally:
                    db.kezek_before_commit.remove(claim)
            if response.status_code < 500:
                payload = response.get_json(silent=True) if response.status_code != 204 else None
                idempotency.remember_answer(db, scope, key, what, response.status_code, payload, now(),
                                            claimed=claimed)
            return response
    return wrapper
