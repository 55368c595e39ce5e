"""Ticket operations: issue, call, recall, start, finish, no-show, return, cancel, expire (transfers.py: transfer).

Each runs one write transaction, checks the transition against the ticket's state, writes
the change and its event-log row together, and returns the ticket plus the live events to
push after commit. A refused transition raises and changes nothing.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from kezek.base import database
from kezek.base.clock import iso, local_day
from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.base.events import Event
from kezek.log import chain
from kezek.office import store as office_store
from kezek.queue import appointments, estimates, policy, store
from kezek.queue.availability import (  # noqa: F401 - callers ask tickets.*
    UNAVAILABLE_MESSAGES,
    lunch_break,
    office_closed,
    service_availability,
)

# status -> the operations allowed from it
ALLOWED = {
    "recall": {"called"},
    "start": {"called"},
    "finish": {"serving"},
    "no_show": {"called"},
    "return": {"called"},
    "transfer": {"serving", "called"},
    "cancel": {"waiting"},
}
PRIORITY_REASONS = ("disability", "elderly", "pregnant", "veteran", "other")


@dataclass
class Outcome:
    """What an operation did: the ticket it acted on (or None) and the events to push."""

    ticket: dict | None
    events: list[Event] = field(default_factory=list)


def token_hash(token: str) -> str:
    """The hex SHA-256 of a ticket's token: what the event log keeps of it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def format_number(prefix: str, number: int) -> str:
    """The printed number: prefix and at least three digits (А017)."""
    return f"{prefix}{number:03d}"


def desk_view(db, desk_id: int) -> dict:
    """A desk as operators, the monitor and desk.changed show it."""
    desk = office_store.desk(db, desk_id)
    current = store.ticket(db, desk["current_ticket_id"]) if desk["current_ticket_id"] else None
    return {"id": desk["id"], "name": desk["name"], "paused": bool(desk["paused"]),
            "pause_reason": desk["pause_reason"], "service_ids": desk["service_ids"],
            "paused_at": desk["changed_at"] if desk["paused"] else None,   # the desk screen shows how long
            "current": current["display_number"] if current else None,
            "current_status": current["status"] if current else None}


def queue_counts(db, office_id: str, now: datetime) -> dict:
    """The payload of queue.changed: every service's waiting count and estimate."""
    with database.snapshot(db):    # the counts and the estimates of one committed state
        counts = store.waiting_counts(db, office_id)
        ids = [s["id"] for s in office_store.services(db, office_id)]
        waits = estimates.service_estimates(db, office_store.office(db, office_id), ids, now)
    return {"office": office_id, "services": [{"id": sid, "waiting": counts.get(sid, 0),
                                               "estimated_wait_s": waits[sid]} for sid in ids]}


def queue_event(db, office_id: str, now: datetime, *, services=None, desks=None) -> Event:
    """queue.changed for an office; the web layer fills in the counts after commit.

    The counts are not computed here, inside the write lock: a burst of operations (a busy
    morning) is coalesced into one computation and one push (kezek.web.live). `services` and
    `desks` (ids) say which desk screens the change concerns, when no ticket or desk event of
    the same batch says it (an admin's edit); left out, every desk looks again.
    """
    data = {"office": office_id}
    if services is not None or desks is not None:
        data |= {"service_ids": sorted(set(services or ())), "desk_ids": sorted(set(desks or ()))}
    return Event("queue.changed", office_id, data=data)


def _log(db, now, name, ticket, *, user_id=None, desk_id=None, device_id=None, **details):
    chain.append(db, now, ticket["office_id"], name, ticket_id=ticket["id"],
                 service_id=ticket["service_id"], desk_id=desk_id or ticket.get("desk_id"),
                 user_id=user_id, device_id=device_id,
                 details={"number": ticket["display_number"], **details})


def _load(db, ticket_id: int, operation: str) -> dict:
    ticket = store.ticket(db, ticket_id)
    if ticket is None:
        raise NotFound("No such ticket.", "ticket_not_found")
    if ticket["status"] not in ALLOWED[operation]:
        raise Conflict(f"A {ticket['status']} ticket cannot be {operation.replace('_', '-')}ed.",
                       "bad_transition", status=ticket["status"], operation=operation)
    return ticket


