"""The SQL of the region: region admins (above every office's admins) and closed offices."""
from __future__ import annotations

from kezek.base import database


def is_region_admin(db, user_id: int) -> bool:
    """Whether a user is a region admin."""
    return bool(database.scalar(db, "SELECT 1 FROM region_admins WHERE user_id = ?", (user_id,)))


def set_region_admin(db, user_id: int, on: bool) -> None:
    """Make a user a region admin, or no longer one."""
    if on:
        db.execute("INSERT INTO region_admins (user_id) VALUES (?) ON CONFLICT (user_id) DO NOTHING", (user_id,))
    else:
        db.execute("DELETE FROM region_admins WHERE user_id = ?", (user_id,))


def close_office(db, office_id: str, closed_at: str) -> None:
    """Mark an office closed (office_store.office reads it as closed_at)."""
    db.execute("INSERT INTO office_closures (office_id, closed_at) VALUES (?, ?) ON CONFLICT (office_id) DO NOTHING",
               (office_id, closed_at))


def reopen_office(db, office_id: str) -> None:
    """Mark an office open again."""
    db.execute("DELETE FROM office_closures WHERE office_id = ?", (office_id,))
