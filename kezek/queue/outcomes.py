"""A visit's outcome: the office's list (resolved, needs documents, referred, other; the admin edits it)
and what the specialist records when finishing — the outcome, an optional note, the services served.

The outcome and the services go into the `ticket.finished` event's details; the note, like a
transfer's, only as a salted hash (kezek/queue/transfers.py), so the public proof of a ticket
never shows it. Reports count the outcomes (kezek/reports/figures.py).
"""
from __future__ import annotations

import re
from datetime import datetime

from kezek.base import database
from kezek.base.clock import iso
from kezek.base.errors import Invalid, NotFound
from kezek.log import chain
from kezek.office import store as office_store
from kezek.queue import store, tickets
from kezek.queue.transfers import clean_text, sealed

# Every office starts with these (the admin renames, reorders, adds and switches them off).
DEFAULTS = (
    ("resolved", "Мәселе шешілді", "Вопрос решён", "Resolved"),
    ("documents", "Құжаттар жетіспейді", "Нужны документы", "Needs documents"),
    ("referred", "Басқа мекемеге жіберілді", "Направлен в другое ведомство", "Referred elsewhere"),
    ("other", "Басқа", "Другое", "Other"),
)
NAME_LIMIT = 80
CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def _view(row: dict) -> dict:
    return {k: row[k] for k in ("id", "code", "name_kk", "name_ru", "name_en", "sort_order")} | {
        "active": bool(row["active"])}


def kinds(db, office_id: str) -> list[dict]:
    """The office's outcomes in their order; the four defaults are written on first use."""
    rows = store.outcome_kinds(db, office_id)
    if rows:
        return [_view(r) for r in rows]
    with database.transaction(db):
        if not store.outcome_kinds(db, office_id):
            for order, (code, kk, ru, en) in enumerate(DEFAULTS):
                store.insert_outcome_kind(db, office_id, {"code": code, "name_kk": kk, "name_ru": ru, "name_en": en,
                                                          "sort_order": order})
    return [_view(r) for r in store.outcome_kinds(db, office_id)]


def _names(values: dict, required: bool) -> dict:
    out = {}
    for lang in ("kk", "ru", "en"):
        key = f"name_{lang}"
        if key not in values:
            if required:
                raise Invalid(f"{key}: required.", "bad_field", field=key)
            continue
        name = values[key].strip() if isinstance(values[key], str) else ""
        if not name or len(name) > NAME_LIMIT:
            raise Invalid(f"{key}: 1 to {NAME_LIMIT} characters.", "bad_field", field=key)
        out[key] = name
    return out


def create_kind(db, office_id: str, values: dict, now: datetime, *, by_user_id: int | None = None) -> dict:
    """Add an outcome to the office's list (admin)."""
    names = _names(values, True)
    kinds(db, office_id)     # the defaults first, so a new one goes after them
    with database.transaction(db):
        existing = store.outcome_kinds(db, office_id)
        code = values.get("code") or f"custom_{len(existing) + 1}"
        if not isinstance(code, str) or not CODE.match(code):
            raise Invalid("code: a–z, 0–9 and _ (32 at most), starting with a letter.", "bad_field", field="code")
        if any(r["code"] == code for r in existing):
            raise Invalid("That code is taken.", "code_taken", field="code")
        order = max((r["sort_order"] for r in existing), default=-1) + 1
        outcome_id = store.insert_outcome_kind(db, office_id, {"code": code, **names, "sort_order": order})
        chain.append(db, now, office_id, "outcome.created", user_id=by_user_id,
                     details={"outcome_id": outcome_id, "code": code, **names})
    return _view(store.outcome_kind(db, outcome_id))


def change_kind(db, outcome_id: int, values: dict, now: datetime, *, office_ids=None,
                by_user_id: int | None = None) -> dict:
    """Rename, reorder or switch an outcome on or off (admin); `office_ids`: the admin's offices."""
    changes = _names(values, False)
    if "active" in values:
        if not isinstance(values["active"], bool):
            raise Invalid("active: true or false.", "bad_field", field="active")
        changes["active"] = int(values["active"])
    if "sort_order" in values:
        order = values["sort_order"]
        if not isinstance(order, int) or isinstance(order, bool) or not -10_000 <= order <= 10_000:
            raise Invalid("sort_order: a whole number from -10000 to 10000.", "bad_field", field="sort_order")
        changes["sort_order"] = values["sort_order"]
    with database.transaction(db):
        row = store.outcome_kind(db, outcome_id)
        if row is None or (office_ids is not None and row["office_id"] not in office_ids):
            raise NotFound("No such outcome.", "outcome_not_found")
        if changes:
            store.update_outcome_kind(db, outcome_id, changes)
            chain.append(db, now, row["office_id"], "outcome.changed", user_id=by_user_id,
                         details={"outcome_id": outcome_id, "code": row["code"], **changes})
    return _view(store.outcome_kind(db, outcome_id))


def _recorder(db, outcome_id: int, note: str | None, service_ids: list[int], now: datetime):
    def record(ticket: dict) -> dict:
        kind = store.outcome_kind(db, outcome_id)
        if kind is None or kind["office_id"] != ticket["office_id"] or not kind["active"]:
            raise NotFound("No such outcome.", "outcome_not_found", field="outcome")
        served = sorted({ticket["service_id"], *service_ids})
        for service_id in served:
            service = office_store.service(db, service_id)
            if service is None or service["office_id"] != ticket["office_id"]:
                raise NotFound("No such service.", "service_not_found", field="services")
        salt, digest = sealed(note)
        store.insert_visit_outcome(db, ticket["id"], outcome_id, note, salt, iso(now), served)
        return {"outcome_id": outcome_id, "outcome": kind["code"], "services": served,
                **({"note_sha256": digest} if digest else {})}
    return record


def finish(db, ticket_id: int, now: datetime, *, outcome_id: int | None = None, note=None,
           service_ids=None, user_id: int | None = None) -> tickets.Outcome:
    """Finish a visit, recording its outcome, note and the services served (the ticket's own and others)."""
    note = clean_text(note, "note")
    service_ids = list(service_ids or [])
    if len(service_ids) > 20 or not all(isinstance(s, int) and not isinstance(s, bool) and 0 < s < 2**62
                                        for s in service_ids):
        raise Invalid("services: up to 20 service ids.", "bad_field", field="services")
    if outcome_id is None:
        if note or service_ids:
            raise Invalid("Choose what the visit came to.", "outcome_required", field="outcome")
        return tickets.finish(db, ticket_id, now, user_id=user_id)
    return tickets.finish(db, ticket_id, now, user_id=user_id,
                          visit=_recorder(db, outcome_id, note, service_ids, now))
