"""Who is calling: device tokens, cookie sessions with CSRF, roles, the office in play; the shared rate limits' budgets."""
from __future__ import annotations

import functools
import os
import secrets
from datetime import timedelta

from flask import current_app, g, request, session

from kezek.base.clock import utcnow
from kezek.base.errors import KezekError, NotFound
from kezek.office import accounts, sessions
from kezek.office import store as office_store
from kezek.web.rate_limits import Budget

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
    """A rate limit was hit; `retry_after` seconds until it lets one more through (the Retry-After header)."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, code: str | None = None, *, retry_after: int | None = None, **details):
        super().__init__(message, code, **details)
        self.retry_after = retry_after


def spend(budget: Budget, key: str, message: str, code: str) -> None:
    """Spend one event of a rate limit's budget, or refuse with 429 and Retry-After."""
    if not budget.hit(key):
        raise TooMany(message, code, retry_after=budget.retry_after(key))


def refuse_when_exhausted(budget: Budget, key: str, message: str, code: str) -> None:
    """Refuse with 429 and Retry-After when the budget is used up (spending nothing: failures are counted apart)."""
    if budget.exhausted(key):
        raise TooMany(message, code, retry_after=budget.retry_after(key))


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


def client_ip() -> str:
    """The caller's address (behind a proxy, configure ProxyFix)."""
    return request.remote_addr or "?"


def issue_limit() -> int:
    """Tickets a kiosk may issue a minute (0: no limit)."""
    return int(current_app.config["ISSUE_RATE_LIMIT"])


# The ticket-lookup budget per address, shared by the ticket API, the ticket page, its QR code and its
# live connection: a 404 on any of them must not become a token oracle.
token_lookups = Budget("ticket_lookups", 60, lambda: current_app.config["TICKET_LOOKUPS_PER_MINUTE"])


def lookup_key() -> str:
    """The ticket-lookup budget's key: this caller's address."""
    return f"ip:{client_ip()}"


def lookup_allowed() -> bool:
    """One more ticket lookup from this address; False over the limit."""
    return token_lookups.hit(lookup_key())


def spend_lookup() -> None:
    """One more ticket lookup from this address, or 429 with Retry-After."""
    spend(token_lookups, lookup_key(), "Too many requests: wait a minute.", "lookup_rate_limited")


# Limits of the public booking pages and API (per address; a kiosk's failed check-ins per device).
BOOKING_LIMITS = {"BOOKINGS_PER_HOUR": 6, "BOOKING_LOOKUPS_PER_10_MIN": 30, "SLOT_READS_PER_MINUTE": 120,
                  "CHECKIN_FAILURES_PER_MINUTE": 20}
# A booking code's lookups in ten minutes, shared by the bookings API and the booking's QR code.
lookups_per_ip = Budget("booking_lookups", 600, lambda: booking_limit("BOOKING_LOOKUPS_PER_10_MIN"))


def booking_limit(name: str) -> int:
    """A booking rate limit: app config, else KEZEK_<name>, else the default (0 turns it off)."""
    value = current_app.config.get(name, os.environ.get(f"KEZEK_{name}"))
    return int(value) if value is not None else BOOKING_LIMITS[name]
