"""Socket.IO: screens connect with `auth`, join their rooms, get a snapshot; events after commit."""
from __future__ import annotations

import threading

from flask import current_app, request, session
from flask_socketio import ConnectionRefusedError, disconnect, emit, join_room

from kezek.base import database, events
from kezek.base import store as base_store
from kezek.base.clock import utcnow
from kezek.office import accounts
from kezek.office import store as office_store
from kezek.printing import jobs as print_jobs
from kezek.queue import store as queue_store
from kezek.queue import tickets, views

_socketio = None
_device_sids: dict[int, set[str]] = {}
_sids_lock = threading.Lock()


_app = None
_queue_pending: set[str] = set()
_queue_lock = threading.Lock()


def publish(outcome_events) -> None:
    """Push committed events to their rooms (never call inside a transaction)."""
    if _socketio is None:
        return
    for event in outcome_events:
        if event.name == "queue.changed" and "services" not in event.data:
            _queue_changed(event.office_id)
            continue
        for room, payload in events.deliveries(event):
            _socketio.emit(event.name, payload, to=room)


_display_cache: dict[str, tuple] = {}


def _display_snapshot(db, office: str, now) -> dict:
    """The display snapshot, shared by every display that (re)connects within a second while
    nothing changed: after a restart a whole hall of screens reconnects at once."""
    key = (base_store.get_setting(db, "log_head"), int(now.timestamp()))
    cached = _display_cache.get(office)
    if cached and cached[0] == key:
        return cached[1]
    snapshot = views.display_snapshot(db, office, now)
    _display_cache[office] = (key, snapshot)
    return snapshot


def _queue_changed(office_id: str) -> None:
    """Push the office's counts soon: changes within QUEUE_PUSH_DELAY_S make one push."""
    delay = float(_app.config.get("QUEUE_PUSH_DELAY_S", 0.25))
    if delay <= 0:
        _push_queue(office_id)
        return
    with _queue_lock:
        if office_id in _queue_pending:
            return
        _queue_pending.add(office_id)
    _socketio.start_background_task(_push_queue_later, office_id, delay)


def _push_queue_later(office_id: str, delay: float) -> None:
    _socketio.sleep(delay)
    with _queue_lock:
        # Cleared before counting: a change made while we count schedules the next push.
        _queue_pending.discard(office_id)
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
        _socketio.emit("queue.changed", payload, to=room)


def disconnect_device(device_id: int) -> None:
    """Drop the live connections of a revoked device."""
    with _sids_lock:
        sids = _device_sids.pop(device_id, set())
    for sid in sids:
        _socketio.server.disconnect(sid, namespace="/")


def disconnect_user(user_id: int) -> None:
    """Drop the live screens of a user who was disabled or got a new password."""
    disconnect_device(("user", user_id))   # the same registry, keyed apart from device ids


def _now():
    clock = current_app.config.get("CLOCK")
    return clock() if clock else utcnow()


def _office(db, auth: dict, user: dict | None = None) -> str:
    wanted = auth.get("office")
    offices = [o["id"] for o in office_store.offices(db)]
    if user is not None:
        offices = [o for o in offices if o in user["offices"]]
    if wanted:
        if wanted not in offices:
            raise ConnectionRefusedError("unknown office")
        return wanted
    if len(offices) != 1:
        raise ConnectionRefusedError("say which office")
    return offices[0]


