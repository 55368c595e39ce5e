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

from datetime import datetime

from .timeutil import parse


def order_key(ticket: dict, now: datetime, wait_limit_s: int) -> tuple:
    """Sort key of a waiting ticket: smaller is called sooner."""
    queued = parse(ticket["queued_at"])
    overdue = (now - queued).total_seconds() >= wait_limit_s
    urgent = bool(ticket["priority"]) or overdue
    return (0 if ticket["first_in_line"] else 1, 0 if urgent else 1, ticket["queued_at"], ticket["id"])


def call_order(waiting: list[dict], now: datetime, wait_limit_s: int) -> list[dict]:
    """The waiting tickets in the order a desk would call them."""
    return sorted(waiting, key=lambda t: order_key(t, now, wait_limit_s))


def next_ticket(waiting: list[dict], now: datetime, wait_limit_s: int) -> dict | None:
    """The ticket to call next, or None when nobody waits."""
    if not waiting:
        return None
    return min(waiting, key=lambda t: order_key(t, now, wait_limit_s))


def people_ahead(ticket: dict, waiting: list[dict], now: datetime, wait_limit_s: int) -> int:
    """How many of `waiting` would be called before `ticket`."""
    mine = order_key(ticket, now, wait_limit_s)
    return sum(1 for t in waiting if t["id"] != ticket["id"] and order_key(t, now, wait_limit_s) < mine)
