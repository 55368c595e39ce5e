"""One summary row per ticket for reports, kept up to date from each event-log row as it is written.

`chain.append` calls `record` inside the transaction of the change, so the summary never
disagrees with the log; `rebuild` replays the whole log (a database that predates the table).
A month's report then reads one narrow row per ticket instead of seeking the log three times.
"""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from kezek.base import database
from kezek.log import store

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
        ticket = store.issued_ticket(db, ticket_id)
        if ticket:
            hour = _moment(ticket["issued_at"]).astimezone(ZoneInfo(ticket["timezone"])).hour
            store.insert_report_row(db, ticket_id, ticket["office_id"], ticket["day"], hour, ticket["issued_at"],
                                    ticket["issued_service_id"])
        return
    row = store.report_row(db, ticket_id)
    if row is None:
        return
    at = event["at"]
    if name == "ticket.called":
        # Wait is issue -> first call; the desk and operator are the latest to call the ticket.
        first = row["first_called_at"] or at
        store.report_row_called(db, ticket_id, event["desk_id"], event["user_id"], first,
                                _seconds(first, row["issued_at"]))
    elif name == "ticket.started":
        store.report_row_started(db, ticket_id, at)
    elif name == "ticket.finished":
        service_s = _seconds(at, row["started_at"])
        store.report_row_finished(db, ticket_id, at, service_s if service_s is None or service_s >= 0 else None)
    elif name == "ticket.transferred":
        store.report_row_transferred(db, ticket_id)
    elif name == "ticket.rated":
        stars = json.loads(event["details"]).get("stars")
        store.report_row_rated(db, ticket_id, stars)
    elif name in STATUS:
        store.report_row_status(db, ticket_id, STATUS[name], at if STATUS[name] != "waiting" else None)


def rebuild(db) -> int:
    """Recompute every summary row from the event log; returns the number of events replayed."""
    replayed = 0
    with database.transaction(db):
        store.delete_report_rows(db)
        for event in store.ticket_events(db):
            record(db, event)
            replayed += 1
    return replayed
