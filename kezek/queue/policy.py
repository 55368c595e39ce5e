"""The call order: which waiting ticket a desk calls next. The one place this rule lives.

Among the services a desk serves:
1. tickets an operator put first in line (by a transfer), oldest first;
2. then appointment tickets whose slot has begun ("due"), earliest slot first — a booked
   visitor who checked in is called at their time, ahead of walk-ins;
3. then priority tickets together with normal tickets that have waited longer than the
   office's limit, oldest first — so no normal ticket waits more than the limit because
   of priority tickets issued after it;
4. then the other normal tickets, oldest first;
5. last, appointment tickets whose slot has not begun (checked in early): a desk with no
   one else to call takes them rather than stand idle.
"Oldest" is the time the ticket joined this queue (`queued_at`), then its id.

Fair share for walk-ins: when a desk's last `appointments_in_row` calls (K, per office,
default 3) were all appointment tickets and a walk-in is waiting, the walk-in rule (3, 4)
goes before the due appointments (2) for this one call. So while bookings keep arriving,
walk-ins still get at least one call in every K + 1 at each desk.

Who may call a ticket: a ticket transferred to a desk is called at that desk only, and one
transferred to a specialist only by that user (at whichever desk they sit); such a ticket is in
that desk's (or user's) queue even when the desk does not serve its service. Every other
ticket is called by the desks that serve its service.

A ticket is an appointment ticket when its row carries `appointment_at` (the slot's start,
set by `kezek.appointments.mark`) and it has not been sent back to the queue ("serve
later" makes it wait like a walk-in). Rows without that key are walk-ins, as before.
"""
from __future__ import annotations

import functools
from datetime import datetime, timedelta

from kezek.base.clock import iso

DUE, URGENT, NORMAL, OWED_DUE, EARLY = 0, 1, 2, 3, 4


@functools.lru_cache(maxsize=4096)
def overdue_before(now: datetime, wait_limit_s: int) -> str:
    """Tickets queued at or before this timestamp have waited past the limit."""
    # Cached: the estimates' replay asks for the same few moments (now + whole visits) often.
    return iso(now - timedelta(seconds=wait_limit_s))


@functools.lru_cache(maxsize=4096)
def _iso(moment: datetime) -> str:
    return iso(moment)


def appointment_at(ticket: dict) -> str | None:
    """The slot start of an appointment ticket that still counts as one, else None."""
    slot = ticket.get("appointment_at")
    # A returned ticket gets a new queued_at; a transfer puts back the issue time.
    if slot and ticket["queued_at"] == ticket.get("issued_at", ticket["queued_at"]):
        return slot
    return None


def may_call(ticket: dict, desk_id: int, user_id: int | None) -> bool:
    """Whether a desk (with this user at it) may call a waiting ticket, by its transfer's target."""
    target_desk, target_user = ticket.get("target_desk_id"), ticket.get("target_user_id")
    return (target_desk is None or target_desk == desk_id) and (target_user is None or target_user == user_id)


def callable_at(waiting: list[dict], desk_id: int, user_id: int | None) -> list[dict]:
    """The waiting tickets a desk (with this user at it) may call; transfers aimed elsewhere are left out."""
    return [t for t in waiting if may_call(t, desk_id, user_id)]


def walk_ins_owed(waiting: list[dict], appointments_in_row: int, streak: int) -> bool:
    """Whether this call belongs to a walk-in: K appointment calls in a row and a walk-in waits."""
    if not appointments_in_row or streak < appointments_in_row:
        return False
    return any(appointment_at(t) is None for t in waiting)


def _key(ticket: dict, cutoff: str, now_iso: str, owed: bool) -> tuple:
    # Timestamps are ISO strings in UTC that sort as text: no parsing on this hot path.
    if ticket["first_in_line"]:
        return (0, 0, ticket["queued_at"], ticket["id"])
    slot = appointment_at(ticket)
    if slot is not None:
        rank = EARLY if slot > now_iso else (OWED_DUE if owed else DUE)
        return (1, rank, slot, ticket["id"])
    urgent = bool(ticket["priority"]) or ticket["queued_at"] <= cutoff
    return (1, URGENT if urgent else NORMAL, ticket["queued_at"], ticket["id"])


def _keyer(waiting: list[dict], now: datetime, wait_limit_s: int, appointments_in_row: int, streak: int):
    cutoff, now_iso = overdue_before(now, wait_limit_s), _iso(now)
    owed = walk_ins_owed(waiting, appointments_in_row, streak)
    return lambda t: _key(t, cutoff, now_iso, owed)


def order_key(ticket: dict, now: datetime, wait_limit_s: int) -> tuple:
    """Sort key of a waiting ticket: smaller is called sooner."""
    return _key(ticket, overdue_before(now, wait_limit_s), iso(now), False)


def call_order(waiting: list[dict], now: datetime, wait_limit_s: int, *, appointments_in_row: int = 0,
               streak: int = 0) -> list[dict]:
    """The waiting tickets in the order a desk would call them."""
    return sorted(waiting, key=_keyer(waiting, now, wait_limit_s, appointments_in_row, streak))


def next_ticket(waiting: list[dict], now: datetime, wait_limit_s: int, *, appointments_in_row: int = 0,
                streak: int = 0) -> dict | None:
    """The ticket to call next, or None when nobody waits.

    `streak`: how many of the desk's latest calls in a row were appointment tickets;
    `appointments_in_row`: after that many, a waiting walk-in goes first (0: never).
    """
    if not waiting:
        return None
    return min(waiting, key=_keyer(waiting, now, wait_limit_s, appointments_in_row, streak))


def people_ahead(ticket: dict, waiting: list[dict], now: datetime, wait_limit_s: int) -> int:
    """How many of `waiting` would be called before `ticket`."""
    key = _keyer(waiting, now, wait_limit_s, 0, 0)
    mine = key(ticket)
    return sum(1 for t in waiting if t["id"] != ticket["id"] and key(t) < mine)