def _connect_screen(db, auth: dict) -> tuple[str, dict]:
    """Join the rooms of the screen named in `auth`; returns (event name, snapshot)."""
    screen = auth.get("screen")
    now = _now()
    for key in ("token", "office"):
        if auth.get(key) is not None and not isinstance(auth[key], str):
            raise ConnectionRefusedError(f"{key} must be a string")   # else a hostile payload raises inside
    if screen == "display":
        token = auth.get("token")
        device = accounts.device_by_token(db, token) if token else None
        if token and (device is None or device["kind"] != "display"):
            raise ConnectionRefusedError("bad display token")
        office = device["office_id"] if device else _office(db, auth)
        if device:
            _track(device["id"])
        join_room(f"display:{office}")
        return "snapshot", _display_snapshot(db, office, now) | {"device": device}
    if screen == "board":
        office = _office(db, auth)
        join_room(f"queue:{office}")
        return "snapshot", {"office": views.office_view(office_store.office(db, office)),
                            "services": views.services_view(db, office, now)}
    if screen == "ticket":
        # Each try counts against the address's ticket lookups, as the ticket page and API do.
        from kezek.web.screen_ticket import lookup_allowed
        if not lookup_allowed():
            raise ConnectionRefusedError("too many requests")
        ticket = queue_store.ticket_by_token(db, str(auth.get("token") or ""))
        if ticket is None:
            raise ConnectionRefusedError("ticket not found")
        join_room(f"ticket:{ticket['token']}")
        join_room(f"queue:{ticket['office_id']}")
        view = views.public_ticket_view(views.ticket_view(db, ticket, now))
        return "snapshot", {"ticket": view}
    if screen == "kiosk":
        device = accounts.device_by_token(db, str(auth.get("token") or ""))
        if device is None or device["kind"] != "kiosk":
            raise ConnectionRefusedError("bad kiosk token")
        _track(device["id"])
        join_room(f"kiosk:{device['id']}")
        join_room(f"kiosks:{device['office_id']}")
        office = office_store.office(db, device["office_id"])
        return "snapshot", {"office": views.office_view(office), "device": device,
                            "services": views.services_view(db, office["id"], now),
                            "printer": print_jobs.printer_state(db, device)}
    if screen == "operator":
        user = accounts.get_user(db, session.get("user_id")) if session.get("user_id") else None
        if not user or not user["active"] or session.get("password_epoch") != accounts.password_epoch(db, user["id"]):
            raise ConnectionRefusedError("sign in first")
        _track(("user", user["id"]))
        office = _office(db, auth, user)
        join_room(f"operators:{office}")
        desk_id = auth.get("desk")
        if desk_id is not None:
            fits = isinstance(desk_id, int) and not isinstance(desk_id, bool) and 0 < desk_id < 2**63
            desk = office_store.desk(db, desk_id) if fits else None
            if desk is None or desk["office_id"] != office:
                raise ConnectionRefusedError("unknown desk")
            join_room(f"desk:{desk_id}")
        return "snapshot", views.operator_snapshot(db, office, now, desk_id)
    if screen == "print-agent":
        # The print agent of a kiosk PC (kezek/print_agent.py), with the kiosk's token.
        from kezek.web import printing_web
        device = accounts.device_by_token(db, str(auth.get("token") or ""))
        if device is None or device["kind"] != "kiosk":
            raise ConnectionRefusedError("bad kiosk token")
        _track(device["id"])
        join_room(f"agent:{device['id']}")
        return "snapshot", printing_web.agent_connected(db, device, request.sid)
    raise ConnectionRefusedError("unknown screen")


def _track(device_id: int) -> None:
    with _sids_lock:
        _device_sids.setdefault(device_id, set()).add(request.sid)


def register(socketio, app=None) -> None:
    """Attach the handlers to the Socket.IO server."""
    global _socketio, _app
    _socketio = socketio
    _app = app
    from kezek.web import printing_web
    printing_web.register(socketio)  # print agents' acknowledgements and status reports

    @socketio.on("connect")
    def on_connect(auth=None):
        if not isinstance(auth, dict):
            raise ConnectionRefusedError("say which screen in auth")
        db = database.open_db(current_app.config["DB"])
        try:
            name, snapshot = _connect_screen(db, auth)
        finally:
            db.close()
        emit(name, snapshot)

    @socketio.on("disconnect")
    def on_disconnect(reason=None):
        with _sids_lock:
            for sids in _device_sids.values():
                sids.discard(request.sid)
        from kezek.web import printing_web
        printing_web.agent_disconnected(request.sid)

    @socketio.on("snapshot")
    def on_snapshot(auth=None):
        """A screen may ask for a fresh snapshot (e.g. after waking up)."""
        db = database.open_db(current_app.config["DB"])
        try:
            name, snapshot = _connect_screen(db, auth if isinstance(auth, dict) else {})
        except ConnectionRefusedError:
            disconnect()
            return
        finally:
            db.close()
        emit(name, snapshot)
