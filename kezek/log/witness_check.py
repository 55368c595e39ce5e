"""verify-log --witness URL: fetch the newest checkpoint a witness cosigned for each office's origin, and check its cosignature.

The notes it returns are then checked like kept checkpoint files (kezek/log/tree_check.py):
signed by the office's key, and extended by the log recomputed from its events. A witness
that holds nothing for an origin is reported, not failed (it may be new); one that cannot be
reached, or whose cosignature does not verify with a key given, fails the check.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import requests

from kezek.log import note, store

TIMEOUT = (5.0, 20.0)


@dataclass
class Fetched:
    """What the witnesses gave: (source, note) pairs to check, lines to print, and whether anything failed."""

    notes: list[tuple[str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    ok: bool = True


def origins(db, signer: note.Signer | None) -> list[str]:
    """Every origin this log has published: each stored checkpoint's, and each office's under the key."""
    found = set()
    for office in store.event_offices(db):
        if signer is not None:
            found.add(f"{signer.name}/{office}")
        for row in store.office_checkpoints(db, office)[-1:]:
            found.add(note.parse_checkpoint(note.split(row["note"])[0]).origin)
    return sorted(found)


def _cosigned_by(text: str, signatures: list[note.Signature], keys: list[note.Verifier]) -> bool:
    for key in keys:
        for signature in signatures:
            try:
                note.verify_cosignature(text, signature, key)
                return True
            except note.NoteError:
                continue
    return False


def fetch(urls: list[str], wanted: list[str], keys: list[str], session=None) -> Fetched:
    """The newest cosigned checkpoint of each origin from each witness (keys: cosignature keys to require)."""
    out = Fetched()
    try:
        verifiers = [note.parse_verifier(k) for k in keys]
    except note.NoteError as err:
        out.ok, out.lines = False, [f"witness key: {err}"]
        return out
    http = session or requests
    for url in urls:
        base = url.rstrip("/")
        for origin in wanted:
            source = f"witness {base} ({origin})"
            try:
                answer = http.get(base + "/checkpoint", params={"origin": origin}, timeout=TIMEOUT)
            except requests.RequestException as err:
                out.ok = False
                out.lines.append(f"{source}: FAILED: cannot reach the witness ({type(err).__name__})")
                continue
            if answer.status_code == 404:
                out.lines.append(f"{source}: the witness holds no checkpoint of this log")
                continue
            if answer.status_code != 200:
                out.ok = False
                out.lines.append(f"{source}: FAILED: the witness answered {answer.status_code}")
                continue
            try:
                text, signatures = note.split(answer.text)
                size = note.parse_checkpoint(text).size
            except note.NoteError as err:
                out.ok = False
                out.lines.append(f"{source}: FAILED: not a checkpoint: {err}")
                continue
            if verifiers and not _cosigned_by(text, signatures, verifiers):
                out.ok = False
                out.lines.append(f"{source}: FAILED: size {size} carries no valid cosignature of the witness key")
                continue
            out.notes.append((source, answer.text))
    return out
