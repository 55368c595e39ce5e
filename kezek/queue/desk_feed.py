"""What one desk's screen is sent: its own queue, desk and counts, and which desks a change touches.

A desk screen that asks for it (Socket.IO auth `"scope": "desk"`) gets the office's services and
desks once, in its connect snapshot, and after that only `desk.queue`: the state of its own
desk — the waiting tickets it may call, in the order it would call them, its services' counts,
the ticket at the desk. A change that touches none of its services and not the desk sends it
nothing. docs/operator.md and README ("Live events") describe it.
"""
from __future__ import annotations

from datetime import datetime

from kezek.base import database
from kezek.base.clock import local_day, seconds_between
from kezek.base.errors import NotFound
from kezek.base.events import staff_ticket
from kezek.log import store as log_store
from kezek.office import store as office_store
from kezek.queue import appointments, estimates, policy, store, tickets, transfers, views

# Events that change no desk's queue, counts or ticket (they go to the kiosk, the staff's alerts).
UNTOUCHING = {"snapshot", "printer.changed", "ticket.printed", "help.requested", "help.acknowledged", "desk.queue"}
EVERY_DESK = "*"


def queue_item(ticket: dict, now: datetime) -> dict:
    """A waiting ticket as a desk's list shows it (no token, no priority group, no ids of people)."""
    return {"id": ticket["id"], "number": ticket["display_number"], "service_id": ticket["service_id"],
            "priority": bool(ticket["priority"]), "first_in_line": bool(ticket["first_in_line"]),
            "appointment_at": ticket.get("appointment_at"), "issued_at": ticket["issued_at"],
            "waited_s": seconds_between(ticket["issued_at"], now)}


def desk_state(db, desk_id: int, now: datetime, counts: dict | None = None) -> dict:
    """The payload of `desk.queue` (and of GET /api/v1/desks/<id>/state?scope=desk): one desk's own state."""
    with database.snapshot(db):     # one committed state, numbered by the newest event in it
        return _desk_state(db, desk_id, now, counts)


def _desk_state(db, desk_id: int, now: datetime, counts: dict | None) -> dict:
    desk = office_store.desk(db, desk_id)
    if desk is None:
        raise NotFound("No such desk.", "desk_not_found")
    office = office_store.office(db, desk["office_id"])
    seq = log_store.last_event_id(db)
    user_id = desk["user_id"]
    # What call_next would choose from: its services' tickets and those sent to this desk or its clerk.
    waiting = policy.callable_at(store.waiting_for_desk(db, desk["service_ids"], desk_id, user_id), desk_id, user_id)
    fair = appointments.fair_share(db, office, desk_id, waiting, now)
    ordered = policy.call_order(waiting, now, office["priority_wait_limit_s"], **fair)
    counts = store.waiting_counts(db, office["id"]) if counts is None else counts
    waits = estimates.service_estimates(db, office, desk["service_ids"], now)
    services = [{"id": sid, "waiting": counts.get(sid, 0), "estimated_wait_s": waits[sid]}
                for sid in desk["service_ids"]]
    current = None
    if desk["current_ticket_id"]:
        held = store.ticket(db, desk["current_ticket_id"])
        appointments.mark(db, [held])
        current = staff_ticket(held)
        current["transfer"] = transfers.received(db, held["id"])   # "transferred from desk 3: <note>" (staff only)
    return {"scope": "desk", "seq": seq, "desk_id": desk_id, "desk": tickets.desk_view(db, desk_id),
            "current": current, "queue": [queue_item(t, now) for t in ordered], "services": services,
            "served_today": store.served_today(db, desk_id, local_day(now, office["timezone"]))}


def scoped_snapshot(db, office_id: str, now: datetime, desk_id: int) -> dict:
    """A scoped desk screen's connect snapshot: the office's services and desks once, and its own state."""
    desk = office_store.desk(db, desk_id)
    if desk is None or desk["office_id"] != office_id:
        raise NotFound("No such desk.", "desk_not_found")
    office = views.office_or_404(db, office_id)
    return desk_state(db, desk_id, now) | {
        "office": views.office_view(office), "services": views.services_view(db, office_id, now),
        "desks": [tickets.desk_view(db, d["id"]) for d in office_store.desks(db, office_id)]}


def touched(outcome_events) -> dict[str, dict]:
    """What a batch of committed events touches, per office: {"services": {...}, "desks": {...}} or EVERY_DESK."""
    out: dict[str, dict] = {}
    for event in outcome_events:
        if event.name in UNTOUCHING:
            continue
        mark = out.setdefault(event.office_id, {"services": set(), "desks": set(), "transferred": set(),
                                                "all": False})
        if event.name == "queue.changed":
            if "service_ids" in event.data:     # an admin's edit that names what it changed
                mark["services"].update(event.data["service_ids"])
                mark["desks"].update(event.data["desk_ids"])
                continue
            # With a ticket's or a desk's event, that one names what moved; alone (an import,
            # the office's hours) it may touch anything.
            mark["all"] = mark["all"] or not any(e.office_id == event.office_id and (e.ticket or e.desk)
                                                 for e in outcome_events)
        elif event.name == "desk.changed":
            mark["desks"].add(event.desk["id"])
            if not any(e.office_id == event.office_id and e.ticket for e in outcome_events):
                mark["services"].update(event.desk.get("service_ids") or ())   # a pause moves their estimates
        elif event.name == "ticket.transferred":
            # Its new service's desks; the desk it left says so in its desk.changed; a desk or a
            # clerk it was sent to is looked up when pushing (the event names no clerk: public rooms get it).
            mark["services"].add(event.ticket["service_id"])
            mark["transferred"].add(event.ticket["id"])
        elif event.ticket is not None:
            mark["services"].add(event.ticket["service_id"])
            if event.ticket.get("desk_id"):
                mark["desks"].add(event.ticket["desk_id"])
        else:
            mark["all"] = True
    return out


def desks_touched(db, office_id: str, mark: dict, watched: set[int] | None) -> list[int]:
    """The watched desks (None: every desk) of an office that a change (`touched`'s mark) concerns, by id."""
    office_desks = [d for d in office_store.desks(db, office_id) if watched is None or d["id"] in watched]
    if mark.get("all"):
        return sorted(d["id"] for d in office_desks)
    aimed_desks, aimed_users = set(), set()
    for ticket_id in mark.get("transferred", ()):
        target = store.target(db, ticket_id)    # sent to one desk, or to one clerk wherever they sit
        if target is not None:
            aimed_desks.add(target["desk_id"])
            aimed_users.add(target["user_id"])
    aimed_users.discard(None)
    return sorted(d["id"] for d in office_desks
                  if d["id"] in mark["desks"] or d["id"] in aimed_desks or d["user_id"] in aimed_users
                  or mark["services"] & set(d["service_ids"]))
