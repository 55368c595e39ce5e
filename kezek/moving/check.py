"""A moved office's events: their ids here, and verify-log's check that each says what its first entry says.

An office moved with import-office (kezek/moving) brings its events: each is appended to this
database's chain as a new row (new id, this chain's previous hash) whose ticket, service, desk,
user and device ids, and the ids its details name, are this database's. Its leaf in the office's
transparency log stays the entry it was first written with, so checkpoints signed before the
move still verify. What binds the two is the import's id map: the entry, its ids mapped, must be
the row (but for the row's own id and previous hash). `check` proves that for every moved row;
without it, rows could tell a history other than the one the checkpoints sign.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from kezek.moving import store

# Kinds of id an event names: its columns, and its details' keys (audit_words reads the same keys as names).
EVENT_IDS = {"ticket_id": "tickets", "service_id": "services", "desk_id": "desks", "user_id": "users",
             "device_id": "devices"}
DETAIL_IDS = {"service_id": "services", "from_service_id": "services", "service_ids": "services",
              "services": "services",     # a finished visit's services served
              "desk_id": "desks", "to_desk_id": "desks", "from_desk_id": "desks", "user_id": "users",
              "to_user_id": "users", "for_user_id": "users", "booking_id": "bookings", "media_id": "media_files",
              "playlist_id": "playlists", "notice_id": "notices", "outcome_id": "outcome_kinds",
              "call": "help_calls", "device_id": "devices"}
ENTRY_FIELDS = ("id", "at", "office_id", "name", "ticket_id", "service_id", "desk_id", "user_id", "device_id",
                "details", "prev_hash")   # chain.FIELDS, as an entry holds them


def _one(maps: dict, kind: str, value):
    # An id the moved office no longer has (a deleted media file) names nothing here: None.
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return maps.get(kind, {}).get(value)


def map_details(value, maps: dict, key: str | None = None):
    """Details (parsed JSON) with every id they name mapped by kind; other values as they are."""
    if isinstance(value, dict):
        return {k: map_details(v, maps, k) for k, v in value.items()}
    if key in DETAIL_IDS:
        if isinstance(value, list):
            return [_one(maps, DETAIL_IDS[key], v) for v in value]
        return _one(maps, DETAIL_IDS[key], value)
    if isinstance(value, list):
        return [map_details(v, maps) for v in value]
    return value


def mapped_fields(fields: dict, maps: dict) -> dict:
    """An event's at, office, name, ids and details text as they read here (id and prev_hash left out)."""
    out = {k: fields[k] for k in ("at", "office_id", "name")}
    for column, kind in EVENT_IDS.items():
        out[column] = _one(maps, kind, fields[column]) if fields[column] is not None else None
    details = map_details(json.loads(fields["details"]), maps)
    out["details"] = json.dumps(details, ensure_ascii=False, sort_keys=True)   # as chain.append writes details
    return out


@dataclass
class Disagreement:
    """A moved row that does not say what its entry says."""

    event_id: int
    office_id: str
    reason: str


def check(db) -> Iterator[Disagreement]:
    """Every moved event whose row differs from its first entry read through its import's ids."""
    maps: dict[int, dict] = {}
    for row in store.imported_entry_rows(db):
        if row["import_id"] not in maps:
            maps[row["import_id"]] = store.import_id_map(db, row["import_id"])
        try:
            values = json.loads(row["entry"])
            fields = dict(zip(ENTRY_FIELDS, values, strict=True))
            expected = mapped_fields(fields, maps[row["import_id"]])
        except (ValueError, TypeError, KeyError):
            yield Disagreement(row["id"], row["office_id"], "its first entry is not an event")
            continue
        for column, value in expected.items():
            if row[column] != value:
                yield Disagreement(row["id"], row["office_id"], f"{column} differs from its first entry")
                break
