"""Print jobs of the running office: which printer a kiosk uses, what goes on its ticket, and the record.

A kiosk's printer is driven either by the server itself (`tcp://`, `cups://`) or by the
print agent on the kiosk PC (`usb://`, `serial://`, `file://`, the word `agent`, or any URL
with `?via=agent`). Results are written to `printer_state` and to the event log
(`ticket.printed` / `ticket.print_failed`, `printer.changed`); see docs/printing.md.
"""
from __future__ import annotations

from datetime import datetime

from kezek.base import database
from kezek.base.clock import iso, parse
from kezek.base.events import Event
from kezek.log import chain
from kezek.office import accounts
from kezek.office import store as office_store
from kezek.printers.drawing import TicketPrint
from kezek.printers.driver import PrinterSpec
from kezek.printers.routes import Route, guarded, printer_route
from kezek.printing import store
from kezek.queue import appointments, views

# Last known states in which a new ticket is not even tried: the kiosk shows it on screen at once.
UNAVAILABLE = ("paper_out", "cover_open", "offline")
REPRINTABLE = ("waiting", "called")
AGENT_GONE = "print agent not connected"


def decide(db, device: dict, agent_connected: bool, *, reprint: bool = False) -> tuple[str, str, str]:
    """(print state for the kiosk: pending/none/unavailable, printer state, detail) for a new job.

    A reprint is tried even when the last known state was bad: someone asked for it, and
    print_ticket reads the status before sending anything.
    """
    route = printer_route(device["printer_url"])
    if route.route == "none":
        return "none", "none", ""
    if route.error:
        return "unavailable", "offline", route.error
    if route.route == "agent" and not agent_connected:
        return "unavailable", "no_agent", AGENT_GONE
    last = printer_state(db, device)
    if route.route == "server" and last["detail"] == AGENT_GONE:
        return "pending", "unknown", ""  # left from when an agent drove this kiosk's printer
    if last["state"] in UNAVAILABLE and not (reprint and route.route == "server"):
        return "unavailable", last["state"], last["detail"] or last["state"].replace("_", " ")
    return "pending", last["state"], ""


def ticket_print(db, ticket: dict, url: str, now: datetime) -> TicketPrint:
    """What goes on the paper for `ticket`, in the ticket's language, as of `now`."""
    office = office_store.office(db, ticket["office_id"])
    service = office_store.service(db, ticket["service_id"])
    lang = ticket["lang"] if ticket["lang"] in ("kk", "ru", "en") else office["default_lang"]
    view = views.ticket_view(db, ticket, now)
    booked = dict(ticket)
    appointments.mark(db, [booked])
    return TicketPrint(
        office_name=office[f"name_{lang}"], number=ticket["display_number"],
        service_name=service[f"name_{lang}"], people_ahead=view["people_ahead"],
        estimated_wait_s=view["estimated_wait_s"], issued_at=parse(ticket["issued_at"]),
        timezone=office["timezone"], url=url, lang=lang, priority=bool(ticket["priority"]),
        appointment_at=parse(booked["appointment_at"]) if booked.get("appointment_at") else None,
        desks=view["desks"], zones=view["zones"])


def _set_state(db, device: dict, printer_state: str, detail: str, now: datetime) -> Event | None:
    """Write the printer's state (inside a transaction); printer.changed if it differs."""
    if printer_state in ("none", "no_agent", "timeout", "expired"):
        # Not something the printer said: a missing agent shows as offline, a lost job says nothing.
        if printer_state != "no_agent":
            return None
        printer_state, detail = "offline", detail or AGENT_GONE
    detail = (detail or "")[:300]
    old = store.state_and_detail(db, device["id"])
    if old and old["state"] == printer_state and old["detail"] == detail:
        return None
    store.save_printer_state(db, device["id"], printer_state, detail, iso(now))
    if old and old["state"] == printer_state:
        return None  # only the wording changed: not worth a log row or a push
    chain.append(db, now, device["office_id"], "printer.changed", device_id=device["id"],
                 details={"state": printer_state, "detail": detail, "was": old["state"] if old else None})
    return Event("printer.changed", device["office_id"],
                 data={"device_id": device["id"], "name": device["name"], "state": printer_state, "detail": detail})


def record_state(db, device: dict, printer_state: str, detail: str, now: datetime) -> list[Event]:
    """Record what a printer said about itself (polling, an agent's report); events to push."""
    with database.transaction(db):
        event = _set_state(db, device, printer_state, detail, now)
    return [event] if event else []


def record_print(db, device: dict, ticket: dict, ok: bool, printer_state: str, detail: str, now: datetime,
                 *, reprint: bool = False, late: bool = False, notify: bool = True,
                 update_state: bool = True) -> list[Event]:
    """Log a print result (ticket.printed / ticket.print_failed) and the printer's state; events to push.

    The ticket itself is never touched: a failed print leaves it issued.
    """
    detail = (detail or "")[:300]
    with database.transaction(db):
        chain.append(db, now, ticket["office_id"], "ticket.printed" if ok else "ticket.print_failed",
                     ticket_id=ticket["id"], service_id=ticket["service_id"], device_id=device["id"],
                     details={"number": ticket["display_number"], "state": printer_state, "detail": detail,
                              "reprint": reprint, "late": late})
        changed = _set_state(db, device, printer_state, detail, now) if update_state else None
    out = [changed] if changed else []
    if notify:
        out.insert(0, Event("ticket.printed", ticket["office_id"], data={
            "device_id": device["id"], "ticket_id": ticket["id"], "number": ticket["display_number"],
            "ok": ok, "state": printer_state, "detail": detail}))
    return out


def server_route(db, device: dict, *, allow_local: bool = False) -> Route:
    """Who drives the kiosk's printer; a server-driven spec carries the office's printer ports,
    so every connect checks the address again (a name may resolve elsewhere since it was set)."""
    return guarded(printer_route(device["printer_url"]), accounts.printer_ports(db, device["office_id"]),
                   allow_local=allow_local)


def pollable_kiosks(db, *, allow_local: bool = False) -> list[tuple[dict, PrinterSpec]]:
    """Kiosks whose printer the server drives and can ask for status, with their specs."""
    out = []
    for device in accounts.list_devices(db):
        if device["kind"] != "kiosk" or device["revoked_at"]:
            continue
        route = server_route(db, device, allow_local=allow_local)
        if route.route == "server" and route.spec is not None and route.spec.status:
            out.append((device, route.spec))
    return out


def printer_state(db, device: dict) -> dict:
    """A kiosk's printer as last seen: state ('none' when it has no printer), detail, when."""
    if device["printer_url"] in ("", "none"):
        return {"state": "none", "detail": "", "changed_at": None}
    row = store.printer_state(db, device["id"])
    return row or {"state": "unknown", "detail": "", "changed_at": None}
