"""Signed checkpoints (C2SP tlog-checkpoint) of each office's log: every minute while it grows, and at day close.

`make_due(db, signer, now)` is the checkpoint job the running server calls once a minute
(kezek/web/live/background.py, one process): it extends the trees, then signs and stores a
checkpoint for each office whose log grew since its last one (none when nothing changed) and
one closing each office day that ended (office-local midnight) — that one is made even when
the day added nothing. It returns the new checkpoint rows (dicts: id, office_id, size, root
hex, note, made_at, day), committed.

The witness hook: after make_due has committed, the background job calls every function in
`after_checkpoint` with (db, office_id, row) for each new row, in order, each in its own
try/except (a failing or slow one never stops checkpointing). The witness client registers
itself there (`checkpoints.after_checkpoint.append(push)`). Cosignatures it gets back go in
its own table; `published(db, row)` appends the lines `cosignature_lines` returns.
"""
from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date, datetime, timedelta

from kezek.base import database
from kezek.base.clock import iso, local_day, utc_bounds
from kezek.log import keyfile, note, store, tree

after_checkpoint: list[Callable] = []          # each f(db, office_id, row), called after commit
cosignature_lines: list[Callable] = []         # each f(db, row) -> list of "— name base64" lines to publish


def _make(db, signer: note.Signer, office_id: str, size: int, now: datetime, day: str | None) -> dict:
    root = tree.root(db, office_id, size)
    text = note.Checkpoint(keyfile.origin(signer.name, office_id), size, root).text()
    signed = note.sign(text, keyfile.office_signer(signer, office_id))
    row = {"office_id": office_id, "size": size, "root": root.hex(), "note": signed, "made_at": iso(now), "day": day}
    row["id"] = store.insert_checkpoint(db, office_id, size, row["root"], signed, row["made_at"], day)
    return row


def _closed_day(now: datetime, zone: str) -> tuple[str, str]:
    """The office day that ended last before `now`, and the UTC instant it ended."""
    yesterday = (date.fromisoformat(local_day(now, zone)) - timedelta(days=1)).isoformat()
    return yesterday, utc_bounds(yesterday, yesterday, zone)[1]


def make_due(db, signer: note.Signer, now: datetime) -> list[dict]:
    """Extend the trees, then sign the checkpoints that are due (see the module's docstring); the new rows."""
    tree.extend(db)
    made = []
    with database.transaction(db):
        sizes, zones = store.tree_sizes(db), store.office_zones(db)
        for office_id, size in sorted(sizes.items()):
            zone = zones.get(office_id)
            if zone:
                day, ended = _closed_day(now, zone)
                if store.daily_checkpoint(db, office_id, day) is None:
                    closing = min(size, store.office_events_before(db, office_id, ended))
                    if closing:
                        made.append(_make(db, signer, office_id, closing, now, day))
            latest = store.latest_checkpoint(db, office_id)
            if size and (latest is None or latest["size"] != size):
                made.append(_make(db, signer, office_id, size, now, None))
    return made


def latest(db, office_id: str) -> dict | None:
    """An office's newest checkpoint."""
    return store.latest_checkpoint(db, office_id)


def daily(db, office_id: str, day: str) -> dict | None:
    """The checkpoint that closed an office day (None until that day has ended)."""
    return store.daily_checkpoint(db, office_id, day)


def published(db, row: dict) -> str:
    """A checkpoint's note as published: the log's signature and any witnesses' cosignatures after it."""
    extra = [line for source in cosignature_lines for line in source(db, row)]
    return row["note"] if not extra else row["note"] + "".join(f"{line}\n" for line in extra)


def root_b64(row: dict) -> str:
    """A checkpoint's root hash as the note writes it (base64)."""
    return base64.b64encode(bytes.fromhex(row["root"])).decode("ascii")


def short_form(row: dict) -> str:
    """What a person compares at a glance: the size and the root's first characters."""
    return f"{row['size']} · {root_b64(row)[:10]}"


def summary(row: dict | None) -> dict | None:
    """A checkpoint for JSON answers: size, root, short form, when, the day it closes, the note."""
    if row is None:
        return None
    return {"size": row["size"], "root": root_b64(row), "short": short_form(row), "made_at": row["made_at"],
            "day": row["day"], "note": row["note"]}


def verifier_line(signer: note.Signer, office_id: str) -> str:
    """An office's verifier key in the form auditors keep ("origin+hexid+base64")."""
    return keyfile.office_verifier(signer, office_id).encode()
