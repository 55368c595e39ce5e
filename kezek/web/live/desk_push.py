"""After each committed change: `desk.queue` to each scoped desk screen it touches, and the estimates replayed.

The replay runs here, in the background right after the change, rather than on the request
that next asks for a figure (typically a kiosk issuing a ticket): kezek.queue.estimates keeps
it, and answers from it while it holds.
"""
from __future__ import annotations

import threading

from kezek.base import database
from kezek.base.clock import utcnow
from kezek.queue import desk_feed
from kezek.queue import store as queue_store
from kezek.queue import tickets
from kezek.web.live import broadcast
from kezek.web.live.broadcast import socketio

DELAY_S = 0.1   # changes within this make one push per desk (KEZEK_DESK_PUSH_DELAY_S)
# A plain new ticket extends the kept replay (estimates.with_new_ticket): nothing to warm.
PLAIN = desk_feed.UNTOUCHING | {"ticket.issued", "queue.changed"}

_lock = threading.Lock()
_watchers: dict[int, set[str]] = {}    # desk id -> the sids of its scoped screens
_pending: dict[str, dict] = {}         # office -> what the changes not yet pushed touch
stats = {"pushes": 0}                  # desk.queue payloads sent


def watch(desk_id: int, sid: str) -> None:
    """A scoped screen of this desk connected."""
    with _lock:
        _watchers.setdefault(desk_id, set()).add(sid)


def unwatch(sid: str) -> None:
    """A connection closed: it watches no desk any more."""
    with _lock:
        for desk_id in [d for d, sids in _watchers.items() if sid in sids]:
            _watchers[desk_id].discard(sid)
            if not _watchers[desk_id]:
                del _watchers[desk_id]


def watched() -> set[int]:
    """The desks that have a scoped screen connected now."""
    with _lock:
        return set(_watchers)


def _merge(into: dict, mark: dict) -> None:
    into["all"] = into["all"] or mark["all"]
    into["services"] |= mark["services"]
    into["desks"] |= mark["desks"]
    into["transferred"] |= mark["transferred"]


def published(outcome_events) -> None:
    """broadcast.AFTER_PUBLISH hook: note what the batch touches, push it soon (or now, with no delay)."""
    app = broadcast.bound_app()
    if app is None:
        return
    delay = float(app.config.get("DESK_PUSH_DELAY_S", DELAY_S))
    if delay > 0:   # with no delay (tests) the queue.changed push replays at once anyway
        for office in {e.office_id for e in outcome_events if e.name not in PLAIN}:
            socketio.start_background_task(_warm, app, office)
    # With several processes a desk's screens may be on any of them: every touched desk is pushed
    # (to its room, through Redis), not only those watched here.
    shared = "kezek_redis" in app.extensions
    if not shared and not watched():
        return
    for office, mark in desk_feed.touched(outcome_events).items():
        with _lock:
            if office in _pending:
                _merge(_pending[office], mark)
                continue
            _pending[office] = mark
        if delay <= 0:
            push(app, office)
        else:
            socketio.start_background_task(_push_later, app, office, delay)


def _warm(app, office: str) -> None:
    """Replay the office's estimates now, so that the next ticket's answer finds them done."""
    clock = app.config.get("CLOCK")
    db = database.open_db(app.config["DB"])
    try:
        tickets.queue_counts(db, office, clock() if clock else utcnow())
    except Exception:   # the next request replays instead
        app.logger.exception("estimates warm-up failed")
    finally:
        db.close()


def _push_later(app, office: str, delay: float) -> None:
    socketio.sleep(delay)
    try:
        push(app, office)
    except Exception:   # a failed push must not stop later ones; the screen resyncs on its next change
        app.logger.exception("desk.queue push failed")


def push(app, office: str) -> list[int]:
    """Send `desk.queue` to every watched desk the office's pending changes touch; the desks pushed."""
    with _lock:
        # Taken before reading: a change committed while we read schedules the next push.
        mark = _pending.pop(office, None)
        desks = None if "kezek_redis" in app.extensions else set(_watchers)
    if mark is None or desks == set():
        return []
    clock = app.config.get("CLOCK")
    db = database.open_db(app.config["DB"])
    try:
        now = clock() if clock else utcnow()
        with database.snapshot(db):   # every desk's state from one committed state
            counts = queue_store.waiting_counts(db, office)
            targets = desk_feed.desks_touched(db, office, mark, desks)
            states = []
            for desk_id in targets:
                states.append(desk_feed.desk_state(db, desk_id, now, counts))
                socketio.sleep(0)     # a request that came meanwhile goes first (a desk's state is a few ms)
    finally:
        db.close()
    for state in states:
        socketio.emit("desk.queue", state, to=f"desk:{state['desk_id']}")
        stats["pushes"] += 1
    return targets


broadcast.AFTER_PUBLISH.append(published)