def issue(db, service_id: int, now: datetime, *, priority: bool = False, priority_reason: str | None = None,
          lang: str = "kk", device_id: int | None = None, user_id: int | None = None,
          appointment: dict | None = None) -> Outcome:
    """Issue a ticket: the next number of the service for the office's day.

    `appointment` ({booking_id, slot_at}) makes it a booking's check-in ticket (kezek.bookings):
    the visitor booked, so opening hours and the daily limit do not turn them away.
    """
    if priority_reason is not None and priority_reason not in PRIORITY_REASONS:
        raise Invalid("Unknown priority reason.", "bad_priority_reason", allowed=list(PRIORITY_REASONS))
    if priority and priority_reason is None:
        # Every jump has a reason: a priority ticket names the group it is for.
        raise Invalid("A priority ticket needs its group (priority_reason).", "priority_reason_required",
                      field="priority_reason", allowed=list(PRIORITY_REASONS))
    with database.transaction(db):
        service = office_store.service(db, service_id)
        if service is None:
            raise NotFound("No such service.", "service_not_found")
        office = office_store.office(db, service["office_id"])
        if office["closed_at"]:
            raise Conflict("This office is closed.", "office_closed")
        why = service_availability(db, service, office, now)
        if why and not (appointment and why in ("closed", "daily_limit")):
            lunch = lunch_break(db, service, office, now, why)
            message = f"Lunch break until {lunch['until']}: tickets again from then." if lunch else UNAVAILABLE_MESSAGES[why]
            raise Conflict(message, f"service_{why}", **lunch)
        day = local_day(now, office["timezone"])
        number = store.next_number(db, service_id, day)
        row = {
            "office_id": office["id"], "token": secrets.token_urlsafe(16),
            "issued_service_id": service_id, "service_id": service_id, "day": day, "number": number,
            "display_number": format_number(service["prefix"], number), "status": "waiting",
            "priority": int(bool(priority)), "priority_reason": priority_reason if priority else None,
            "lang": lang, "issued_at": iso(now), "queued_at": iso(now), "device_id": device_id,
            "user_id": user_id,
        }
        ticket_id = store.insert_ticket(db, row)
        # What the log needs to rebuild the row (kezek.queue.projection); the token only as its hash.
        extra = {"day": day, "seq": number, "token_sha256": token_hash(row["token"])}
        if appointment:
            # UNIQUE booking_id: a second check-in of the same booking rolls back here.
            store.insert_ticket_appointment(db, ticket_id, appointment["booking_id"], appointment["slot_at"])
            extra.update(appointment_at=appointment["slot_at"], booking_id=appointment["booking_id"])
            if appointment.get("walk_in"):
                extra["walk_in"] = True     # booked too late: queues as a walk-in (kezek.bookings)
        ticket = store.ticket(db, ticket_id)
        _log(db, now, "ticket.issued", ticket, user_id=user_id, device_id=device_id,
             priority=bool(priority), priority_reason=row["priority_reason"], lang=lang, **extra)
        events = [Event("ticket.issued", office["id"], ticket), queue_event(db, office["id"], now)]
    return Outcome(ticket, events)


def _active_desk(db, desk_id: int) -> dict:
    desk = office_store.desk(db, desk_id)
    if desk is None or not desk["active"]:
        raise NotFound("No such desk.", "desk_not_found")
    return desk


def _release_current(db, desk: dict, now: datetime, user_id, events: list[Event]) -> None:
    """End what the desk still holds so that one click moves it on."""
    if not desk["current_ticket_id"]:
        return
    held = store.ticket(db, desk["current_ticket_id"])
    if held["status"] == "called":
        store.update_ticket(db, held["id"], status="no_show", finished_at=iso(now))
        name = "ticket.no_show"
    elif held["status"] == "serving":
        store.update_ticket(db, held["id"], status="done", finished_at=iso(now))
        name = "ticket.finished"
    else:
        name = None
    store.update_desk(db, desk["id"], current_ticket_id=None, changed_at=iso(now))
    if name:
        held = store.ticket(db, held["id"])
        _log(db, now, name, held, user_id=user_id, desk_id=desk["id"], automatic=True)
        events.append(Event(name, held["office_id"], held))


def _call(db, desk: dict, ticket: dict, now: datetime, user_id, events, **details) -> dict:
    store.update_ticket(db, ticket["id"], status="called", desk_id=desk["id"], user_id=user_id,
                          called_at=iso(now), first_in_line=0)
    store.update_desk(db, desk["id"], current_ticket_id=ticket["id"], user_id=user_id, changed_at=iso(now))
    called = store.ticket(db, ticket["id"])
    _log(db, now, "ticket.called", called, user_id=user_id, desk_id=desk["id"], **details)
    events.append(Event("ticket.called", called["office_id"], called))
    events.append(Event("desk.changed", called["office_id"], desk=desk_view(db, desk["id"])))
    events.append(queue_event(db, called["office_id"], now))
    return called


