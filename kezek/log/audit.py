"""The audit view of the event log: filters, who did it (user name), why (reason)."""
from __future__ import annotations

import json

from kezek.base.clock import utc_bounds
from kezek.base.errors import Invalid
from kezek.log import store

# Kinds of events an auditor looks for; details are JSON written with sort_keys and ", " / ": ".
KINDS = {
    "out_of_order": ("e.name = 'ticket.called' AND e.details LIKE ?", '%"out_of_order": true%'),
    "priority": ("e.name = 'ticket.issued' AND e.details LIKE ?", '%"priority": true%'),
    "transfer": ("e.name = ?", "ticket.transferred"),
    "notable": ("((e.name = 'ticket.called' AND e.details LIKE ?) OR (e.name = 'ticket.issued'"
                " AND e.details LIKE ?) OR e.name = 'ticket.transferred')",
                ('%"out_of_order": true%', '%"priority": true%')),
}
SELECT = ("SELECT e.id, e.at, e.name, e.ticket_id, e.service_id, e.desk_id, e.user_id, e.device_id, e.details,"
          " u.username, d.name AS desk, s.prefix AS service_prefix, v.name AS device"
          " FROM events e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN desks d ON d.id = e.desk_id"
          " LEFT JOIN services s ON s.id = e.service_id LEFT JOIN devices v ON v.id = e.device_id"
          " WHERE e.office_id = ?")


def events(db, office_id: str, *, start: str | None = None, end: str | None = None, name: str | None = None,
           kind: str | None = None, number: str | None = None, username: str | None = None,
           desk_id: int | None = None, before_id: int | None = None, limit: int = 100) -> list[dict]:
    """Events of an office, newest first; dates are office-local YYYY-MM-DD, both ends included."""
    timezone = store.office_timezone(db, office_id)
    if kind is not None and kind not in KINDS:
        raise Invalid("Unknown kind of event.", "bad_kind", field="kind", allowed=list(KINDS))
    if not 1 <= limit <= 1000:
        raise Invalid("limit: 1 to 1000.", "bad_field", field="limit")
    sql, params = [SELECT], [office_id]
    if start or end:
        try:
            since, until = utc_bounds(start or "2000-01-01", end or "2999-12-31", timezone)
        except ValueError:
            raise Invalid("Dates are written YYYY-MM-DD.", "bad_date", field="from")
        sql.append("AND e.at >= ? AND e.at < ?")
        params += [since, until]
    if kind:
        clause, values = KINDS[kind]
        sql.append("AND " + clause)
        params += list(values) if isinstance(values, tuple) else [values]
    for clause, value in (("e.name = ?", name), ("e.desk_id = ?", desk_id), ("e.id < ?", before_id),
                          ("u.username = ?", username)):
        if value is not None:
            sql.append("AND " + clause)
            params.append(value)
    if number:
        sql.append("AND e.details LIKE ?")
        params.append(f'%"number": {json.dumps(number.strip().upper(), ensure_ascii=False)}%')
    sql.append("ORDER BY e.id DESC LIMIT ?")
    params.append(limit)
    rows = list(db.query(" ".join(sql), params))
    for row in rows:
        row["details"] = json.loads(row["details"])
        row["number"] = row["details"].get("number")
        row["reason"] = row["details"].get("reason") or row["details"].get("priority_reason")
    return rows
