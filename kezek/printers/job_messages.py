"""The `print.job` message a server sends a print agent: the ticket's fields as JSON."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from kezek.base.clock import iso, parse
from kezek.printers.drawing import TicketPrint


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
        desks = fields.get("desks") or []      # absent from jobs of older servers
        if not isinstance(desks, list) or len(desks) > 64 or not all(isinstance(d, str) for d in desks):
            raise ValueError("desks: a list of desk names")
        values["desks"] = [d[:20] for d in desks]
        zones = fields.get("zones") or []      # absent from jobs of older servers
        if not isinstance(zones, list) or len(zones) > 16 or not all(isinstance(z, str) for z in zones):
            raise ValueError("zones: a list of zone names")
        values["zones"] = [z[:80] for z in zones]
        values["people_ahead"] = int(values["people_ahead"])
        values["estimated_wait_s"] = int(values["estimated_wait_s"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed print job: {exc}") from exc
    return TicketPrint(**values)
