"""The regional monitor, live: after changes in any office, one `region.monitor` push to the region admins' screens.

Changes within KEZEK_REGION_PUSH_DELAY_S (1 s) make one push: a region's offices change many
times a second at the peak, and every office's figures are counted once per push, not per
change. With several processes one of them pushes (a mark in Redis says which, as for the
hall displays' `queue.changed`), through the message queue to the screens on every process.
Only a signed-in region admin's screen joins the room (kezek/web/live/connect.py); the page
polls GET /api/v1/region/monitor only while its connection is down.
"""
from __future__ import annotations

import threading

from kezek.base import database
from kezek.base.clock import utcnow
from kezek.office import store as office_store
from kezek.reports import region
from kezek.web.live import broadcast, message_queue
from kezek.web.live.broadcast import socketio

ROOM = "region-monitor"
DELAY_S = 1.0
CLAIM_SLACK_MS = 1000

_lock = threading.Lock()
_pending = False
_watchers: set[str] = set()     # the sids of this process's region monitors
stats = {"pushes": 0}


def snapshot(db, now) -> dict:
    """What a region monitor shows: GET /api/v1/region/monitor's answer."""
    return region.region_monitor(db, office_store.office_ids(db), now)


def watch(sid: str) -> None:
    with _lock:
        _watchers.add(sid)


def unwatch(sid: str) -> None:
    with _lock:
        _watchers.discard(sid)


def published(outcome_events) -> None:
    """broadcast.AFTER_PUBLISH hook: push the region's figures soon after a change in any office."""
    global _pending
    app = broadcast.bound_app()
    if app is None or not any(e.office_id for e in outcome_events):
        return
    shared = app.extensions.get("kezek_redis")
    with _lock:
        if shared is None and not _watchers:
            return          # one process and nobody watching: nothing to count
        if _pending:
            return          # a push is due: it counts this change too
        _pending = True
    delay = float(app.config.get("REGION_PUSH_DELAY_S", DELAY_S))
    if delay <= 0:
        _push_later(app, 0)
        return
    if shared is not None and not _claim(shared, delay):
        with _lock:
            _pending = False   # another process pushes soon, and counts after this commit
        return
    socketio.start_background_task(_push_later, app, delay)


def _key() -> str:
    return f"{message_queue.PREFIX}region-push"


def _claim(shared, delay: float) -> bool:
    try:
        return bool(shared.set(_key(), "1", nx=True, px=int(delay * 1000) + CLAIM_SLACK_MS))
    except Exception:   # Redis away: push from here (never fewer pushes, only more)
        return True


def _push_later(app, delay: float) -> None:
    if delay > 0:
        socketio.sleep(delay)
    try:
        _push(app)
    except Exception:   # a failed push must not stop later ones
        app.logger.exception("region.monitor push failed")


def _push(app) -> None:
    global _pending
    with _lock:
        _pending = False    # cleared before counting: a change committed meanwhile schedules the next push
    shared = app.extensions.get("kezek_redis")
    if shared is not None:
        try:
            shared.delete(_key())
        except Exception:
            pass
    clock = app.config.get("CLOCK")
    db = database.open_db(app.config["DB"])
    try:
        with database.snapshot(db):     # every office's figures from one committed state
            payload = snapshot(db, clock() if clock else utcnow())
    finally:
        db.close()
    socketio.emit("region.monitor", payload, to=ROOM)
    stats["pushes"] += 1


broadcast.AFTER_PUBLISH.append(published)
