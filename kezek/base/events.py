"""Live events: every name, its payload, and which Socket.IO rooms receive it.

Rooms (per office): `display:<office>` (public: numbers and desks only),
`operators:<office>`, `desk:<id>`, `desks:<office>` (scoped desk screens: staff alerts only),
`ticket:<token>`, `queue:<office>` (ticket pages and the open board: counts only),
`kiosks:<office>` and `kiosk:<device id>`; the region's `region-monitor` (signed-in region admins only).
"""
from __future__ import annotations

from dataclasses import dataclass, field

# name -> what its payload carries (documented in README.md; a test keeps them in step)
EVENTS = {
    "snapshot": "the whole state a screen shows, sent on every connect and reconnect",
    "ticket.issued": "ticket (staff view) to operators; counts follow in queue.changed",
    "ticket.called": "number, desk, desk_id, service_id, at (display); staff view to operators",
    "ticket.recalled": "as ticket.called, with recalls: how many times it was called again",
    "ticket.started": "number, desk, desk_id, status",
    "ticket.finished": "number, desk, desk_id, status",
    "ticket.no_show": "number, desk, desk_id, status",
    "ticket.transferred": "number, service_id (the new one), from_service_id, first",
    "ticket.returned": "number, service_id, status (waiting again)",
    "ticket.cancelled": "number, service_id, status",
    "ticket.expired": "number, service_id, status",
    "queue.changed": "office, services: [{id, waiting, estimated_wait_s}]",
    "desk.changed": "desk: {id, name, paused, pause_reason, current (number or null)}",
    "printer.changed": "device_id, name, state, detail",
    "ticket.printed": "ticket_id, number, ok, state, detail (to the kiosk that issued it)",
    "help.requested": "id, device_id, kiosk (its name), requested_at: a visitor at a kiosk needs help",
    "help.acknowledged": "id, device_id, kiosk, acknowledged_at, acknowledged_by: someone is coming",
    "desk.queue": "a desk's own state to its scoped screens: scope, seq, desk_id, desk, current, queue,"
                  " services: [{id, waiting, estimated_wait_s}] (its services), served_today",
    "media.changed": "office: a display's playlist, layout, notices or a service's what-to-bring changed (fetch again)",
    "region.monitor": "GET /api/v1/region/monitor's answer (every office now), coalesced, to region admins' monitors",
}

PUBLIC_TICKET_FIELDS = ("number", "service_id", "status", "desk_id", "desk", "called_at", "recalls")


@dataclass(frozen=True)
class Event:
    """Something that changed, to be pushed after the transaction commits."""

    name: str
    office_id: str
    ticket: dict | None = None      # the engine's full ticket row (with token)
    desk: dict | None = None        # {id, name, paused, pause_reason, current}
    data: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.name not in EVENTS:
            raise ValueError(f"undocumented event {self.name}")


def public_ticket(ticket: dict) -> dict:
    """What anyone may see of a ticket: no token, no ids of people."""
    view = {k: ticket.get(k) for k in PUBLIC_TICKET_FIELDS}
    view["number"] = ticket["display_number"]
    return view


def staff_ticket(ticket: dict) -> dict:
    """What operators see of a ticket (no token: it is the visitor's key to the ticket page)."""
    view = {k: v for k, v in ticket.items() if k not in ("token", "display_number")}
    view["number"] = ticket["display_number"]
    return view


def deliveries(event: Event) -> list[tuple[str, dict]]:
    """(room, payload) pairs for one event; public rooms never get tokens."""
    office = event.office_id
    out: list[tuple[str, dict]] = []
    if event.name == "queue.changed":
        for room in (f"display:{office}", f"operators:{office}", f"queue:{office}", f"kiosks:{office}"):
            out.append((room, dict(event.data)))
        return out
    if event.name == "desk.changed":
        out.append((f"operators:{office}", {"desk": event.desk}))
        out.append((f"desk:{event.desk['id']}", {"desk": event.desk}))
        out.append((f"display:{office}", {"desk": {k: event.desk[k] for k in ("id", "name", "paused", "current")}}))
        return out
    if event.name == "media.changed":
        return [(f"display:{office}", dict(event.data))]   # the hall displays fetch their content again
    if event.name in ("help.requested", "help.acknowledged"):
        # Staff screens (operators and the monitor) and the kiosk that asked; never the public rooms.
        return [(f"operators:{office}", dict(event.data)), (f"desks:{office}", dict(event.data)),
                (f"kiosk:{event.data['device_id']}", dict(event.data))]
    if event.name == "ticket.printed":
        # Only the kiosk that issued the ticket: it shows the ticket on screen when ok is false.
        payload = {k: event.data[k] for k in ("ticket_id", "number", "ok", "state", "detail")}
        return [(f"kiosk:{event.data['device_id']}", payload)]
    if event.name == "printer.changed":
        out.append((f"operators:{office}", dict(event.data)))
        out.append((f"desks:{office}", dict(event.data)))
        out.append((f"kiosk:{event.data['device_id']}", dict(event.data)))
        return out
    ticket = event.ticket
    public = {**public_ticket(ticket), **event.data}
    staff = {"ticket": staff_ticket(ticket), **event.data}
    if event.name != "ticket.issued":
        out.append((f"display:{office}", public))
    out.append((f"operators:{office}", staff))
    if ticket.get("desk_id"):
        out.append((f"desk:{ticket['desk_id']}", staff))
    out.append((f"ticket:{ticket['token']}", public))
    return out
