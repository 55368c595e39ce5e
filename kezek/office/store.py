"""The SQL of the office: offices, services, desks, users and devices."""
from __future__ import annotations

from kezek.base import database

# The columns config may write: the fields an office or a service is configured with.
SERVICE_COLUMNS = ("prefix", "name_kk", "name_ru", "name_en", "group_kk", "group_ru", "group_en",
                   "active", "daily_limit", "opens", "closes", "target_wait_s", "sort_order")
OFFICE_COLUMNS = ("name_kk", "name_ru", "name_en", "timezone", "languages", "default_lang", "ticker_kk",
                  "ticker_ru", "ticker_en", "target_wait_s", "priority_wait_limit_s", "opens", "closes")


# Offices, services, desks as they are read (an office with closed_at: None while it is open)
_OFFICE = "SELECT o.*, c.closed_at FROM offices o LEFT JOIN office_closures c ON c.office_id = o.id"

def office(db, office_id: str) -> dict | None:
    """One office row."""
    return database.one(db, f"{_OFFICE} WHERE o.id = ?", (office_id,))


def offices(db) -> list[dict]:
    """All offices, closed ones too (their history stays readable)."""
    return database.rows(db, f"{_OFFICE} ORDER BY o.id")


def service(db, service_id: int) -> dict | None:
    """One service row."""
    return database.one(db, "SELECT * FROM services WHERE id = ?", (service_id,))


def services(db, office_id: str) -> list[dict]:
    """An office's services in display order."""
    return database.rows(db, "SELECT * FROM services WHERE office_id = ? ORDER BY sort_order, prefix",
                         (office_id,))


def desk(db, desk_id: int) -> dict | None:
    """One desk row with the ids of the services it serves."""
    row = database.one(db, "SELECT * FROM desks WHERE id = ?", (desk_id,))
    if row:
        row["service_ids"] = [r["service_id"] for r in database.rows(
            db, "SELECT service_id FROM desk_services WHERE desk_id = ? ORDER BY service_id", (desk_id,))]
    return row


def desks(db, office_id: str) -> list[dict]:
    """An office's desks, each with its service ids."""
    rows = database.rows(db, "SELECT * FROM desks WHERE office_id = ? ORDER BY id", (office_id,))
    links: dict[int, list[int]] = {}
    for r in database.rows(
            db, "SELECT ds.desk_id, ds.service_id FROM desk_services ds JOIN desks d ON d.id = ds.desk_id"
            " WHERE d.office_id = ? ORDER BY ds.service_id", (office_id,)):
        links.setdefault(r["desk_id"], []).append(r["service_id"])
    for row in rows:
        row["service_ids"] = links.get(row["id"], [])
    return rows


def _columns(values: dict, allowed: tuple) -> list[str]:
    """The keys of `values`, each one of the `allowed` column names (no other text reaches the SQL)."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"not a column: {', '.join(sorted(unknown))}")
    return list(values)


# Offices

def office_exists(db, office_id: str) -> bool:
    """Whether there is an office with this id."""
    return bool(database.scalar(db, "SELECT 1 FROM offices WHERE id = ?", (office_id,)))


def office_ids(db) -> list[str]:
    """The ids of all offices."""
    return [r["id"] for r in database.rows(db, "SELECT id FROM offices")]


def insert_office(db, office_id: str, values: dict) -> None:
    """Add an office row with these configured columns (OFFICE_COLUMNS)."""
    cols = ["id", *_columns(values, OFFICE_COLUMNS)]
    db.execute(f"INSERT INTO offices ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
               [office_id, *values.values()])


def set_office_fields(db, office_id: str, values: dict) -> None:
    """Change some configured columns (OFFICE_COLUMNS) of an office."""
    sets = ", ".join(f"{k} = ?" for k in _columns(values, OFFICE_COLUMNS))
    db.execute(f"UPDATE offices SET {sets} WHERE id = ?", [*values.values(), office_id])


# Services

def prefixes(db, office_id: str, *, other_than: int | None = None) -> list[str]:
    """The prefixes of an office's services (other than `other_than`)."""
    return [r["prefix"] for r in database.rows(
        db, "SELECT prefix FROM services WHERE office_id = ? AND id IS NOT ? ORDER BY prefix",
        (office_id, other_than))]


def official_names(db, service_id: int) -> dict:
    """A service's official names, official_name_kk/ru/en ('' when none is set)."""
    row = database.one(db, "SELECT name_kk, name_ru, name_en FROM service_official_names WHERE service_id = ?",
                       (service_id,)) or {}
    return {f"official_name_{lang}": row.get(f"name_{lang}", "") for lang in ("kk", "ru", "en")}