def call_next(db, desk_id: int, now: datetime, *, user_id: int | None = None) -> Outcome:
    """Call the next visitor to a desk by the call order; ticket None when nobody waits."""
    events: list[Event] = []
    with database.transaction(db):
        desk = _active_desk(db, desk_id)
        if desk["paused"]:
            raise Conflict("The desk is paused; resume it first.", "desk_paused")
        office = office_store.office(db, desk["office_id"])
        _release_current(db, desk, now, user_id, events)
        # Its services' tickets and those transferred to it or to this user; none aimed elsewhere.
        waiting = policy.callable_at(store.waiting_for_desk(db, desk["service_ids"], desk_id, user_id),
                                     desk_id, user_id)
        fair = appointments.fair_share(db, office, desk_id, waiting, now)   # booked visitors' times
        chosen = policy.next_ticket(waiting, now, office["priority_wait_limit_s"], **fair)
        if chosen is None:
            if events:
                events.append(Event("desk.changed", office["id"], desk=desk_view(db, desk_id)))
            return Outcome(None, events)
        why = {}
        if chosen["first_in_line"]:
            # Put first by a transfer: the call goes ahead of the order, with the transfer's reason.
            skipped = policy.people_ahead({**chosen, "first_in_line": 0}, waiting, now,
                                          office["priority_wait_limit_s"])
            why = {"out_of_order": True, "put_first": True, "skipped": skipped,
                   "reason": store.transfer_reason(db, chosen["id"])}
        called = _call(db, desk, chosen, now, user_id, events, **why)
    return Outcome(called, events)


def call_ticket(db, desk_id: int, ticket_id: int, reason: str, now: datetime, *,
                user_id: int | None = None) -> Outcome:
    """Call a specific waiting ticket out of order; the reason is kept in the log."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Calling a ticket out of order needs a reason.", "reason_required")
    if len(reason) > 500:
        raise Invalid("The reason is too long (500 characters at most).", "reason_too_long")
    events: list[Event] = []
    with database.transaction(db):
        desk = _active_desk(db, desk_id)
        if desk["paused"]:
            raise Conflict("The desk is paused; resume it first.", "desk_paused")
        ticket = store.ticket(db, ticket_id)
        if ticket is None or ticket["office_id"] != desk["office_id"]:
            raise NotFound("No such ticket.", "ticket_not_found")
        if ticket["status"] != "waiting":
            raise Conflict(f"A {ticket['status']} ticket cannot be called.", "bad_transition",
                           status=ticket["status"], operation="call")
        waiting = policy.callable_at(store.waiting_for_desk(db, desk["service_ids"], desk_id, user_id),
                                     desk_id, user_id)
        if not any(t["id"] == ticket_id for t in waiting):
            if ticket["service_id"] in desk["service_ids"]:
                raise Conflict("The ticket was transferred to another desk or specialist.", "transferred_elsewhere")
            raise Conflict("This desk does not serve the ticket's service.", "service_not_served")
        office = office_store.office(db, desk["office_id"])
        skipped = policy.people_ahead(ticket, waiting, now, office["priority_wait_limit_s"])
        _release_current(db, desk, now, user_id, events)
        called = _call(db, desk, ticket, now, user_id, events, out_of_order=True, reason=reason,
                       skipped=skipped)
    return Outcome(called, events)


def recall(db, ticket_id: int, now: datetime, *, user_id: int | None = None) -> Outcome:
    """Call the same visitor again: shown and announced again."""
    with database.transaction(db):
        ticket = _load(db, ticket_id, "recall")
        store.update_ticket(db, ticket_id, recalls=ticket["recalls"] + 1, called_at=iso(now))
        ticket = store.ticket(db, ticket_id)
        _log(db, now, "ticket.recalled", ticket, user_id=user_id, recalls=ticket["recalls"])
        events = [Event("ticket.recalled", ticket["office_id"], ticket)]
    return Outcome(ticket, events)


def start(db, ticket_id: int, now: datetime, *, user_id: int | None = None) -> Outcome:
    """The visitor came: service starts."""
    with database.transaction(db):
        _load(db, ticket_id, "start")
        store.update_ticket(db, ticket_id, status="serving", started_at=iso(now))
        ticket = store.ticket(db, ticket_id)
        _log(db, now, "ticket.started", ticket, user_id=user_id)
        events = [Event("ticket.started", ticket["office_id"], ticket),
                  Event("desk.changed", ticket["office_id"], desk=desk_view(db, ticket["desk_id"]))]
    return Outcome(ticket, events)


def _end(db, ticket_id, operation, status, event_name, now, user_id, visit=None) -> Outcome:
    with database.transaction(db):
        ticket = _load(db, ticket_id, operation)
        store.update_ticket(db, ticket_id, status=status, finished_at=iso(now))
        store.update_desk(db, ticket["desk_id"], current_ticket_id=None, changed_at=iso(now))
        ticket = store.ticket(db, ticket_id)
        # A visit's outcome (kezek/queue/outcomes.py) is written in the same transaction, its facts logged.
        _log(db, now, event_name, ticket, user_id=user_id, **(visit(ticket) if visit else {}))
        # queue.changed too: a finished visit moves the estimates and the board's served count.
        events = [Event(event_name, ticket["office_id"], ticket),
                  Event("desk.changed", ticket["office_id"], desk=desk_view(db, ticket["desk_id"])),
                  queue_event(db, ticket["office_id"], now)]
    return Outcome(ticket, events)


def finish(db, ticket_id: int, now: datetime, *, user_id: int | None = None, visit=None) -> Outcome:
    """Service done; `visit(ticket)` records its outcome inside the transaction and returns the log's details."""
    return _end(db, ticket_id, "finish", "done", "ticket.finished", now, user_id, visit)


