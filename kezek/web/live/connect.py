"""Screens connecting over Socket.IO: `auth` says which screen, it joins its rooms and gets a snapshot."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, session
from flask_socketio import ConnectionRefusedError, disconnect, emit, join_room

from kezek.base import database
from kezek.base import store as base_store
from kezek.office import accounts, sessions
from kezek.office import store as office_store
from kezek.printing import jobs as print_jobs
from kezek.queue import desk_display
from kezek.queue import desk_feed
from kezek.queue import store as queue_store
from kezek.queue import views
from kezek.web import auth as web_auth
from kezek.web.context import now as current_time
from kezek.web.live import broadcast, desk_push, printing, region_push

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
    now = current_time()
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
    if screen == "desk-display":
        return "snapshot", _desk_display(db, auth, now)
    if screen == "board":
        office = _office(db, auth)
        join_room(f"queue:{office}")
        return "snapshot", {"office": views.office_view(office_store.office(db, office)),
                            "services": views.services_view(db, office, now)}
    if screen == "ticket":
        # Each try counts against the address's ticket lookups, as the ticket page and API do.
        if not web_auth.lookup_allowed():
            raise ConnectionRefusedError("too many requests")
        ticket = queue_store.ticket_by_token(db, str(auth.get("token") or ""))
        if ticket is None:
            raise ConnectionRefusedError("ticket not found")
        join_room(f"ticket:{ticket['token']}")
        join_room(f"queue:{ticket['office_id']}")
        view = views.public_ticket_view(db, views.ticket_view(db, ticket, now), now)
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
        signed_in = sessions.current(db, session.get("sid"), now, web_auth.lifetime())
        if signed_in is None:
            raise ConnectionRefusedError("sign in first")
        user = signed_in.user
        _track(("user", user["id"]))
        _track(("session", signed_in.key))
        office = _office(db, auth, user)
        desk_id = auth.get("desk")
        scoped = auth.get("scope") == "desk" and desk_id is not None
        if not scoped:
            join_room(f"operators:{office}")
        if desk_id is not None:
            fits = isinstance(desk_id, int) and not isinstance(desk_id, bool) and 0 < desk_id < 2**63
            desk = office_store.desk(db, desk_id) if fits else None
            if desk is None or desk["office_id"] != office:
                raise ConnectionRefusedError("unknown desk")
            join_room(f"desk:{desk_id}")
        if scoped:
            # Its own queue and changes only (desk.queue), and the staff's alerts: not every office event.
            join_room(f"desks:{office}")
            desk_push.watch(desk_id, request.sid)
            return "snapshot", desk_feed.scoped_snapshot(db, office, now, desk_id)
        return "snapshot", views.operator_snapshot(db, office, now, desk_id)
    if screen == "region-monitor":
        # The regional monitor: every office's figures, for a signed-in region admin only.
        signed_in = sessions.current(db, session.get("sid"), now, web_auth.lifetime())
        if signed_in is None:
            raise ConnectionRefusedError("sign in first")
        if not accounts.has_role(signed_in.user, accounts.REGION_ADMIN):
            raise ConnectionRefusedError("region admins only")
        _track(("user", signed_in.user["id"]))      # dropped when the account changes or signs out
        _track(("session", signed_in.key))
        join_room(region_push.ROOM)
        region_push.watch(request.sid)
        return "snapshot", region_push.snapshot(db, now)
    if screen == "print-agent":
        # The print agent of a kiosk PC (kezek/printers/agent.py), with the kiosk's token.
        device = accounts.device_by_token(db, str(auth.get("token") or ""))
        if device is None or device["kind"] != "kiosk":
            raise ConnectionRefusedError("bad kiosk token")
        _track(device["id"])
        join_room(f"agent:{device['id']}")
        return "snapshot", printing.agent_connected(db, device, request.sid)
    raise ConnectionRefusedError("unknown screen")


def _desk_display(db, auth: dict, now) -> dict:
    """The screen above a desk: public like the hall display (it hears the hall's events, filtered by desk);
    a display device's token pairs it, and only a paired screen set to show it gets the specialist's name."""
    desk_id = auth.get("desk")
    fits = isinstance(desk_id, int) and not isinstance(desk_id, bool) and 0 < desk_id < 2**63
    desk = office_store.desk(db, desk_id) if fits else None
    if desk is None:
        raise ConnectionRefusedError("unknown desk")
    token = auth.get("token")
    device = accounts.device_by_token(db, token) if token else None
    if token and (device is None or device["kind"] != "display" or device["office_id"] != desk["office_id"]):
        raise ConnectionRefusedError("bad display token")
    if device:
        _track(device["id"])
    join_room(f"display:{desk['office_id']}")
    office = views.office_view(office_store.office(db, desk["office_id"]))
    show_name = bool(device and device["settings"].get("show_name") is True)
    return desk_display.snapshot(db, desk_id, now, show_name=show_name) | {"office": office, "device": device}


def _origin(url: str) -> str:
    """scheme://host[:port] of an address ('' if none)."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def origin_check(public_url: str):
    """Socket.IO's Origin check: the server's own origin and KEZEK_PUBLIC_URL's are allowed.

    A page on another origin (even of the same site) must not open an operator's screen with the
    clerk's cookie. Kiosks, displays and print agents that send no Origin are not affected.
    """
    public = _origin(public_url)

    def allowed(origin: str | None, environ: dict | None = None) -> bool:
        own = _origin(f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}") if environ else ""
        return bool(origin) and origin.lower() in {own, public} - {""}

    return allowed


def _track(key) -> None:
    broadcast.track(key, request.sid)


def on_connect(auth=None):
    """A screen connects: refused unless `auth` names a screen it may open; else its rooms and snapshot."""
    if not isinstance(auth, dict):
        raise ConnectionRefusedError("say which screen in auth")
    db = database.open_db(current_app.config["DB"])
    try:
        name, snapshot = _connect_screen(db, auth)
    finally:
        db.close()
    emit(name, snapshot)


def on_disconnect(reason=None):
    """A connection closed: forget it (and the print agent it may have been)."""
    broadcast.forget(request.sid)
    desk_push.unwatch(request.sid)
    region_push.unwatch(request.sid)
    printing.agent_disconnected(request.sid)


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
