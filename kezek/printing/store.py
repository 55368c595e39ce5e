"""The SQL of printing: the last known state of each kiosk's printer."""
from __future__ import annotations

from kezek.base import database


def state_and_detail(db, device_id: int) -> dict | None:
    """A kiosk's printer state and detail as last recorded, or None."""
    return database.one(db, "SELECT state, detail FROM printer_state WHERE device_id = ?", (device_id,))


def printer_state(db, device_id: int) -> dict | None:
    """A kiosk's printer state, detail and when it changed, as last recorded, or None."""
    return database.one(db, "SELECT state, detail, changed_at FROM printer_state WHERE device_id = ?", (device_id,))


def save_printer_state(db, device_id: int, state: str, detail: str, changed_at: str) -> None:
    """Record a kiosk's printer state (over the one before)."""
    db.execute("INSERT INTO printer_state (device_id, state, detail, changed_at) VALUES (?, ?, ?, ?)"
               " ON CONFLICT(device_id) DO UPDATE SET state = excluded.state, detail = excluded.detail,"
               " changed_at = excluded.changed_at", (device_id, state, detail, changed_at))
