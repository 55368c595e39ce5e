"""Users (operators, managers, admins) and devices (kiosks, displays) with their tokens."""
from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import datetime

from werkzeug.security import check_password_hash, generate_password_hash

from kezek.base import database
from kezek.base.clock import iso
from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.log import chain
from kezek.printers.routes import printer_route

ROLES = ("operator", "manager", "admin")
RANK = {"operator": 1, "manager": 2, "admin": 3}
DEVICE_KINDS = ("kiosk", "display")
# werkzeug's default (scrypt); tests may choose a cheaper method to stay fast.
PASSWORD_METHOD = "scrypt"
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")


def token_hash(token: str) -> str:
    """Devices' tokens are stored hashed: a copied database does not give working tokens."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def generate_password() -> str:
    """A random password that is easy to type from a printout."""
    return secrets.token_urlsafe(9)


def create_user(db, username: str, role: str, now: datetime, *, password: str | None = None,
                offices: list[str] | None = None, by_user_id: int | None = None) -> tuple[dict, str]:
    """Create a user; returns (user, password) — a generated password when none is given."""
    if not USERNAME.match(username or ""):
        raise Invalid("A user name is 2–40 letters, digits, dots, dashes or underscores.", "bad_username")
    if role not in ROLES:
        raise Invalid("Unknown role.", "bad_role", allowed=list(ROLES))
    password = password or generate_password()
    if len(password) < 8:
        raise Invalid("A password needs at least 8 characters.", "weak_password")
    with database.transaction(db):
        if database.scalar(db, "SELECT 1 FROM users WHERE username = ?", (username,)):
            raise Conflict("That user name is taken.", "username_taken")
        user_id = db.execute(
            "INSERT INTO users (username, password_hash, role, active, created_at) VALUES (?, ?, ?, 1, ?)",
            (username, generate_password_hash(password, method=PASSWORD_METHOD), role, iso(now))).lastrowid
        office_ids = offices if offices is not None else [o["id"] for o in db.query("SELECT id FROM offices")]
        for office_id in office_ids:
            db.execute("INSERT INTO user_offices (user_id, office_id) VALUES (?, ?)", (user_id, office_id))
            chain.append(db, now, office_id, "user.created", user_id=by_user_id,
                         details={"username": username, "role": role})
    return get_user(db, user_id), password


def get_user(db, user_id: int) -> dict | None:
    """A user without the password hash, with the offices they work in."""
    row = database.one(db, "SELECT id, username, role, active, created_at FROM users WHERE id = ?", (user_id,))
    if row:
        row["offices"] = [r["office_id"] for r in db.query(
            "SELECT office_id FROM user_offices WHERE user_id = ? ORDER BY office_id", (user_id,))]
    return row


def password_epoch(db, user_id: int) -> str:
    """A short fingerprint of the user's password: sessions opened before a change end."""
    value = database.scalar(db, "SELECT password_hash FROM users WHERE id = ?", (user_id,))
    return hashlib.sha256(value.encode()).hexdigest()[:16] if value else ""


def list_users(db) -> list[dict]:
    """All users, without password hashes."""
    return [get_user(db, r["id"]) for r in db.query("SELECT id FROM users ORDER BY username")]


def authenticate(db, username: str, password: str) -> dict | None:
    """The active user with these credentials, or None."""
    row = database.one(db, "SELECT id, password_hash, active FROM users WHERE username = ?", (username or "",))
    if not row or not row["active"] or not check_password_hash(row["password_hash"], password or ""):
        return None
    return get_user(db, row["id"])


def update_user(db, user_id: int, now: datetime, *, role: str | None = None, active: bool | None = None,
                password: str | None = None, by_user_id: int | None = None) -> dict:
    """Change a user's role, active flag or password."""
    if role is not None and role not in ROLES:
        raise Invalid("Unknown role.", "bad_role", allowed=list(ROLES))
    if password is not None and len(password) < 8:
        raise Invalid("A password needs at least 8 characters.", "weak_password")
    with database.transaction(db):
        user = get_user(db, user_id)
        if user is None:
            raise NotFound("No such user.", "user_not_found")
        if role is not None:
            db.execute("UPDATE users SET role = ? WHERE id = ?", (role, user_id))
        if active is not None:
            db.execute("UPDATE users SET active = ? WHERE id = ?", (int(bool(active)), user_id))
        if password is not None:
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                       (generate_password_hash(password, method=PASSWORD_METHOD), user_id))
        for office_id in user["offices"]:
            chain.append(db, now, office_id, "user.changed", user_id=by_user_id,
                         details={"username": user["username"], "role": role, "active": active,
                                  "password_reset": password is not None})
    return get_user(db, user_id)


