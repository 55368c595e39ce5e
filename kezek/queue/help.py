"""Calls for help from a kiosk: a visitor asks, a staff member acknowledges; both are in the event log."""
from __future__ import annotations

from datetime import datetime

from kezek.base import database
from kezek.base.clock import iso
from kezek.base.errors import Conflict, NotFound
from kezek.base.events import Event
from kezek.log import chain
from kezek.queue import store
from kezek.queue.tickets import Outcome


def help_view(call: dict) -> dict:
    """A call for help as staff screens and the kiosk show it (no person's data: a kiosk asked)."""
    return {"id": call["id"], "device_id": call["device_id"], "kiosk": call["kiosk"],
            "requested_at": call["requested_at"], "acknowledged_at": call["acknowledged_at"],
            "acknowledged_by": call["acknowledged_by"]}


def request_help(db, device: dict, now: datetime, *, lang: str = "kk") -> Outcome:
    """A visitor at `device` (a kiosk) needs help: one open call per kiosk, asked again it is the same call."""
    with database.transaction(db):
        open_call = store.open_help_call(db, device["id"])
        if open_call is not None:
            return Outcome(None, [Event("help.requested", device["office_id"], data=help_view(open_call))])
        call_id = store.insert_help_call(db, device["office_id"], device["id"], lang, iso(now))
        chain.append(db, now, device["office_id"], "help.requested", device_id=device["id"],
                     details={"call": call_id, "kiosk": device["name"], "lang": lang})
        call = store.help_call(db, call_id)
    return Outcome(None, [Event("help.requested", device["office_id"], data=help_view(call))])


def acknowledge_help(db, call_id: int, user: dict, offices: list[str], now: datetime) -> Outcome:
    """A staff member of the call's office says someone is coming; 409 when it was acknowledged already."""
    with database.transaction(db):
        call = store.help_call(db, call_id)
        if call is None or call["office_id"] not in offices:
            raise NotFound("No such call for help.", "help_not_found")
        if call["acknowledged_at"]:
            raise Conflict("Someone is already on the way.", "help_acknowledged")
        store.acknowledge_help_call(db, call_id, user["username"], iso(now))
        chain.append(db, now, call["office_id"], "help.acknowledged", device_id=call["device_id"],
                     user_id=user["id"], details={"call": call_id, "kiosk": call["kiosk"]})
        call = store.help_call(db, call_id)
    return Outcome(None, [Event("help.acknowledged", call["office_id"], data=help_view(call))])


def open_calls(db, office_id: str) -> list[dict]:
    """The office's calls for help that nobody has acknowledged yet, oldest first."""
    return [help_view(c) for c in store.open_help_calls(db, office_id)]
