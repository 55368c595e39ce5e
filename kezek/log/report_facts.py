"""One summary row per ticket for reports, kept up to date from each event-log row as it is written.

`audit.append` calls `record` inside the transaction of the change, so the summary never
disagrees with the log; `rebuild` replays the whole log (a database that predates the table).
A month's report then reads one narrow row per ticket instead of seeking the log three times.
"""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from kezek.base import database

STATUS = {"ticket.called": "called", "ticket.started": "serving", "ticket.finished": "done",
          "ticket.no_show": "no_show", "ticket.cancelled": "cancelled", "ticket.expired": "expired",
          "ticket.returned": "waiting", "ticket.transferred": "waiting"}


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _seconds(later: str, earlier: str | None) -> float | None:
    if not earlier:
        return None
    return round((_moment(later) - _moment(earlier)).total_seconds(), 3)


def record(db, event: dict) -> None:
    """Fold one event-log row into its ticket's summary row (call inside the same transaction)."""
    name, ticket_id = event["name"], event["ticket_id"]
    if ticket_id is None or not name.startswith("ticket."):
        return
    if name == "ticket.issued":
        ticket = database.one(db, "SELECT t.id, t.office_id, t.day, t.issued_at, t.issued_service_id, o.timezone"
                               " FROM tickets t JOIN offices o ON o.id = t.office_id WHERE t.id = ?", (ticket_id,))
        if ticket:
            hour = _moment(ticket["issued_at"]).astimezone(ZoneInfo(ticket["timezone"])).hour
            db.execute("INSERT INTO report_tickets (ticket_id, office_id, day, hour, issued_at, service_id, status)"
                       " VALUES (?, ?, ?, ?, ?, ?, 'waiting') ON CONFLICT (ticket_id) DO NOTHING",
                       (ticket_id, ticket["office_id"], ticket["day"], hour, ticket["issued_at"],
                        ticket["issued_service_id"]))
        return
    row = database.one(db, "SELECT issued_at, first_called_at, started_at FROM report_tickets WHERE ticket_id = ?",
                    (ticket_id,))
    if row is None:
        return
    at = event["at"]
    if name == "ticket.called":
        # Wait is issue -> first call; the desk and operator are the latest to call the ticket.
        first = row["first_called_at"] or at
        db.execute("UPDATE report_tickets SET status = 'called', desk_id = ?, user_id = ?, first_called_at = ?,"
                   " wait_s = ? WHERE ticket_id = ?",
                   (event["desk_id"], event["user_id"], first, _seconds(first, row["issued_at"]), ticket_id))
    elif name == "ticket.started":
        db.execute("UPDATE report_tickets SET status = 'serving', started_at = ? WHERE ticket_id = ?", (at, ticket_id))
    elif name == "ticket.finished":
        service_s = _seconds(at, row["started_at"])
        db.execute("UPDATE report_tickets SET status = 'done', finished_at = ?, service_s = ? WHERE ticket_id = ?",
                   (at, service_s if service_s is None or service_s >= 0 else None, ticket_id))
    elif name == "ticket.transferred":
        db.execute("UPDATE report_tickets SET status = 'waiting', started_at = NULL, transfers = transfers + 1"
                   " WHERE ticket_id = ?", (ticket_id,))
    elif name == "ticket.rated":
        stars = json.loads(event["details"]).get("stars")
        db.execute("UPDATE report_tickets SET rating = ? WHERE ticket_id = ?", (stars, ticket_id))
    elif name in STATUS:
        db.execute("UPDATE report_tickets SET status = ?, finished_at = ? WHERE ticket_id = ?",
                   (STATUS[name], at if STATUS[name] != "waiting" else None, ticket_id))


def rebuild(db) -> int:
    """Recompute every summary row from the event log; returns the number of events replayed."""
    replayed = 0
    with database.transaction(db):
        db.execute("DELETE FROM report_tickets")
        for event in db.query("SELECT id, at, name, ticket_id, desk_id, user_id, details FROM events"
                              " WHERE ticket_id IS NOT NULL ORDER BY id"):
            record(db, event)
            replayed += 1
    return replayed