def official_names_of_office(db, office_id: str) -> dict[int, dict]:
    """service id -> its official names, for an office's services that have them."""
    return {r.pop("service_id"): {f"official_name_{k[5:]}": v for k, v in r.items()} for r in database.rows(
        db, "SELECT o.service_id, o.name_kk, o.name_ru, o.name_en FROM service_official_names o"
            " JOIN services s ON s.id = o.service_id WHERE s.office_id = ?", (office_id,))}


def save_official_names(db, service_id: int, names: dict) -> None:
    """Set some of a service's official names (official_name_kk/ru/en)."""
    current = official_names(db, service_id) | names
    db.execute("INSERT INTO service_official_names (service_id, name_kk, name_ru, name_en) VALUES (?, ?, ?, ?)"
               " ON CONFLICT (service_id) DO UPDATE SET name_kk = excluded.name_kk, name_ru = excluded.name_ru,"
               " name_en = excluded.name_en",
               (service_id, current["official_name_kk"], current["official_name_ru"], current["official_name_en"]))


def insert_service(db, office_id: str, values: dict) -> int:
    """Add a service with these configured columns (SERVICE_COLUMNS); returns its id."""
    cols = ["office_id", *_columns(values, SERVICE_COLUMNS)]
    return db.execute(f"INSERT INTO services ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                      [office_id, *values.values()]).lastrowid


def set_service_fields(db, service_id: int, values: dict) -> None:
    """Change some configured columns (SERVICE_COLUMNS) of a service."""
    sets = ", ".join(f"{k} = ?" for k in _columns(values, SERVICE_COLUMNS))
    db.execute(f"UPDATE services SET {sets} WHERE id = ?", [*values.values(), service_id])


# Desks

def desk_name_taken(db, office_id: str, name: str, desk_id: int | None) -> bool:
    """Whether a desk of the office other than `desk_id` (None: any desk) has this name."""
    return bool(database.scalar(db, "SELECT 1 FROM desks WHERE office_id = ? AND name = ? AND id IS NOT ?",
                                (office_id, name, desk_id)))


def insert_desk(db, office_id: str, name: str) -> int:
    """Add a desk; returns its id."""
    return db.execute("INSERT INTO desks (office_id, name, changed_at) VALUES (?, ?, NULL)",
                      (office_id, name)).lastrowid


def set_desk_name(db, desk_id: int, name: str) -> None:
    """Rename a desk."""
    db.execute("UPDATE desks SET name = ? WHERE id = ?", (name, desk_id))


def set_desk_active(db, desk_id: int, active: bool) -> None:
    """(De)activate a desk."""
    db.execute("UPDATE desks SET active = ? WHERE id = ?", (int(active), desk_id))


def set_desk_services(db, desk_id: int, service_ids: list[int]) -> None:
    """Replace the services a desk serves."""
    db.execute("DELETE FROM desk_services WHERE desk_id = ?", (desk_id,))
    for service_id in service_ids:
        db.execute("INSERT INTO desk_services (desk_id, service_id) VALUES (?, ?)", (desk_id, service_id))


# Users

def username_taken(db, username: str) -> bool:
    """Whether a user has this name."""
    return bool(database.scalar(db, "SELECT 1 FROM users WHERE username = ?", (username,)))


def insert_user(db, username: str, password_hash: str, role: str, created_at: str) -> int:
    """Add an active user; returns its id."""
    return db.execute(
        "INSERT INTO users (username, password_hash, role, active, created_at) VALUES (?, ?, ?, 1, ?)",
        (username, password_hash, role, created_at)).lastrowid


def add_user_office(db, user_id: int, office_id: str) -> None:
    """Let a user work in an office."""
    db.execute("INSERT INTO user_offices (user_id, office_id) VALUES (?, ?)", (user_id, office_id))


def user(db, user_id: int) -> dict | None:
    """One user's id, username, full name, role, active flag and creation time (no password hash)."""
    return database.one(db, "SELECT u.id, u.username, COALESCE(n.full_name, '') AS full_name, u.role, u.active,"
                            " u.created_at FROM users u LEFT JOIN user_names n ON n.user_id = u.id WHERE u.id = ?",
                        (user_id,))


def set_full_name(db, user_id: int, full_name: str) -> None:
    """Set a user's full name ('' removes it)."""
    db.execute("DELETE FROM user_names WHERE user_id = ?", (user_id,))
    if full_name:
        db.execute("INSERT INTO user_names (user_id, full_name) VALUES (?, ?)", (user_id, full_name))


def users_without_office(db, *, role: str) -> list[int]:
    """The ids of users of this role who work in no office."""
    return [r["id"] for r in database.rows(
        db, "SELECT id FROM users WHERE role = ? AND id NOT IN (SELECT user_id FROM user_offices) ORDER BY id", (role,))]


def user_office_ids(db, user_id: int) -> list[str]:
    """The ids of the offices a user works in."""
    return [r["office_id"] for r in database.rows(
        db, "SELECT office_id FROM user_offices WHERE user_id = ? ORDER BY office_id", (user_id,))]


def password_hash(db, user_id: int) -> str | None:
    """A user's password hash."""
    return database.scalar(db, "SELECT password_hash FROM users WHERE id = ?", (user_id,))


def user_ids(db) -> list[int]:
    """The ids of all users, by username."""
    return [r["id"] for r in database.rows(db, "SELECT id FROM users ORDER BY username")]


def user_by_name(db, username: str) -> dict | None:
    """The id, password hash and active flag of the user with this name."""
    return database.one(db, "SELECT id, password_hash, active FROM users WHERE username = ?", (username,))


def set_user_role(db, user_id: int, role: str) -> None:
    """Change a user's role."""
    db.execute("UPDATE users SET role = ? WHERE id = ?", (role, user_id))


def set_user_active(db, user_id: int, active: bool) -> None:
    """(De)activate a user."""
    db.execute("UPDATE users SET active = ? WHERE id = ?", (int(bool(active)), user_id))


def set_user_password(db, user_id: int, password_hash: str) -> None:
    """Change a user's password hash."""
    db.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))


