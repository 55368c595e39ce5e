"""The Socket.IO server and what it pushes: events after commit, coalesced queue counts, dropped connections."""
from __future__ import annotations

import threading

from flask_socketio import SocketIO

from kezek.base import database, events
from kezek.base.clock import utcnow
from kezek.queue import tickets
from kezek.web.live import message_queue

socketio = SocketIO()   # bound to the app by socketio.init_app, create_app's last step

_app = None   # the app publish() pushes through (the newest create_app's)
AFTER_PUBLISH: list = []   # functions(events) told of every published batch, e.g. the notifier's hand-over
_queue_pending: set[str] = set()
_queue_lock = threading.Lock()
CLAIM_SLACK_MS = 1000   # how long past its delay a process's claim on an office's next counts push lasts
_device_sids: dict[int | tuple, set[str]] = {}
_sids_lock = threading.Lock()


def bind(app) -> None:
    """Push through this app from now on (its database, its clock, its settings)."""
    global _app
    _app = app


def bound_app():
    """The app publish() pushes through, or None before create_app."""
    return _app


def publish(outcome_events) -> None:
    """Push committed events to their rooms (never call inside a transaction)."""
    if _app is None:
        return
    outcome_events = list(outcome_events)
    for hook in AFTER_PUBLISH:
        hook(outcome_events)
    for event in outcome_events:
        if event.name == "queue.changed" and "services" not in event.data:
            _queue_changed(event.office_id)
            continue
        for room, payload in events.deliveries(event):
            socketio.emit(event.name, payload, to=room)


def _queue_changed(office_id: str) -> None:
    """Push the office's counts soon: changes within QUEUE_PUSH_DELAY_S make one push (in every process)."""
    delay = float(_app.config.get("QUEUE_PUSH_DELAY_S", 0.25))
    if delay <= 0:
        _push_queue(office_id)
        return
    with _queue_lock:
        if office_id in _queue_pending:
            return
        _queue_pending.add(office_id)
    if not _claim_push(office_id, delay):
        with _queue_lock:
            _queue_pending.discard(office_id)   # another process pushes soon, and counts after this commit
        return
    socketio.start_background_task(_push_queue_later, office_id, delay)


def _push_key(office_id: str) -> str:
    return f"{message_queue.PREFIX}queue-push:{office_id}"


def _claim_push(office_id: str, delay: float) -> bool:
    """With several processes: True when this one is to push the office's counts (a mark in Redis says who).

    The mark outlives the delay a little, so a process killed before its push holds it at most that long.
    Without Redis (one process, or Redis away) every process pushes its own: never fewer pushes, only more.
    """
    shared = _app.extensions.get("kezek_redis")
    if shared is None:
        return True
    try:
        return bool(shared.set(_push_key(office_id), "1", nx=True, px=int(delay * 1000) + CLAIM_SLACK_MS))
    except Exception:   # Redis away: push from here (the screens resync when it is back)
        return True


def _release_push(office_id: str) -> None:
    shared = _app.extensions.get("kezek_redis")
    if shared is None:
        return
    try:
        shared.delete(_push_key(office_id))
    except Exception:
        pass


def _push_queue_later(office_id: str, delay: float) -> None:
    socketio.sleep(delay)
    with _queue_lock:
        # Cleared before counting: a change made while we count schedules the next push.
        _queue_pending.discard(office_id)
    _release_push(office_id)   # likewise for a change committed in another process
    try:
        _push_queue(office_id)
    except Exception:   # a failed push must not stop later ones
        _app.logger.exception("queue.changed push failed")


def _push_queue(office_id: str) -> None:
    db = database.open_db(_app.config["DB"])
    try:
        clock = _app.config.get("CLOCK")
        data = tickets.queue_counts(db, office_id, clock() if clock else utcnow())
    finally:
        db.close()
    for room, payload in events.deliveries(events.Event("queue.changed", office_id, data=data)):
        socketio.emit("queue.changed", payload, to=room)


def track(key: int | tuple, sid: str) -> None:
    """Remember a live connection of a device (its id) or a user (("user", id)), to drop it later."""
    with _sids_lock:
        _device_sids.setdefault(key, set()).add(sid)


def forget(sid: str) -> None:
    """Forget a closed connection."""
    with _sids_lock:
        for sids in _device_sids.values():
            sids.discard(sid)


def disconnect_device(device_id: int) -> None:
    """Drop the live connections of a revoked device."""
    with _sids_lock:
        sids = _device_sids.pop(device_id, set())
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")


def disconnect_user(user_id: int) -> None:
    """Drop the live screens of a user who was disabled or got a new password."""
    disconnect_device(("user", user_id))   # the same registry, keyed apart from device ids


def disconnect_session(key: str) -> None:
    """Drop the live screens opened with one session (signed out)."""
    disconnect_device(("session", key))
