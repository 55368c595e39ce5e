"""The screen above a desk (/display/desk/<id>): the desk, the ticket called there, paused or closed — public facts only."""
from __future__ import annotations

from datetime import datetime

from kezek.base.errors import NotFound
from kezek.office import store as office_store
from kezek.queue import store, tickets

# Why a service takes no tickets that mean the desk is not working now (a daily limit reached does not).
CLOSED_REASONS = ("closed", "inactive")


def first_name(full_name: str) -> str:
    """The given name in a full name written as Kazakh documents write it: surname, given name, patronymic.

    "Әлиев Нұрлан Серікұлы" → "Нұрлан"; a single word is taken as the given name.
    """
    words = full_name.split()
    return words[1] if len(words) >= 2 else (words[0] if words else "")


def _closed(db, desk: dict, office: dict, now: datetime) -> bool:
    if not desk["active"]:
        return True
    services = [office_store.service(db, i) for i in desk["service_ids"]]
    reasons = [tickets.service_availability(db, s, office, now) for s in services if s]
    return bool(reasons) and all(r in CLOSED_REASONS for r in reasons)


def snapshot(db, desk_id: int, now: datetime, *, show_name: bool = False) -> dict:
    """What the desk's screen shows: its name, state (closed, paused, called, serving, free) and its ticket.

    Closed for the office's lunch break, the desk also carries closed_for 'lunch' and `until` (HH:MM, office time).

    No pause reason (it is the clerk's own). The specialist's first name only when `show_name` (a paired
    screen whose settings ask for it) and the user has a full name: the one who called the ticket at the desk.
    """
    desk = office_store.desk(db, desk_id)
    if desk is None:
        raise NotFound("No such desk.", "desk_not_found")
    office = office_store.office(db, desk["office_id"])
    current = store.ticket(db, desk["current_ticket_id"]) if desk["current_ticket_id"] else None
    if _closed(db, desk, office, now) and current is None:
        state = "closed"
    elif desk["paused"] and current is None:
        state = "paused"
    elif current is not None:
        state = "serving" if current["status"] == "serving" else "called"
    else:
        state = "free"
    call = None
    if current is not None:
        service = office_store.service(db, current["service_id"]) or {}
        call = {"number": current["display_number"], "status": current["status"], "called_at": current["called_at"],
                "recalls": current["recalls"], "service_id": current["service_id"],
                **{f"{part}_{lang}": service.get(f"{part}_{lang}") or "" for part in ("name", "group")
                   for lang in ("kk", "ru", "en")}}
    specialist = None
    if show_name and current is not None and desk["user_id"]:
        user = office_store.user(db, desk["user_id"]) or {}
        specialist = first_name(user.get("full_name") or "") or None
    lunch = {}
    if state == "closed" and desk["active"]:
        # Closed for the office's lunch break: the screen says so, and until when (every service is in it).
        services = [office_store.service(db, i) for i in desk["service_ids"]]
        breaks = [tickets.lunch_break(db, s, office, now, "closed") for s in services if s]
        if breaks and all(breaks):
            lunch = breaks[0]
    return {"desk": {"id": desk["id"], "name": desk["name"], "paused": bool(desk["paused"]), "state": state, **lunch},
            "call": call, "specialist": specialist}