def create_device(db, office_id: str, kind: str, name: str, now: datetime, *, printer_url: str = "none",
                  settings: dict | None = None, by_user_id: int | None = None) -> tuple[dict, str]:
    """Create a kiosk or display; returns (device, token). The token is shown only now."""
    if kind not in DEVICE_KINDS:
        raise Invalid("A device is a kiosk or a display.", "bad_kind", allowed=list(DEVICE_KINDS))
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise Invalid("A device needs a name (80 characters at most).", "bad_name")
    _check_printer_url(printer_url)
    token = secrets.token_urlsafe(24)
    with database.transaction(db):
        if not database.scalar(db, "SELECT 1 FROM offices WHERE id = ?", (office_id,)):
            raise NotFound("No such office.", "office_not_found")
        device_id = db.execute(
            "INSERT INTO devices (office_id, kind, name, token_hash, printer_url, settings, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (office_id, kind, name, token_hash(token), printer_url or "none",
             json.dumps(settings or {}, ensure_ascii=False), iso(now))).lastrowid
        chain.append(db, now, office_id, "device.created", device_id=device_id, user_id=by_user_id,
                     details={"kind": kind, "name": name})
    return get_device(db, device_id), token


def _check_printer_url(printer_url: str | None) -> None:
    """Refuse a printer URL the kiosk could never print with (it would only show up later)."""
    route = printer_route(printer_url)
    if route.error:
        raise Invalid(f"printer_url: {route.error}", "bad_printer_url", field="printer_url")


def _device_row(row: dict | None) -> dict | None:
    if row:
        row = dict(row)
        row.pop("token_hash", None)
        row["settings"] = json.loads(row["settings"] or "{}")
    return row


def get_device(db, device_id: int) -> dict | None:
    """A device without its token hash."""
    return _device_row(database.one(db, "SELECT * FROM devices WHERE id = ?", (device_id,)))


def device_by_token(db, token: str) -> dict | None:
    """The active (not revoked) device with this token, or None."""
    if not token:
        return None
    return _device_row(database.one(db, "SELECT * FROM devices WHERE token_hash = ? AND revoked_at IS NULL",
                                 (token_hash(token),)))


def list_devices(db, office_id: str | None = None) -> list[dict]:
    """Devices, optionally of one office."""
    if office_id:
        rows = db.query("SELECT * FROM devices WHERE office_id = ? ORDER BY id", (office_id,))
    else:
        rows = db.query("SELECT * FROM devices ORDER BY id")
    return [_device_row(r) for r in rows]


def update_device(db, device_id: int, now: datetime, *, name: str | None = None,
                  printer_url: str | None = None, settings: dict | None = None,
                  by_user_id: int | None = None) -> dict:
    """Change a device's name, printer or settings."""
    with database.transaction(db):
        device = get_device(db, device_id)
        if device is None:
            raise NotFound("No such device.", "device_not_found")
        if name is not None:
            if not name.strip() or len(name) > 80:
                raise Invalid("A device needs a name (80 characters at most).", "bad_name")
            db.execute("UPDATE devices SET name = ? WHERE id = ?", (name.strip(), device_id))
        if printer_url is not None:
            _check_printer_url(printer_url)
            db.execute("UPDATE devices SET printer_url = ? WHERE id = ?", (printer_url or "none", device_id))
            if (printer_url or "none") != device["printer_url"]:
                # The old printer's state says nothing of the new one: unknown until it is read.
                db.execute("DELETE FROM printer_state WHERE device_id = ?", (device_id,))
        if settings is not None:
            db.execute("UPDATE devices SET settings = ? WHERE id = ?",
                       (json.dumps(settings, ensure_ascii=False), device_id))
        chain.append(db, now, device["office_id"], "device.changed", device_id=device_id,
                     user_id=by_user_id, details={"name": name, "printer_url": printer_url})
    return get_device(db, device_id)


def revoke_device(db, device_id: int, now: datetime, *, by_user_id: int | None = None) -> dict:
    """Revoke a device: its token stops working at once."""
    with database.transaction(db):
        device = get_device(db, device_id)
        if device is None:
            raise NotFound("No such device.", "device_not_found")
        db.execute("UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                   (iso(now), device_id))
        chain.append(db, now, device["office_id"], "device.revoked", device_id=device_id,
                     user_id=by_user_id, details={"name": device["name"]})
    return get_device(db, device_id)


def has_role(user: dict | None, role: str) -> bool:
    """Whether a user's role is at least `role` (admin > manager > operator)."""
    return bool(user) and RANK.get(user["role"], 0) >= RANK[role]
