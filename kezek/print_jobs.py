"""Print jobs of the running office: which printer a kiosk uses, what goes on its ticket, and the record.

A kiosk's printer is driven either by the server itself (`tcp://`, `cups://`) or by the
print agent on the kiosk PC (`usb://`, `serial://`, `file://`, the word `agent`, or any URL
with `?via=agent`). Results are written to `printer_state` and to the event log
(`ticket.printed` / `ticket.print_failed`, `printer.changed`); see docs/printing.md.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from . import accounts, appointments, audit, queries, state, store
from .events import Event
from .printers import PrinterSpec, parse_printer_url
from .printing import TicketPrint
from .timeutil import iso, parse

ROUTES = ("none", "server", "agent")
AGENT_KINDS = ("usb", "serial", "file")  # attached to the kiosk PC: only an agent there reaches them
# Last known states in which a new ticket is not even tried: the kiosk shows it on screen at once.
UNAVAILABLE = ("paper_out", "cover_open", "offline")
REPRINTABLE = ("waiting", "called")
AGENT_GONE = "print agent not connected"


class Route:
    """How a kiosk's tickets reach paper: route 'none', 'server' (with spec) or 'agent'."""

    def __init__(self, route: str, spec: PrinterSpec | None = None, error: str | None = None):
        self.route = route
        self.spec = spec
        self.error = error  # a printer URL that cannot be used, and why


def split_via(url: str) -> tuple[str, str | None]:
    """(the URL without its `via=` option, the via value or None)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    via = [value for key, value in query if key == "via"]
    rest = [(key, value) for key, value in query if key != "via"]
    return urlunsplit(parts._replace(query=urlencode(rest))), (via[-1] if via else None)


def printer_route(printer_url: str | None) -> Route:
    """Decide who drives a kiosk's printer, from the URL stored for the kiosk."""
    text = (printer_url or "").strip()
    if text in ("", "none", "none:", "none://"):
        return Route("none")
    if text in ("agent", "agent:", "agent://"):
        return Route("agent")
    url, via = split_via(text)
    if via not in (None, "agent", "server"):
        return Route("server", error=f"via must be agent or server in {text!r}")
    try:
        spec = parse_printer_url(url)
    except ValueError as exc:
        return Route("server", error=f"bad printer URL: {exc}")
    if via == "agent" or (via is None and spec.kind in AGENT_KINDS):
        return Route("agent", spec)
    if spec.kind == "none":
        return Route("none")
    return Route("server", spec)


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
    last = state.printer_state(db, device)
    if route.route == "server" and last["detail"] == AGENT_GONE:
        return "pending", "unknown", ""  # left from when an agent drove this kiosk's printer
    if last["state"] in UNAVAILABLE and not (reprint and route.route == "server"):
        return "unavailable", last["state"], last["detail"] or last["state"].replace("_", " ")
    return "pending", last["state"], ""


def ticket_print(db, ticket: dict, url: str, now: datetime) -> TicketPrint:
    """What goes on the paper for `ticket`, in the ticket's language, as of `now`."""
    office = queries.office(db, ticket["office_id"])
    service = queries.service(db, ticket["service_id"])
    lang = ticket["lang"] if ticket["lang"] in ("kk", "ru", "en") else office["default_lang"]
    view = state.ticket_view(db, ticket, now)
    booked = dict(ticket)
    appointments.mark(db, [booked])
    return TicketPrint(
        office_name=office[f"name_{lang}"], number=ticket["display_number"],
        service_name=service[f"name_{lang}"], people_ahead=view["people_ahead"],
        estimated_wait_s=view["estimated_wait_s"], issued_at=parse(ticket["issued_at"]),
        timezone=office["timezone"], url=url, lang=lang, priority=bool(ticket["priority"]),
        appointment_at=parse(booked["appointment_at"]) if booked.get("appointment_at") else None)


