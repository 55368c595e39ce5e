"""Does the log extend the checkpoints someone kept? Recomputed from the events, not from the kept subtrees.

An auditor keeps checkpoint notes (from /api/v1/log/checkpoint, the open board, the printed
day's checkpoint). For each one: its signature must verify with the office's key, and the
office's log recomputed from its events must be at least as long and have the same root at
that size. The server's own stored checkpoints are checked the same way.
"""
from __future__ import annotations

from dataclasses import dataclass

from kezek.log import keyfile, note, store, tree

ROLLED_BACK = "the log is shorter than a kept checkpoint (size {size}): history was rolled back"
REWRITTEN = "the log at size {size} has another root: history was rewritten"


@dataclass
class Finding:
    """What one checkpoint's check found."""

    source: str            # the file it came from, or "stored checkpoint #id"
    origin: str
    size: int
    ok: bool
    message: str


def _office(origin: str, verifiers: list[note.Verifier]) -> tuple[str | None, list[note.Verifier]]:
    """The office a checkpoint's origin names ("<log name>/<office>"), and the keys named by it.

    Several: an office moved in (kezek/moving) from a server whose log had the same name as this one.
    """
    keys = [v for v in verifiers if v.name == origin and "/" in origin]
    return (origin.rsplit("/", 1)[1], keys) if keys else (None, [])


def _verifies(text: str, keys: list[note.Verifier]) -> bool:
    for key in keys:
        try:
            note.verify(text, key)
            return True
        except note.NoteError:
            continue
    return False


def check_notes(db, notes: list[tuple[str, str]], verifiers: list[note.Verifier]) -> list[Finding]:
    """Check (source, note text) pairs against the log; one Finding each."""
    findings: list[Finding] = []
    wanted: dict[str, list[tuple[int, note.Checkpoint]]] = {}
    for source, text in notes:
        try:
            body, _signatures = note.split(text)
            checkpoint = note.parse_checkpoint(body)
        except note.NoteError as err:
            findings.append(Finding(source, "", 0, False, f"not a checkpoint: {err}"))
            continue
        office, verifier = _office(checkpoint.origin, verifiers)
        if office is None:
            findings.append(Finding(source, checkpoint.origin, checkpoint.size, False,
                                    "no key for this origin: not a checkpoint of this log"))
            continue
        if not _verifies(text, verifier):
            findings.append(Finding(source, checkpoint.origin, checkpoint.size, False,
                                    "the signature does not verify with the office's key"))
            continue
        wanted.setdefault(office, []).append((len(findings), checkpoint))
        findings.append(Finding(source, checkpoint.origin, checkpoint.size, True, ""))
    for office, items in wanted.items():
        current, roots = tree.recompute(db, office, {c.size for _, c in items})
        for position, checkpoint in items:
            found = findings[position]
            if checkpoint.size > current:
                found.ok, found.message = False, ROLLED_BACK.format(size=checkpoint.size)
            elif roots[checkpoint.size] != checkpoint.root:
                found.ok, found.message = False, REWRITTEN.format(size=checkpoint.size)
            else:
                found.message = f"the log ({current} entries) extends it"
    return findings


def verifiers_for(db, signer: note.Signer | None, keys: list[str]) -> list[note.Verifier]:
    """The keys to check with: each office's key from the server's key file, and any given as text."""
    found = [note.parse_verifier(k) for k in keys]
    if signer is not None:
        offices = set(store.event_offices(db)) | set(store.office_zones(db))
        found += [keyfile.office_verifier(signer, office) for office in sorted(offices)]
    return found


def report(db, files: list[str], keys: list[str], signer: note.Signer | None,
           moved: list[tuple[str, str, str]] = ()) -> tuple[bool, list[str]]:
    """verify-log's checkpoint part: every kept file and every stored checkpoint; (all hold, lines to print).

    `moved`: (source, note, verifier) of checkpoints an office moved in with (kezek/moving), signed elsewhere.
    """
    verifiers = verifiers_for(db, signer, keys)
    notes = []
    for name in files:
        with open(name, encoding="utf-8") as f:
            notes.append((name, f.read()))
    verifiers += [note.parse_verifier(v) for v in sorted({key for _s, _n, key in moved})]
    stored = [(f"stored checkpoint #{row['id']}", row["note"]) for office in store.event_offices(db)
              for row in store.office_checkpoints(db, office)] if verifiers else []
    stored += [(source, text) for source, text, _key in moved]
    findings = check_notes(db, notes + stored, verifiers)
    kept, own = findings[:len(notes)], findings[len(notes):]
    lines = [f"checkpoint {f.source} ({f.origin}, size {f.size}): {'OK, ' if f.ok else 'FAILED: '}{f.message}"
             for f in kept]
    bad = [f for f in own if not f.ok]
    lines += [f"{f.source} ({f.origin}, size {f.size}): FAILED: {f.message}" for f in bad]
    if own and not bad:
        lines.append(f"stored checkpoints OK: the log extends all {len(own)}")
    return all(f.ok for f in findings), lines
