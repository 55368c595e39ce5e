"""The SQL of the shared tables: settings."""
from __future__ import annotations

from kezek.base import database


def get_setting(db, key: str) -> str | None:
    """A value from the settings table."""
    return database.scalar(db, "SELECT value FROM settings WHERE key = ?", (key,))


def set_setting(db, key: str, value: str) -> None:
    """Store a value in the settings table (call inside a transaction)."""
    db.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