def job_payload(job_id: str, ticket_id: int, t: TicketPrint, sent_at: datetime, ttl_s: float) -> dict:
    """The `print.job` message for a print agent (JSON: the agent draws the ticket itself)."""
    fields = asdict(t)
    fields["issued_at"] = iso(t.issued_at)
    fields["appointment_at"] = iso(t.appointment_at) if t.appointment_at else None
    return {"job_id": job_id, "ticket_id": ticket_id, "sent_at": iso(sent_at), "ttl_s": ttl_s, "ticket": fields}


def ticket_from_payload(fields: dict) -> TicketPrint:
    """The TicketPrint carried by a `print.job` message; ValueError if malformed."""
    try:
        values = {k: fields[k] for k in ("office_name", "number", "service_name", "people_ahead",
                                         "estimated_wait_s", "timezone", "url", "lang")}
        values["issued_at"] = parse(fields["issued_at"])
        values["priority"] = bool(fields.get("priority", False))
        if fields.get("appointment_at"):      # absent from jobs of older servers
            values["appointment_at"] = parse(fields["appointment_at"])
        values["people_ahead"] = int(values["people_ahead"])
        values["estimated_wait_s"] = int(values["estimated_wait_s"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed print job: {exc}") from exc
    return TicketPrint(**values)


def _state_row(db, device_id: int) -> dict | None:
    return store.one(db, "SELECT state, detail FROM printer_state WHERE device_id = ?", (device_id,))


def _set_state(db, device: dict, printer_state: str, detail: str, now: datetime) -> Event | None:
    """Write the printer's state (inside a transaction); printer.changed if it differs."""
    if printer_state in ("none", "no_agent", "timeout", "expired"):
        # Not something the printer said: a missing agent shows as offline, a lost job says nothing.
        if printer_state != "no_agent":
            return None
        printer_state, detail = "offline", detail or AGENT_GONE
    detail = (detail or "")[:300]
    old = _state_row(db, device["id"])
    if old and old["state"] == printer_state and old["detail"] == detail:
        return None
    db.execute("INSERT INTO printer_state (device_id, state, detail, changed_at) VALUES (?, ?, ?, ?)"
               " ON CONFLICT(device_id) DO UPDATE SET state = excluded.state, detail = excluded.detail,"
               " changed_at = excluded.changed_at", (device["id"], printer_state, detail, iso(now)))
    if old and old["state"] == printer_state:
        return None  # only the wording changed: not worth a log row or a push
    audit.append(db, now, device["office_id"], "printer.changed", device_id=device["id"],
                 details={"state": printer_state, "detail": detail, "was": old["state"] if old else None})
    return Event("printer.changed", device["office_id"],
                 data={"device_id": device["id"], "name": device["name"], "state": printer_state, "detail": detail})


def record_state(db, device: dict, printer_state: str, detail: str, now: datetime) -> list[Event]:
    """Record what a printer said about itself (polling, an agent's report); events to push."""
    with store.transaction(db):
        event = _set_state(db, device, printer_state, detail, now)
    return [event] if event else []


def record_print(db, device: dict, ticket: dict, ok: bool, printer_state: str, detail: str, now: datetime,
                 *, reprint: bool = False, late: bool = False, notify: bool = True,
                 update_state: bool = True) -> list[Event]:
    """Log a print result (ticket.printed / ticket.print_failed) and the printer's state; events to push.

    The ticket itself is never touched: a failed print leaves it issued.
    """
    detail = (detail or "")[:300]
    with store.transaction(db):
        audit.append(db, now, ticket["office_id"], "ticket.printed" if ok else "ticket.print_failed",
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


def pollable_kiosks(db) -> list[tuple[dict, PrinterSpec]]:
    """Kiosks whose printer the server drives and can ask for status, with their specs."""
    out = []
    for device in accounts.list_devices(db):
        if device["kind"] != "kiosk" or device["revoked_at"]:
            continue
        route = printer_route(device["printer_url"])
        if route.route == "server" and route.spec is not None and route.spec.status:
            out.append((device, route.spec))
    return out
