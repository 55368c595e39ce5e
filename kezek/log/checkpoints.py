"""Signed checkpoints (C2SP tlog-checkpoint) of each office's log: every minute while it grows, and at day close.

`make_due(db, signer, now)` is the checkpoint job the running server calls once a minute
(kezek/web/live/background.py, one process): it extends the trees, then signs and stores a
checkpoint for each office whose log grew since its last one (none when nothing changed) and
one closing each office day that ended (office-local midnight) — that one is made even when
the day added nothing. It returns the new checkpoint rows (dicts: id, office_id, size, root
hex, note, made_at, day), committed.
Before signing, the new tree must be one history with the newest stored checkpoint that the
key signed (a consistency proof); when it is not — events rewritten behind the server's back —
nothing is signed for that office and "LOG NOT SIGNED" is logged every minute.

The witness hook: after make_due has committed, the background job calls every function in
`after_checkpoint` with (db, office_id, row) for each new row, in order, each in its own
try/except (a failing or slow one never stops checkpointing). The witness client registers
itself there (`checkpoints.after_checkpoint.append(push)`). Cosignatures it gets back go in
its own table; `published(db, row)` appends the lines `cosignature_lines` returns.
"""
from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from kezek.base import database
from kezek.base.clock import iso, local_day, utc_bounds
from kezek.log import keyfile, merkle, note, store, tree

after_checkpoint: list[Callable] = []          # each f(db, office_id, row), called after commit
cosignature_lines: list[Callable] = []         # each f(db, row) -> list of "— name base64" lines to publish
log = logging.getLogger(__name__)


def _extends_signed(db, signer: note.Signer, office_id: str, size: int, root: bytes) -> str | None:
    """None when the newest stored checkpoint verifies with the key and is one history with (size, root); else why not.

    Someone who can write the database but lacks the key could rewrite events and the tree
    and let this job sign the new history; checking against the last checkpoint the key
    signed refuses that (deleting every stored checkpoint remains possible: kept ones and
    witnesses catch it).
    """
    latest = store.latest_checkpoint(db, office_id)
    if latest is None:
        return None
    try:
        kept = note.parse_checkpoint(note.verify(latest["note"], keyfile.office_verifier(signer, office_id)))
    except note.NoteError:
        return f"stored checkpoint #{latest['id']} does not verify with the log's key"
    if kept.size > tree.size(db, office_id):
        return f"the log is shorter than stored checkpoint #{latest['id']} (size {kept.size})"
    try:
        if kept.size <= size:
            merkle.verify_consistency(kept.size, size, kept.root, root, tree.consistency(db, office_id, kept.size, size))
        else:
            merkle.verify_consistency(size, kept.size, root, kept.root, tree.consistency(db, office_id, size, kept.size))
    except merkle.ProofError:
        return f"the log no longer extends stored checkpoint #{latest['id']} (size {kept.size})"
    return None


def _make(db, signer: note.Signer, office_id: str, size: int, now: datetime, day: str | None) -> dict | None:
    root = tree.root(db, office_id, size)
    refused = _extends_signed(db, signer, office_id, size, root)
    if refused:
        log.error("LOG NOT SIGNED for office %s at size %s: %s", office_id, size, refused)
        return None
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
    return [row for row in made if row is not None]


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
