"""Users (operators, managers, admins) and devices (kiosks, displays) with their tokens."""
from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import datetime

from werkzeug.security import check_password_hash, generate_password_hash

from kezek.base import database
from kezek.base import store as base_store
from kezek.base.clock import iso
from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.log import chain
from kezek.office import store
from kezek.region import store as region_store
from kezek.printers.guard import DEFAULT_PORTS
from kezek.printers.routes import printer_route, server_target_error

ROLES = ("operator", "manager", "admin", "region_admin")
RANK = {"operator": 1, "manager": 2, "admin": 3, "region_admin": 4}
REGION_ADMIN = "region_admin"    # stored as role 'admin' plus a region_admins row: above every office's admins
DEVICE_KINDS = ("kiosk", "display")
# werkzeug's default (scrypt); tests may choose a cheaper method to stay fast.
PASSWORD_METHOD = "scrypt"
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")
FULL_NAME_LIMIT = 120


def token_hash(token: str) -> str:
    """Devices' tokens are stored hashed: a copied database does not give working tokens."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def generate_password() -> str:
    """A random password that is easy to type from a printout."""
    return secrets.token_urlsafe(9)


def _full_name(full_name) -> str:
    if not isinstance(full_name, str) or len(full_name.strip()) > FULL_NAME_LIMIT:
        raise Invalid("A full name is text of at most 120 characters.", "bad_full_name",
                      field="full_name")
    return " ".join(full_name.split())


def create_user(db, username: str, role: str, now: datetime, *, password: str | None = None,
                offices: list[str] | None = None, by_user_id: int | None = None,
                full_name: str | None = None) -> tuple[dict, str]:
    """Create a user; returns (user, password) — a generated password when none is given."""
    full_name = _full_name(full_name) if full_name is not None else ""
    if not USERNAME.match(username or ""):
        raise Invalid("A user name is 2–40 letters, digits, dots, dashes or underscores.", "bad_username")
    if role not in ROLES:
        raise Invalid("Unknown role.", "bad_role", allowed=list(ROLES))
    password = password or generate_password()
    if len(password) < 8:
        raise Invalid("A password needs at least 8 characters.", "weak_password")
    with database.transaction(db):
        if store.username_taken(db, username):
            raise Conflict("That user name is taken.", "username_taken")
        stored_role = "admin" if role == REGION_ADMIN else role
        user_id = store.insert_user(db, username, generate_password_hash(password, method=PASSWORD_METHOD),
                                    stored_role, iso(now))
        if full_name:
            store.set_full_name(db, user_id, full_name)
        if role == REGION_ADMIN:
            region_store.set_region_admin(db, user_id, True)   # works in every office, present and future
        office_ids = offices if offices is not None and role != REGION_ADMIN else store.office_ids(db)
        for office_id in office_ids:
            if role != REGION_ADMIN:
                store.add_user_office(db, user_id, office_id)
            chain.append(db, now, office_id, "user.created", user_id=by_user_id,
                         details={"username": username, "role": role,
                                  **({"full_name": full_name} if full_name else {})})
    return get_user(db, user_id), password


def adopt_unplaced_admins(db, office_id: str, now: datetime) -> list[str]:
    """Let admins who work in no office yet (made before the first office) work in this one; their names."""
    with database.transaction(db):
        names = []
        for user_id in store.users_without_office(db, role="admin"):
            if region_store.is_region_admin(db, user_id):
                continue      # a region admin works in every office already
            store.add_user_office(db, user_id, office_id)
            names.append(store.user(db, user_id)["username"])
            chain.append(db, now, office_id, "user.changed", details={"username": names[-1], "offices": [office_id]})
    return names


def get_user(db, user_id: int) -> dict | None:
    """A user without the password hash, with the offices they work in."""
    row = store.user(db, user_id)
    if row:
        if row["role"] == "admin" and region_store.is_region_admin(db, user_id):
            row["role"], row["offices"] = REGION_ADMIN, sorted(store.office_ids(db))
        else:
            row["offices"] = store.user_office_ids(db, user_id)
    return row


def password_epoch(db, user_id: int) -> str:
    """A short fingerprint of the user's password: sessions opened before a change end."""
    value = store.password_hash(db, user_id)
    return hashlib.sha256(value.encode()).hexdigest()[:16] if value else ""


