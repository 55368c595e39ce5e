"""The SQL of reports: the per-ticket summary rows of a period, transfers, operators' names."""
from __future__ import annotations

from kezek.base import database


def ticket_facts(db, office_id: str, start: str, end: str) -> dict[str, list]:
    """The summary rows of tickets issued on office-local days start..end, as columns: name -> values.

    Columns rather than dicts: a year's report reads a million rows, and it counts by column.
    """
    cursor = db.execute("SELECT day, hour, service_id, desk_id, user_id, status, wait_s, service_s, rating,"
                        " ticket_id FROM report_tickets WHERE office_id = ? AND day >= ? AND day <= ?",
                        (office_id, start, end))
    names = [c[0] for c in cursor.description]
    rows = cursor.fetchall()
    columns = zip(*rows) if rows else ([] for _ in names)
    return {name: list(values) for name, values in zip(names, columns)}


def transfers(db, office_id: str, since: str, until: str) -> list[dict]:
    """The office's transfers logged from `since` until before `until`: ticket, desk and operator."""
    return database.rows(db, "SELECT e.ticket_id, e.desk_id, e.user_id FROM events e WHERE e.office_id = ?"
                             " AND e.name = 'ticket.transferred' AND e.at >= ? AND e.at < ?",
                         (office_id, since, until))


USER_NAMES = ("SELECT u.id, u.username, COALESCE(NULLIF(n.full_name, ''), u.username) AS name FROM users u"
              " LEFT JOIN user_names n ON n.user_id = u.id")


def usernames_of(db, user_ids: list[int]) -> list[dict]:
    """The id, username and name to show (the full name, else the username) of each of these users."""
    marks = ",".join("?" for _ in user_ids)
    return database.rows(db, f"{USER_NAMES} WHERE u.id IN ({marks})", list(user_ids))


def usernames(db) -> list[dict]:
    """The id, username and name to show of every user."""
    return database.rows(db, USER_NAMES)
