"""Transfers: send a visitor on to another service, to a desk or to a specialist, with a note.

The ticket keeps its number and its place by issue time (or goes first, with a reason). A
transfer to a desk is called at that desk only, one to a specialist only by that user
(kezek/queue/policy.py). The note is for the receiving desk ("transferred from desk 3: …"):
staff screens show it, public surfaces never do, and the log keeps only its salted hash (the
ticket's proof is public to whoever holds the ticket).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from kezek.base import database
from kezek.base.clock import iso
from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.base.events import Event
from kezek.office import store as office_store
from kezek.queue import store
from kezek.queue.tickets import Outcome, _load, _log, desk_view, queue_event

NOTE_LIMIT = 500


def note_digest(salt: str | None, note: str | None) -> str | None:
    """What the log keeps of a staff note: sha256 of salt and note (None when there is no note)."""
    if note is None:
        return None
    return hashlib.sha256(((salt or "") + note).encode("utf-8")).hexdigest()


def sealed(note: str | None) -> tuple[str | None, str | None]:
    """(salt, digest) for a new note: a random salt, so a short note cannot be guessed from the log."""
    if note is None:
        return None, None
    salt = secrets.token_hex(8)
    return salt, note_digest(salt, note)


def clean_text(value, field: str, limit: int = NOTE_LIMIT) -> str | None:
    """A free-text field stripped (None when empty), refused when too long."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{field}: text.", "bad_field", field=field)
    value = value.strip() or None
    if value and len(value) > limit:
        code = {"reason": "reason_too_long", "note": "note_too_long"}.get(field, "too_long")
        raise Invalid(f"The {field} is too long ({limit} characters at most).", code, field=field)
    return value


def _target_desk(db, desk_id: int, ticket: dict) -> dict:
    desk = office_store.desk(db, desk_id)
    if desk is None or desk["office_id"] != ticket["office_id"] or not desk["active"]:
        raise NotFound("No such desk.", "desk_not_found", field="desk")
    if desk_id == ticket["desk_id"]:
        raise Invalid("The visitor is already at this desk.", "same_desk", field="desk")
    return desk


def _target_user(db, user_id: int, ticket: dict) -> dict:
    user = store.specialist(db, ticket["office_id"], user_id)
    if user is None:
        raise NotFound("No such specialist.", "user_not_found", field="user")
    return user


def transfer(db, ticket_id: int, service_id: int | None, now: datetime, *, desk_id: int | None = None,
             to_user_id: int | None = None, note: str | None = None, first: bool = False,
             reason: str | None = None, user_id: int | None = None) -> Outcome:
    """Send the visitor to another service, a desk or a specialist: same number, a note for the receiver."""
    reason, note = clean_text(reason, "reason"), clean_text(note, "note")
    if first and reason is None:
        raise Invalid("Putting a ticket first in line needs a reason.", "reason_required", field="reason")
    if service_id is None and desk_id is None and to_user_id is None:
        raise Invalid("Choose a service, a desk or a specialist.", "target_required", field="service")
    if desk_id is not None and to_user_id is not None:
        raise Invalid("Transfer to a desk or to a specialist, not both.", "one_target", field="desk")
    with database.transaction(db):
        ticket = _load(db, ticket_id, "transfer")
        if desk_id is not None:
            _target_desk(db, desk_id, ticket)
        if to_user_id is not None:
            _target_user(db, to_user_id, ticket)
        service_id = ticket["service_id"] if service_id is None else service_id
        target = office_store.service(db, service_id)
        if target is None or target["office_id"] != ticket["office_id"]:
            raise NotFound("No such service.", "service_not_found", field="service")
        if not target["active"]:
            raise Conflict("That service is not active.", "service_inactive")
        if service_id == ticket["service_id"] and desk_id is None and to_user_id is None:
            raise Invalid("The ticket is already in that service.", "same_service", field="service")
        from_desk = ticket["desk_id"]
        store.update_ticket(db, ticket_id, status="waiting", service_id=service_id, desk_id=None,
                            queued_at=ticket["issued_at"], first_in_line=int(bool(first)),
                            called_at=None, started_at=None)
        store.update_desk(db, from_desk, current_ticket_id=None, changed_at=iso(now))
        salt, digest = sealed(note)
        store.set_target(db, ticket_id, desk_id, to_user_id, from_desk, note, salt, iso(now))
        moved = store.ticket(db, ticket_id)
        # "to" marks a transfer that keeps its target row (kezek/queue/projection.py compares it).
        aimed = {"to": "desk" if desk_id else "user" if to_user_id else "service"}
        aimed |= {k: v for k, v in (("to_desk_id", desk_id), ("to_user_id", to_user_id), ("reason", reason),
                                   ("note_sha256", digest)) if v is not None}
        _log(db, now, "ticket.transferred", moved, user_id=user_id, desk_id=from_desk,
             from_service_id=ticket["service_id"], first=bool(first), **aimed)
        # The live payload goes to public rooms too: no note, no specialist there.
        data = {"from_service_id": ticket["service_id"], "first": bool(first)}
        events = [Event("ticket.transferred", moved["office_id"], moved, data=data),
                  Event("desk.changed", moved["office_id"], desk=desk_view(db, from_desk)),
                  queue_event(db, moved["office_id"], now)]
    return Outcome(moved, events)


def received(db, ticket_id: int) -> dict | None:
    """What the receiving desk sees of a ticket's latest transfer: from which desk, to whom, the note."""
    row = store.target(db, ticket_id)
    if row is None:
        return None
    return {"from_desk_id": row["from_desk_id"], "from_desk": row["from_desk"], "desk_id": row["desk_id"],
            "desk": row["desk"], "user_id": row["user_id"], "user": row["user"], "note": row["note"],
            "at": row["at"]}


def targets(db, office_id: str) -> dict:
    """Where an operator may send a visitor: services with their bodies, desks with theirs, specialists."""
    services = {s["id"]: s for s in office_store.services(db, office_id)}
    desks = []
    for d in office_store.desks(db, office_id):
        if not d["active"]:
            continue
        served = [services[i] for i in d["service_ids"] if i in services]
        bodies = []
        for s in served:
            body = {lang: s[f"group_{lang}"] or "" for lang in ("kk", "ru", "en")}
            if body["kk"] and body not in bodies:
                bodies.append(body)
        desks.append({"id": d["id"], "name": d["name"], "paused": bool(d["paused"]), "service_ids": d["service_ids"],
                      "bodies": bodies})
    return {"desks": desks, "specialists": store.specialists(db, office_id)}