def list_users(db) -> list[dict]:
    """All users, without password hashes."""
    return [get_user(db, user_id) for user_id in store.user_ids(db)]


# Checked when the name is unknown, so that an unknown name costs the same hashing as a known one.
_DUMMY_HASH: dict[str, str] = {}


def _dummy_hash() -> str:
    if PASSWORD_METHOD not in _DUMMY_HASH:
        _DUMMY_HASH[PASSWORD_METHOD] = generate_password_hash(secrets.token_urlsafe(12), method=PASSWORD_METHOD)
    return _DUMMY_HASH[PASSWORD_METHOD]


def authenticate(db, username: str, password: str) -> dict | None:
    """The active user with these credentials, or None; as slow for an unknown name as for a known one."""
    row = store.user_by_name(db, username or "")
    matches = check_password_hash(row["password_hash"] if row else _dummy_hash(), password or "")
    if not row or not row["active"] or not matches:
        return None
    return get_user(db, row["id"])


def within_scope(user: dict, offices) -> bool:
    """Whether every office of `user` is among `offices` (an admin may change only such a user)."""
    return set(user["offices"]) <= set(offices)


def update_user(db, user_id: int, now: datetime, *, role: str | None = None, active: bool | None = None,
                password: str | None = None, by_user_id: int | None = None, full_name: str | None = None) -> dict:
    """Change a user's role, active flag, password or full name."""
    full_name = _full_name(full_name) if full_name is not None else None
    if role is not None and role not in ROLES:
        raise Invalid("Unknown role.", "bad_role", allowed=list(ROLES))
    if password is not None and len(password) < 8:
        raise Invalid("A password needs at least 8 characters.", "weak_password")
    with database.transaction(db):
        user = get_user(db, user_id)
        if user is None:
            raise NotFound("No such user.", "user_not_found")
        if role is not None:
            store.set_user_role(db, user_id, "admin" if role == REGION_ADMIN else role)
            region_store.set_region_admin(db, user_id, role == REGION_ADMIN)
            if user["role"] == REGION_ADMIN and role != REGION_ADMIN:
                for office_id in store.office_ids(db):    # an office role needs offices: keep them all
                    if office_id not in store.user_office_ids(db, user_id):
                        store.add_user_office(db, user_id, office_id)
        if active is not None:
            store.set_user_active(db, user_id, active)
        if password is not None:
            store.set_user_password(db, user_id, generate_password_hash(password, method=PASSWORD_METHOD))
        if full_name is not None:
            store.set_full_name(db, user_id, full_name)
        if password is not None or active is False:
            store.end_user_sessions(db, user_id, iso(now))   # every browser signed in as them signs in again
        for office_id in user["offices"]:
            chain.append(db, now, office_id, "user.changed", user_id=by_user_id,
                         details={"username": user["username"], "role": role, "active": active,
                                  "password_reset": password is not None,
                                  **({"full_name": full_name} if full_name is not None else {})})
    return get_user(db, user_id)


def printer_ports(db, office_id: str) -> tuple[int, ...]:
    """The TCP ports the server may print to for this office's kiosks (default 9100)."""
    text = base_store.get_setting(db, f"printer_ports:{office_id}")
    return tuple(int(p) for p in text.split(",")) if text else DEFAULT_PORTS


def set_printer_ports(db, office_id: str, ports, now: datetime, *, by_user_id: int | None = None) -> tuple:
    """Set the office's printer ports (a list of 1–65535, at most 8)."""
    if (not isinstance(ports, list) or not 1 <= len(ports) <= 8
            or not all(isinstance(p, int) and not isinstance(p, bool) and 0 < p < 65536 for p in ports)):
        raise Invalid("printer_ports: a list of 1 to 8 TCP ports.", "bad_field", field="printer_ports")
    with database.transaction(db):
        base_store.set_setting(db, f"printer_ports:{office_id}", ",".join(str(p) for p in sorted(set(ports))))
        chain.append(db, now, office_id, "office.changed", user_id=by_user_id, details={"printer_ports": ports})
    return printer_ports(db, office_id)


