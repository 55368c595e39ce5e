"""The append-only, hash-chained event log: every change of a ticket or a desk."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from kezek.base import store as base_store
from kezek.base.clock import iso
from kezek.log import report_facts, store

GENESIS = "0" * 64
FIELDS = ("id", "at", "office_id", "name", "ticket_id", "service_id", "desk_id",
          "user_id", "device_id", "details", "prev_hash")


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode   # json.dumps with these, minus its setup


def canonical_values(values) -> bytes:
    """The canonical bytes of FIELDS' values in order (a row read as a tuple): a compact JSON array, UTF-8."""
    return _encode(values).encode("utf-8")


def canonical(row: dict) -> bytes:
    """A row's canonical bytes: the JSON array of FIELDS' values, compact, UTF-8 (the transparency log's entry)."""
    return canonical_values([row[f] for f in FIELDS])


def row_hash(row: dict) -> str:
    """The hash of one row: its fields and the previous row's hash."""
    return hashlib.sha256(canonical(row)).hexdigest()


def append(db, now: datetime, office_id: str, name: str, *, ticket_id=None, service_id=None,
           desk_id=None, user_id=None, device_id=None, details: dict | None = None) -> dict:
    """Write one event row (call inside the transaction of the change it records)."""
    head = store.log_head(db)
    row = {
        "id": (head["id"] + 1) if head else 1,
        "at": iso(now),
        "office_id": office_id,
        "name": name,
        "ticket_id": ticket_id,
        "service_id": service_id,
        "desk_id": desk_id,
        "user_id": user_id,
        "device_id": device_id,
        "details": json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
        "prev_hash": head["hash"] if head else GENESIS,
    }
    row["hash"] = row_hash(row)
    store.insert_event(db, row)
    report_facts.record(db, row)   # the reports' per-ticket summary, in the same transaction
    # The head is kept apart so that removing the newest rows is detected too.
    base_store.set_setting(db, "log_head", f"{row['id']}:{row['hash']}")
    return row


@dataclass
class Verification:
    """The result of checking the chain."""

    ok: bool
    checked: int
    bad_id: int | None = None
    reason: str = ""


def verify(db) -> Verification:
    """Check every row's hash and link, and that the newest row is the recorded head."""
    prev_hash, prev_id, checked = GENESIS, 0, 0
    sha256, encode = hashlib.sha256, canonical_values     # the hot loop of verify-log: rows as tuples
    for row in store.chain_tuples(db):                    # FIELDS' values, then the hash
        row_id, link, stored = row[0], row[10], row[11]
        if row_id != prev_id + 1:
            return Verification(False, checked, row_id, f"row(s) missing before {row_id}")
        if link != prev_hash:
            return Verification(False, checked, row_id, "link to previous row broken")
        if sha256(encode(row[:11])).hexdigest() != stored:
            return Verification(False, checked, row_id, "row was edited")
        prev_hash, prev_id, checked = stored, row_id, checked + 1
    head = base_store.get_setting(db, "log_head")
    expected = f"{prev_id}:{prev_hash}" if checked else None
    if head != expected:
        return Verification(False, checked, prev_id, "newest rows were removed or the head was changed")
    return Verification(True, checked)


def list_events(db, office_id: str, *, since: str | None = None, until: str | None = None,
                name: str | None = None, ticket_id: int | None = None, limit: int = 200,
                before_id: int | None = None) -> list[dict]:
    """Events of an office, newest first, with optional filters."""
    rows = store.office_events(db, office_id, since=since, until=until, name=name, ticket_id=ticket_id,
                               before_id=before_id, limit=limit)
    for row in rows:
        row["details"] = json.loads(row["details"])
    return rows
