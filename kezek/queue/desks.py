"""Desk operations: pause with a reason, resume."""
from __future__ import annotations

from datetime import datetime

from kezek.base import database
from kezek.base.clock import iso
from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.base.events import Event
from kezek.log import chain
from kezek.office import store as office_store
from kezek.queue import store
from kezek.queue.tickets import Outcome, desk_view, queue_event  # noqa: F401  (desk_view re-exported)

PAUSE_REASONS = ("break", "lunch", "technical", "back_office")


def pause(db, desk_id: int, reason: str, now: datetime, *, user_id: int | None = None) -> Outcome:
    """Stop calling at a desk for a reason; the desk must not hold a visitor."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("A pause needs a reason.", "reason_required", allowed=list(PAUSE_REASONS))
    if len(reason) > 200:
        raise Invalid("The reason is too long (200 characters at most).", "reason_too_long")
    with database.transaction(db):
        desk = office_store.desk(db, desk_id)
        if desk is None:
            raise NotFound("No such desk.", "desk_not_found")
        if desk["paused"]:
            raise Conflict("The desk is already paused.", "desk_paused")
        if desk["current_ticket_id"]:
            raise Conflict("Finish or release the current visitor before a pause.", "desk_busy")
        store.update_desk(db, desk_id, paused=1, pause_reason=reason, changed_at=iso(now))
        chain.append(db, now, desk["office_id"], "desk.paused", desk_id=desk_id, user_id=user_id,
                     details={"reason": reason, "desk": desk["name"]})
        events = [Event("desk.changed", desk["office_id"], desk=desk_view(db, desk_id)),
                  queue_event(db, desk["office_id"], now)]
    return Outcome(None, events)


def resume(db, desk_id: int, now: datetime, *, user_id: int | None = None) -> Outcome:
    """Start calling at a paused desk again."""
    with database.transaction(db):
        desk = office_store.desk(db, desk_id)
        if desk is None:
            raise NotFound("No such desk.", "desk_not_found")
        if not desk["paused"]:
            raise Conflict("The desk is not paused.", "desk_not_paused")
        store.update_desk(db, desk_id, paused=0, pause_reason=None, changed_at=iso(now))
        chain.append(db, now, desk["office_id"], "desk.resumed", desk_id=desk_id, user_id=user_id,
                     details={"desk": desk["name"], "paused_for": desk["pause_reason"]})
        events = [Event("desk.changed", desk["office_id"], desk=desk_view(db, desk_id)),
                  queue_event(db, desk["office_id"], now)]
    return Outcome(None, events)
