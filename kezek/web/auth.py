"""Who is calling: device tokens, cookie sessions with CSRF, roles, the office in play; the shared rate limits."""
from __future__ import annotations

import functools
import os
import secrets
import threading
import time
from datetime import timedelta

from flask import current_app, g, request, session

from kezek.base.clock import utcnow
from kezek.base.errors import KezekError, NotFound
from kezek.office import accounts, sessions
from kezek.office import store as office_store

LEVELS = ("public", "kiosk", "display", "operator", "manager", "admin", "region_admin")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class Unauthorised(KezekError):
    """No or bad credentials."""

    status = 401
    code = "unauthorised"


class Forbidden(KezekError):
    """The wrong role, or a cookie write without a valid CSRF token."""

    status = 403
    code = "forbidden"


class TooMany(KezekError):
    """A rate limit was hit."""

    status = 429
    code = "rate_limited"


def load_identity(db) -> None:
    """Resolve g.device (Bearer token) or g.user (the server-side session named by the cookie) for this request."""
    g.device = g.user = g.session = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        g.device = accounts.device_by_token(db, header[7:].strip())
        g.bearer_given = True
        return
    g.bearer_given = False
    if session:
        g.session = sessions.current(db, session.get("sid"), _now(), lifetime())
        if g.session is not None:
            g.user = g.session.user
        else:
            session.clear()


def _now():
    # As kezek.web.context.now (a sibling layer: not imported here); tests may set app.config['CLOCK'].
    clock = current_app.config.get("CLOCK")
    return clock() if clock else utcnow()


def lifetime() -> sessions.Lifetime:
    """KEZEK_SESSION_HOURS from sign-in, KEZEK_SESSION_IDLE_MINUTES unused."""
    return sessions.Lifetime(absolute=timedelta(hours=int(current_app.config["SESSION_HOURS"])),
                             idle=timedelta(minutes=int(current_app.config["SESSION_IDLE_MINUTES"])))


def start_session(db, user: dict) -> str:
    """Open a server-side session for a user (the cookie carries only its id); returns its CSRF token."""
    session.clear()
    session.permanent = True
    session["sid"], csrf = sessions.start(db, user["id"], _now(), lifetime())
    return csrf


def end_session(db) -> str | None:
    """Sign out: the session ends on the server, the cookie is cleared; the key of its live connections."""
    key = sessions.end(db, session.get("sid"), _now())
    session.clear()
    return key


def csrf_token() -> str:
    """The CSRF token of this request's session ('' without one)."""
    return g.session.csrf if getattr(g, "session", None) else ""


def allowed(levels: tuple[str, ...]) -> bool:
    """Whether the current caller meets one of the access levels."""
    for level in levels:
        if level == "public":
            return True
        if level in ("kiosk", "display") and g.device and g.device["kind"] == level:
            return True
        if level in ("operator", "manager", "admin", "region_admin") and accounts.has_role(g.user, level):
            return True
    return False


def access(*levels: str):
    """Declare who may call a view; checked before any input is read."""
    assert levels and all(level in LEVELS for level in levels), levels

    def wrap(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            if not allowed(levels):
                if g.device is None and g.user is None:
                    raise Unauthorised("Sign in, or use a valid device token.")
                raise Forbidden("Your role does not allow this.")
            # A route open to everyone uses no authority of the session: no CSRF token needed
            # (signing in again, cancelling one's ticket from a browser a clerk is signed in on).
            if levels != ("public",) and g.user is not None and g.device is None and request.method in WRITE_METHODS:
                token = request.headers.get("X-CSRF-Token", "")
                if not token or not secrets.compare_digest(token, csrf_token()):
                    raise Forbidden("Missing or wrong CSRF token: reload the page.", "csrf")
            return view(*args, **kwargs)

        checked.kezek_access = levels
        return checked

    return wrap


def office_id(db) -> str:
    """The office of this request: the device's, else ?office=, else the only one."""
    if g.device:
        return g.device["office_id"]
    wanted = request.args.get("office")
    if wanted:
        if not office_store.office(db, wanted):
            raise NotFound("No such office.", "office_not_found")
        if g.user and wanted not in g.user["offices"]:
            raise Forbidden("You do not work in this office.")
        return wanted
    offices = office_store.offices(db)
    if g.user:
        offices = [o for o in offices if o["id"] in g.user["offices"]]
    if len(offices) == 1:
        return offices[0]["id"]
    if not offices:
        raise KezekError("No office is set up yet: run `python server.py create-office` (or `demo`).", "no_office")
    raise KezekError("Several offices: say which with ?office=.", "office_required")


class SlidingWindow:
    """Counts events per key in the last `window` seconds (in memory: one server process)."""

    def __init__(self, window: float = 60.0):
        self.window = window
        self.hits: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def hit(self, key: str, limit: int) -> bool:
        """Record one event; False when `limit` events already happened in the window."""
        now = time.monotonic()
        with self.lock:
            if len(self.hits) > 10000:
                # Months of visitors' addresses: forget the keys with nothing in the window.
                self.hits = {k: v for k, v in self.hits.items() if v and now - v[-1] < self.window}
            recent = [t for t in self.hits.get(key, []) if now - t < self.window]
            if limit and len(recent) >= limit:
                self.hits[key] = recent
                return False
            recent.append(now)
            self.hits[key] = recent
            return True

    def count(self, key: str) -> int:
        """Events for `key` within the window."""
        now = time.monotonic()
        with self.lock:
            return sum(1 for t in self.hits.get(key, []) if now - t < self.window)

    def clear(self, key: str) -> None:
        """Forget a key (a successful login clears its failures)."""
        with self.lock:
            self.hits.pop(key, None)


def client_ip() -> str:
    """The caller's address (behind a proxy, configure ProxyFix)."""
    return request.remote_addr or "?"


def issue_limit() -> int:
    """Tickets a kiosk may issue a minute (0: no limit)."""
    return int(current_app.config["ISSUE_RATE_LIMIT"])


# The ticket-lookup budget per address, shared by the ticket API, the ticket page, its QR code and its
# live connection: a 404 on any of them must not become a token oracle.
token_lookups = SlidingWindow(window=60)


def lookup_allowed() -> bool:
    """One more ticket lookup from this address; False over the limit."""
    return token_lookups.hit(f"ip:{client_ip()}", current_app.config["TICKET_LOOKUPS_PER_MINUTE"])


# Limits of the public booking pages and API (per address; a kiosk's failed check-ins per device).
BOOKING_LIMITS = {"BOOKINGS_PER_HOUR": 6, "BOOKING_LOOKUPS_PER_10_MIN": 30, "SLOT_READS_PER_MINUTE": 120,
                  "CHECKIN_FAILURES_PER_MINUTE": 20}
# A booking code's lookups in ten minutes, shared by the bookings API and the booking's QR code.
lookups_per_ip = SlidingWindow(window=600)


def booking_limit(name: str) -> int:
    """A booking rate limit: app config, else KEZEK_<name>, else the default (0 turns it off)."""
    value = current_app.config.get(name, os.environ.get(f"KEZEK_{name}"))
    return int(value) if value is not None else BOOKING_LIMITS[name]
