"""Sign-in sessions kept on the server: the cookie holds only an id; logout, disabling and a new password end them."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from kezek.base import database
from kezek.base.clock import iso, parse
from kezek.office import accounts, store

TOUCH_EVERY = timedelta(seconds=60)   # the idle clock is kept to the minute: no write on every request


@dataclass(frozen=True)
class Lifetime:
    """How long a session may last from sign-in (absolute) and unused (idle)."""

    absolute: timedelta
    idle: timedelta


@dataclass(frozen=True)
class Session:
    """A live session: whose, and the CSRF token its page writes must send."""

    user: dict
    csrf: str
    key: str   # the hash of its id: names its live connections


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def start(db, user_id: int, now: datetime, lifetime: Lifetime) -> tuple[str, str]:
    """Open a session for a user; (the id for the cookie, its CSRF token). Sessions long unusable are forgotten."""
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    with database.transaction(db):
        store.forget_sessions_before(db, iso(now - lifetime.absolute - timedelta(days=1)))
        store.insert_session(db, _hash(session_id), user_id, csrf, iso(now))
    return session_id, csrf


def current(db, session_id: str | None, now: datetime, lifetime: Lifetime) -> Session | None:
    """The live session with this id, or None (unknown, ended, too old, idle too long, user disabled)."""
    if not session_id or not isinstance(session_id, str):
        return None
    key = _hash(session_id)
    row = store.open_session(db, key)
    if row is None:
        return None
    user = accounts.get_user(db, row["user_id"])
    expired = (now - parse(row["created_at"]) >= lifetime.absolute or now - parse(row["seen_at"]) >= lifetime.idle)
    if expired or not user or not user["active"]:
        with database.transaction(db):
            store.end_session(db, key, iso(now))
        return None
    if now - parse(row["seen_at"]) >= TOUCH_EVERY:
        with database.transaction(db):
            store.touch_session(db, key, iso(now))
    return Session(user, row["csrf"], key)


def end(db, session_id: str | None, now: datetime) -> str | None:
    """End a session (logout); the key of its live connections, or None."""
    if not session_id or not isinstance(session_id, str):
        return None
    with database.transaction(db):
        store.end_session(db, _hash(session_id), iso(now))
    return _hash(session_id)

