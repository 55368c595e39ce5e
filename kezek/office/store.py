"""The SQL of the office's configuration: offices, services, desks."""
from __future__ import annotations

from kezek.base import database


def office(db, office_id: str) -> dict | None:
    """One office row."""
    return database.one(db, "SELECT * FROM offices WHERE id = ?", (office_id,))


def offices(db) -> list[dict]:
    """All offices."""
    return database.rows(db, "SELECT * FROM offices ORDER BY id")


def service(db, service_id: int) -> dict | None:
    """One service row."""
    return database.one(db, "SELECT * FROM services WHERE id = ?", (service_id,))


def services(db, office_id: str) -> list[dict]:
    """An office's services in display order."""
    return database.rows(db, 
        "SELECT * FROM services WHERE office_id = ? ORDER BY sort_order, prefix", (office_id,))


def desk(db, desk_id: int) -> dict | None:
    """One desk row with the ids of the services it serves."""
    row = database.one(db, "SELECT * FROM desks WHERE id = ?", (desk_id,))
    if row:
        row["service_ids"] = [r["service_id"] for r in database.rows(db, 
            "SELECT service_id FROM desk_services WHERE desk_id = ? ORDER BY service_id", (desk_id,))]
    return row


def desks(db, office_id: str) -> list[dict]:
    """An office's desks, each with its service ids."""
    rows = database.rows(db, "SELECT * FROM desks WHERE office_id = ? ORDER BY id", (office_id,))
    links: dict[int, list[int]] = {}
    for r in database.rows(db, 
            "SELECT ds.desk_id, ds.service_id FROM desk_services ds JOIN desks d ON d.id = ds.desk_id"
            " WHERE d.office_id = ? ORDER BY ds.service_id", (office_id,)):
        links.setdefault(r["desk_id"], []).append(r["service_id"])
    for row in rows:
        row["service_ids"] = links.get(row["id"], [])
    return rows