# Devices (kiosks, displays)

def insert_device(db, office_id: str, kind: str, name: str, token_hash: str, printer_url: str, settings: str,
                  created_at: str) -> int:
    """Add a device (settings as JSON text); returns its id."""
    return db.execute(
        "INSERT INTO devices (office_id, kind, name, token_hash, printer_url, settings, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (office_id, kind, name, token_hash, printer_url, settings, created_at)).lastrowid


def device(db, device_id: int) -> dict | None:
    """One device row, token hash included."""
    return database.one(db, "SELECT * FROM devices WHERE id = ?", (device_id,))


def device_by_token_hash(db, token_hash: str) -> dict | None:
    """The device row (not revoked) whose token has this hash."""
    return database.one(db, "SELECT * FROM devices WHERE token_hash = ? AND revoked_at IS NULL", (token_hash,))


def devices_of_office(db, office_id: str) -> list[dict]:
    """An office's device rows."""
    return database.rows(db, "SELECT * FROM devices WHERE office_id = ? ORDER BY id", (office_id,))


def all_devices(db) -> list[dict]:
    """Every device row."""
    return database.rows(db, "SELECT * FROM devices ORDER BY id")


def set_device_name(db, device_id: int, name: str) -> None:
    """Rename a device."""
    db.execute("UPDATE devices SET name = ? WHERE id = ?", (name, device_id))


def set_device_printer_url(db, device_id: int, printer_url: str) -> None:
    """Change the printer a device uses."""
    db.execute("UPDATE devices SET printer_url = ? WHERE id = ?", (printer_url, device_id))


def forget_printer_state(db, device_id: int) -> None:
    """Forget the last known state of a device's printer."""
    db.execute("DELETE FROM printer_state WHERE device_id = ?", (device_id,))


def set_device_settings(db, device_id: int, settings: str) -> None:
    """Replace a device's settings (JSON text)."""
    db.execute("UPDATE devices SET settings = ? WHERE id = ?", (settings, device_id))


def revoke_device(db, device_id: int, revoked_at: str) -> None:
    """Mark a device revoked at `revoked_at` (once)."""
    db.execute("UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (revoked_at, device_id))


def insert_session(db, id_hash: str, user_id: int, csrf: str, at: str) -> None:
    """Record a new sign-in."""
    db.execute("INSERT INTO user_sessions (id_hash, user_id, csrf, created_at, seen_at) VALUES (?, ?, ?, ?, ?)",
               (id_hash, user_id, csrf, at, at))


def open_session(db, id_hash: str) -> dict | None:
    """A session that has not ended, by the hash of its id."""
    return database.one(db, "SELECT * FROM user_sessions WHERE id_hash = ? AND ended_at IS NULL", (id_hash,))


def touch_session(db, id_hash: str, at: str) -> None:
    """The session was used at `at` (its idle time starts again)."""
    db.execute("UPDATE user_sessions SET seen_at = ? WHERE id_hash = ?", (at, id_hash))


def end_session(db, id_hash: str, at: str) -> None:
    """End one session."""
    db.execute("UPDATE user_sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL", (at, id_hash))


def end_user_sessions(db, user_id: int, at: str) -> None:
    """End every open session of a user."""
    db.execute("UPDATE user_sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL", (at, user_id))


def forget_sessions_before(db, at: str) -> None:
    """Delete sessions that ended or began before `at` (they can no longer be used)."""
    db.execute("DELETE FROM user_sessions WHERE created_at < ? OR ended_at < ?", (at, at))


# The kiosk's catalogue: synonyms, other bodies of a service, the "most asked" list

def synonyms(db, office_id: str) -> list[dict]:
    """(service_id, word) of an office's services, in word order."""
    return database.rows(db, "SELECT y.service_id, y.word FROM service_synonyms y JOIN services s ON s.id = y.service_id"
                             " WHERE s.office_id = ? ORDER BY y.service_id, y.word", (office_id,))


def set_synonyms(db, service_id: int, words: list[str]) -> None:
    """Replace a service's synonyms."""
    db.execute("DELETE FROM service_synonyms WHERE service_id = ?", (service_id,))
    for word in words:
        db.execute("INSERT INTO service_synonyms (service_id, word) VALUES (?, ?)", (service_id, word))


def extra_bodies(db, office_id: str) -> list[dict]:
    """The other bodies an office's services are listed under, in each service's order."""
    return database.rows(db, "SELECT b.service_id, b.group_kk, b.group_ru, b.group_en FROM service_bodies b"
                             " JOIN services s ON s.id = b.service_id WHERE s.office_id = ?"
                             " ORDER BY b.service_id, b.position", (office_id,))


def set_extra_bodies(db, service_id: int, bodies: list[dict]) -> None:
    """Replace the other bodies a service is listed under."""
    db.execute("DELETE FROM service_bodies WHERE service_id = ?", (service_id,))
    for i, b in enumerate(bodies):
        db.execute("INSERT INTO service_bodies (service_id, position, group_kk, group_ru, group_en)"
                   " VALUES (?, ?, ?, ?, ?)", (service_id, i, b["group_kk"], b["group_ru"], b["group_en"]))


def most_asked(db, office_id: str) -> list[int]:
    """The ids of the office's "most asked" services, in the admin's order."""
    return [r["service_id"] for r in database.rows(
        db, "SELECT service_id FROM kiosk_most_asked WHERE office_id = ? ORDER BY position", (office_id,))]


def set_most_asked(db, office_id: str, service_ids: list[int]) -> None:
    """Replace the office's "most asked" list."""
    db.execute("DELETE FROM kiosk_most_asked WHERE office_id = ?", (office_id,))
    for i, service_id in enumerate(service_ids):
        db.execute("INSERT INTO kiosk_most_asked (office_id, position, service_id) VALUES (?, ?, ?)",
                   (office_id, i, service_id))


def desks_serving(db, service_id: int) -> list[str]:
    """The names of the active desks that serve a service, in name order."""
    return [r["name"] for r in database.rows(
        db, "SELECT d.name FROM desks d JOIN desk_services ds ON ds.desk_id = d.id"
            " WHERE ds.service_id = ? AND d.active = 1 ORDER BY length(d.name), d.name", (service_id,))]


# Opening hours per weekday

def office_hours(db, office_id: str) -> list[dict]:
    """An office's weekly hours (weekday, opens, closes, lunch_from, lunch_to), Monday first."""
    return database.rows(db, "SELECT weekday, opens, closes, lunch_from, lunch_to FROM office_hours"
                             " WHERE office_id = ? ORDER BY weekday", (office_id,))


def replace_office_hours(db, office_id: str, days: list[dict]) -> None:
    """Replace an office's weekly hours."""
    db.execute("DELETE FROM office_hours WHERE office_id = ?", (office_id,))
    for d in days:
        db.execute("INSERT INTO office_hours (office_id, weekday, opens, closes, lunch_from, lunch_to)"
                   " VALUES (?, ?, ?, ?, ?, ?)",
                   (office_id, d["weekday"], d["opens"], d["closes"], d["lunch_from"], d["lunch_to"]))


def is_public_holiday(db, office_id: str, day: str) -> bool:
    """Whether a local day is one of the office's holidays (the holidays table the bookings keep)."""
    return bool(database.scalar(db, "SELECT 1 FROM holidays WHERE office_id = ? AND day = ?", (office_id, day)))