def no_show(db, ticket_id: int, now: datetime, *, user_id: int | None = None) -> Outcome:
    """The called visitor did not come."""
    return _end(db, ticket_id, "no_show", "no_show", "ticket.no_show", now, user_id)


def return_to_queue(db, ticket_id: int, now: datetime, *, user_id: int | None = None) -> Outcome:
    """Serve later: the called ticket waits again, at the end of its queue."""
    with database.transaction(db):
        ticket = _load(db, ticket_id, "return")
        desk_id = ticket["desk_id"]
        store.update_ticket(db, ticket_id, status="waiting", desk_id=None, queued_at=iso(now),
                              called_at=None)
        store.update_desk(db, desk_id, current_ticket_id=None, changed_at=iso(now))
        ticket = store.ticket(db, ticket_id)
        _log(db, now, "ticket.returned", ticket, user_id=user_id, desk_id=desk_id)
        events = [Event("ticket.returned", ticket["office_id"], ticket),
                  Event("desk.changed", ticket["office_id"], desk=desk_view(db, desk_id)),
                  queue_event(db, ticket["office_id"], now)]
    return Outcome(ticket, events)


def cancel(db, token: str, now: datetime) -> Outcome:
    """The visitor gives up a waiting ticket from the ticket page."""
    with database.transaction(db):
        ticket = store.ticket_by_token(db, token)
        if ticket is None:
            raise NotFound("No such ticket.", "ticket_not_found")
        ticket = _load(db, ticket["id"], "cancel")
        store.update_ticket(db, ticket["id"], status="cancelled", finished_at=iso(now))
        ticket = store.ticket(db, ticket["id"])
        _log(db, now, "ticket.cancelled", ticket)
        events = [Event("ticket.cancelled", ticket["office_id"], ticket),
                  queue_event(db, ticket["office_id"], now)]
    return Outcome(ticket, events)


def expire_stale(db, office_id: str, now: datetime) -> Outcome:
    """End of the office day: tickets still waiting from earlier days expire."""
    events: list[Event] = []
    with database.transaction(db):
        office = office_store.office(db, office_id)
        stale = store.stale_waiting(db, office_id, local_day(now, office["timezone"]))
        for ticket in stale:
            store.update_ticket(db, ticket["id"], status="expired", finished_at=iso(now))
            ticket = store.ticket(db, ticket["id"])
            _log(db, now, "ticket.expired", ticket)
            events.append(Event("ticket.expired", office_id, ticket))
        if stale:
            events.append(queue_event(db, office_id, now))
    return Outcome(None, events)


def people_ahead(db, ticket: dict, now: datetime) -> tuple[int, int]:
    """(people ahead, estimated wait seconds) for a ticket."""
    office = office_store.office(db, ticket["office_id"])
    return estimates.ticket_estimate(db, ticket, now, office["priority_wait_limit_s"])
