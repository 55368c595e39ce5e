"""The call order: which waiting ticket a desk calls next. The one place this rule lives.

Among the services a desk serves:
1. tickets an operator put first in line (by a transfer), oldest first;
2. then priority tickets together with normal tickets that have waited longer than the
   office's limit, oldest first — so no normal ticket waits more than the limit because
   of priority tickets issued after it;
3. then the other normal tickets, oldest first.
"Oldest" is the time the ticket joined this queue (`queued_at`), then its id.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from .timeutil import iso


def overdue_before(now: datetime, wait_limit_s: int) -> str:
    """Tickets queued at or before this timestamp have waited past the limit."""
    return iso(now - timedelta(seconds=wait_limit_s))


def _key(ticket: dict, cutoff: str) -> tuple:
    # Timestamps are ISO strings in UTC that sort as text: no parsing on this hot path.
    urgent = bool(ticket["priority"]) or ticket["queued_at"] <= cutoff
    return (0 if ticket["first_in_line"] else 1, 0 if urgent else 1, ticket["queued_at"], ticket["id"])


def order_key(ticket: dict, now: datetime, wait_limit_s: int) -> tuple:
    """Sort key of a waiting ticket: smaller is called sooner."""
    return _key(ticket, overdue_before(now, wait_limit_s))


def call_order(waiting: list[dict], now: datetime, wait_limit_s: int) -> list[dict]:
    """The waiting tickets in the order a desk would call them."""
    cutoff = overdue_before(now, wait_limit_s)
    return sorted(waiting, key=lambda t: _key(t, cutoff))


def next_ticket(waiting: list[dict], now: datetime, wait_limit_s: int) -> dict | None:
    """The ticket to call next, or None when nobody waits."""
    if not waiting:
        return None
    cutoff = overdue_before(now, wait_limit_s)
    return min(waiting, key=lambda t: _key(t, cutoff))


def people_ahead(ticket: dict, waiting: list[dict], now: datetime, wait_limit_s: int) -> int:
    """How many of `waiting` would be called before `ticket`."""
    cutoff = overdue_before(now, wait_limit_s)
    mine = _key(ticket, cutoff)
    return sum(1 for t in waiting if t["id"] != ticket["id"] and _key(t, cutoff) < mine)