def create_device(db, office_id: str, kind: str, name: str, now: datetime, *, printer_url: str = "none",
                  settings: dict | None = None, by_user_id: int | None = None,
                  allow_local_printer: bool = False) -> tuple[dict, str]:
    """Create a kiosk or display; returns (device, token). The token is shown only now."""
    if kind not in DEVICE_KINDS:
        raise Invalid("A device is a kiosk or a display.", "bad_kind", allowed=list(DEVICE_KINDS))
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise Invalid("A device needs a name (80 characters at most).", "bad_name")
    _check_printer_url(db, office_id, printer_url, allow_local_printer)
    token = secrets.token_urlsafe(24)
    with database.transaction(db):
        if not store.office_exists(db, office_id):
            raise NotFound("No such office.", "office_not_found")
        device_id = store.insert_device(db, office_id, kind, name, token_hash(token), printer_url or "none",
                                        json.dumps(settings or {}, ensure_ascii=False), iso(now))
        chain.append(db, now, office_id, "device.created", device_id=device_id, user_id=by_user_id,
                     details={"kind": kind, "name": name})
    return get_device(db, device_id), token


def _check_printer_url(db, office_id: str, printer_url: str | None, allow_local: bool) -> None:
    """Refuse a printer URL the kiosk could never print with, or one the server must not drive."""
    route = printer_route(printer_url)
    error = route.error or server_target_error(route, printer_ports(db, office_id), allow_local=allow_local)
    if error:
        raise Invalid(f"printer_url: {error}", "bad_printer_url", field="printer_url")


def _device_row(row: dict | None) -> dict | None:
    if row:
        row = dict(row)
        row.pop("token_hash", None)
        row["settings"] = json.loads(row["settings"] or "{}")
    return row


def get_device(db, device_id: int) -> dict | None:
    """A device without its token hash."""
    return _device_row(store.device(db, device_id))


def device_by_token(db, token: str) -> dict | None:
    """The active (not revoked) device with this token, or None."""
    if not token:
        return None
    return _device_row(store.device_by_token_hash(db, token_hash(token)))


def list_devices(db, office_id: str | None = None) -> list[dict]:
    """Devices, optionally of one office."""
    rows = store.devices_of_office(db, office_id) if office_id else store.all_devices(db)
    return [_device_row(r) for r in rows]


def update_device(db, device_id: int, now: datetime, *, name: str | None = None,
                  printer_url: str | None = None, settings: dict | None = None,
                  by_user_id: int | None = None, allow_local_printer: bool = False) -> dict:
    """Change a device's name, printer or settings."""
    with database.transaction(db):
        device = get_device(db, device_id)
        if device is None:
            raise NotFound("No such device.", "device_not_found")
        if name is not None:
            if not name.strip() or len(name) > 80:
                raise Invalid("A device needs a name (80 characters at most).", "bad_name")
            store.set_device_name(db, device_id, name.strip())
        if printer_url is not None:
            _check_printer_url(db, device["office_id"], printer_url, allow_local_printer)
            store.set_device_printer_url(db, device_id, printer_url or "none")
            if (printer_url or "none") != device["printer_url"]:
                # The old printer's state says nothing of the new one: unknown until it is read.
                store.forget_printer_state(db, device_id)
        if settings is not None:
            store.set_device_settings(db, device_id, json.dumps(settings, ensure_ascii=False))
        chain.append(db, now, device["office_id"], "device.changed", device_id=device_id,
                     user_id=by_user_id, details={"name": name, "printer_url": printer_url})
    return get_device(db, device_id)


def revoke_device(db, device_id: int, now: datetime, *, by_user_id: int | None = None) -> dict:
    """Revoke a device: its token stops working at once."""
    with database.transaction(db):
        device = get_device(db, device_id)
        if device is None:
            raise NotFound("No such device.", "device_not_found")
        store.revoke_device(db, device_id, iso(now))
        chain.append(db, now, device["office_id"], "device.revoked", device_id=device_id,
                     user_id=by_user_id, details={"name": device["name"]})
    return get_device(db, device_id)


def has_role(user: dict | None, role: str) -> bool:
    """Whether a user's role is at least `role` (admin > manager > operator)."""
    return bool(user) and RANK.get(user["role"], 0) >= RANK[role]
