"""The audit view of the event log: filters, who did it (user name), why (reason)."""
from __future__ import annotations

import json

from kezek.base.clock import utc_bounds
from kezek.base.errors import Invalid
from kezek.log import audit_words, store

KINDS = tuple(store.AUDIT_KINDS)   # kinds of events an auditor looks for


def events(db, office_id: str, *, start: str | None = None, end: str | None = None, name: str | None = None,
           kind: str | None = None, number: str | None = None, username: str | None = None,
           desk_id: int | None = None, before_id: int | None = None, limit: int = 100) -> list[dict]:
    """Events of an office, newest first; dates are office-local YYYY-MM-DD, both ends included."""
    timezone = store.office_timezone(db, office_id)
    if kind is not None and kind not in KINDS:
        raise Invalid("Unknown kind of event.", "bad_kind", field="kind", allowed=list(KINDS))
    if not 1 <= limit <= 1000:
        raise Invalid("limit: 1 to 1000.", "bad_field", field="limit")
    since = until = None
    if start or end:
        try:
            since, until = utc_bounds(start or "2000-01-01", end or "2999-12-31", timezone)
        except ValueError:
            raise Invalid("Dates are written YYYY-MM-DD.", "bad_date", field="from")
    rows = store.audit_events(db, office_id, since=since, until=until, kind=kind, name=name, desk_id=desk_id,
                              before_id=before_id, username=username,
                              number=number.strip().upper() if number else None, limit=limit)
    for row in rows:
        row["details"] = json.loads(row["details"])
        row["number"] = row["details"].get("number")
        row["reason"] = row["details"].get("reason") or row["details"].get("priority_reason")
        row["effect"] = effect(row["name"], row["details"])
    return rows


def in_words(db, office_id: str, rows: list[dict], lang: str) -> list[dict]:
    """Give each audit row its `words` (audit_words.words) in `lang`, ids named from the office's tables."""
    timezone = store.office_timezone(db, office_id)
    found = store.audit_names(db, office_id)
    names = {"services": {s["id"]: f"{s['prefix']} — {s.get('name_' + lang) or s['name_kk']}" for s in found["services"]},
             "desks": {d["id"]: d["name"] for d in found["desks"]},
             "devices": {d["id"]: d["name"] for d in found["devices"]},
             "users": {u["id"]: u["full_name"] or u["username"] for u in found["users"]}}   # the full name when set
    full = {u["id"]: u["full_name"] or "" for u in found["users"]}
    for row in rows:
        row["full_name"] = full.get(row["user_id"], "")     # who did it, by name (the login stays in username)
        row["words"] = audit_words.words(row, lang, names, timezone)
    return rows


def effect(name: str, details: dict) -> str | None:
    """Which effect on the order an event had (None: none): the audit's one list of them."""
    if name == "ticket.called" and details.get("out_of_order"):
        return "put_first_call" if details.get("put_first") else "out_of_order_call"
    if name == "ticket.transferred":
        return "transfer_first" if details.get("first") else "transfer"
    if name == "ticket.issued":
        if details.get("priority"):
            return "priority"
        if details.get("appointment_at"):
            return "late_booking" if details.get("walk_in") else "appointment"
    if name in ("booking.created", "booking.moved") and details.get("late"):
        return "late_booking"
    return None
