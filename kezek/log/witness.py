"""A witness (C2SP tlog-witness): accept a log's checkpoint only if it extends the last one cosigned, cosign it, keep it, alarm when not.

The witness is configured with the logs it serves (origin and the log's verifier key, one pair
a line in a file) and its own cosignature key (a key file outside the database). Every
checkpoint it accepts is kept; each new one must come with a consistency proof from the newest
kept one. A validly signed checkpoint that does not extend it is evidence against the log: it is
kept as an alarm and written to this server's own event log.
"""
from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kezek.base import database
from kezek.base.clock import iso
from kezek.log import chain, merkle, note, store

SIZE_TYPE = "text/x.tlog.size"
TEXT_TYPE = "text/plain; charset=utf-8"
MAX_PROOF_LINES = 63
ALARM_EVENT = "witness.alarm"


class WitnessConfigError(ValueError):
    """A witness key file or logs file that cannot be used."""


@dataclass(frozen=True)
class Answer:
    """What add-checkpoint answers: an HTTP status, a text body and its type, and any alarm raised."""

    status: int
    body: str
    content_type: str = TEXT_TYPE
    alarm: dict | None = None


@dataclass(frozen=True)
class Submission:
    """A parsed add-checkpoint body."""

    old: int
    proof: list[bytes]
    note: str
    checkpoint: note.Checkpoint
    text: str
    proof_lines: list[str] = field(default_factory=list)


def write_key(path: str | Path, name: str) -> note.Signer:
    """Make a new cosignature key and write it to `path` (mode 600; an existing file is never overwritten)."""
    signer = note.generate(name, note.COSIGNATURE_V1)
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(signer.encode() + "\n")
    return signer


def load_key(path: str | Path) -> note.Signer:
    """The witness's cosignature key from its key file."""
    try:
        signer = note.parse_signer(Path(path).read_text(encoding="ascii").strip())
    except (OSError, UnicodeDecodeError, note.NoteError) as exc:
        raise WitnessConfigError(f"witness key {path}: {exc}") from exc
    if signer.kind != note.COSIGNATURE_V1:
        raise WitnessConfigError(f"witness key {path}: not a cosignature key (type 0x04)")
    return signer


def parse_logs(text: str) -> dict[str, list[note.Verifier]]:
    """The logs a witness serves from lines 'origin verifier-key' (# comments; an origin may have several keys)."""
    logs: dict[str, list[note.Verifier]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        origin, _, key = line.rpartition(" ")
        origin = origin.strip()
        try:
            verifier = note.parse_verifier(key)
        except note.NoteError as exc:
            raise WitnessConfigError(f"line {number}: {exc}") from exc
        if not origin or verifier.kind != note.ED25519:
            raise WitnessConfigError(f"line {number}: write 'origin verifier-key' with a log's note key")
        logs.setdefault(origin, []).append(verifier)
    return logs


def load_logs(path: str | Path) -> dict[str, list[note.Verifier]]:
    """The logs a witness serves, from the file KEZEK_WITNESS_LOGS names."""
    try:
        return parse_logs(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise WitnessConfigError(f"witness logs {path}: {exc}") from exc


class Malformed(ValueError):
    """An add-checkpoint body that is not what the protocol says."""


def _decimal(text: str) -> int:
    if not text.isdigit() or not text.isascii() or (text != "0" and text.startswith("0")):
        raise Malformed("a size is a decimal number without leading zeroes")
    return int(text)


def parse_submission(body: bytes) -> Submission:
    """'old <size>', up to 63 base64 proof lines, a blank line, then the signed checkpoint."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Malformed("the body is not UTF-8") from exc
    head, sep, signed = text.partition("\n\n")
    if not sep:
        raise Malformed("the body is 'old N', the proof lines, a blank line and the checkpoint")
    lines = head.split("\n")
    if not lines[0].startswith("old "):
        raise Malformed("the first line is 'old <size>'")
    old = _decimal(lines[0][4:])
    proof_lines = lines[1:]
    if len(proof_lines) > MAX_PROOF_LINES:
        raise Malformed("more than 63 proof lines")
    proof = []
    for line in proof_lines:
        try:
            digest = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise Malformed("a proof line is one base64 hash") from exc
        if len(digest) != 32:
            raise Malformed("a proof line is one 32-byte hash")
        proof.append(digest)
    try:
        checkpoint_text, _ = note.split(signed)
        checkpoint = note.parse_checkpoint(checkpoint_text)
    except note.NoteError as exc:
        raise Malformed(f"not a signed checkpoint: {exc}") from exc
    return Submission(old, proof, signed, checkpoint, checkpoint_text, proof_lines)


def submission_body(old: int, proof: list[bytes], signed_checkpoint: str) -> bytes:
    """The add-checkpoint body a client sends."""
    lines = [f"old {old}", *(base64.b64encode(h).decode("ascii") for h in proof)]
    return ("\n".join(lines) + "\n\n" + signed_checkpoint).encode("utf-8")


def _signed_by_log(sub: Submission, verifiers: list[note.Verifier]) -> bool:
    for verifier in verifiers:
        try:
            note.verify(sub.note, verifier)
            return True
        except note.NoteError:
            continue
    return False


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def add_checkpoint(db, body: bytes, logs: dict[str, list[note.Verifier]], key: note.Signer, now: datetime,
                   office_id: str) -> Answer:
    """The add-checkpoint call: check, keep and cosign, or refuse (an alarm when the log misbehaved)."""
    try:
        sub = parse_submission(body)
    except Malformed as exc:
        return Answer(400, f"{exc}\n")
    cp = sub.checkpoint
    if cp.origin not in logs:
        return Answer(404, "this witness does not serve that log\n")
    if not _signed_by_log(sub, logs[cp.origin]):
        return Answer(403, "no signature of a key this witness trusts for that log\n")
    root = _b64(cp.root)
    # The check and the store in one write transaction: two submissions cannot both pass (the protocol's race).
    with database.transaction(db):
        latest = store.witness_latest(db, cp.origin)
        known = latest["size"] if latest else 0
        known_root = latest["root"] if latest else None
        kept_root = store.witness_accepted_root(db, cp.origin, cp.size)
        if kept_root is not None and kept_root != root:
            return _alarm(db, "fork", sub, latest, now, office_id, Answer(409, f"{known}\n", SIZE_TYPE))
        if sub.old > cp.size:
            if latest and sub.old == known and kept_root is None:
                return _alarm(db, "rollback", sub, latest, now, office_id,
                              Answer(400, "the old size is larger than the checkpoint's\n"))
            return Answer(400, "the old size is larger than the checkpoint's\n")
        if sub.old != known:
            return Answer(409, f"{known}\n", SIZE_TYPE)
        if sub.old == 0 and sub.proof:
            return Answer(400, "a proof from size 0 is empty\n")
        if cp.size == known and latest:
            if root != known_root:
                return _alarm(db, "fork", sub, latest, now, office_id, Answer(409, f"{known}\n", SIZE_TYPE))
            if sub.proof:
                return Answer(422, "a proof between equal sizes is empty\n")
            return Answer(200, note.cosign(sub.text, key, int(now.timestamp())).line() + "\n")
        if known:
            try:
                merkle.verify_consistency(known, cp.size, base64.b64decode(known_root), cp.root, sub.proof)
            except merkle.ProofError:
                return _alarm(db, "inconsistent", sub, latest, now, office_id,
                              Answer(422, "the consistency proof does not verify\n"))
        line = note.cosign(sub.text, key, int(now.timestamp())).line()
        store.insert_witness_checkpoint(db, cp.origin, cp.size, root, sub.note, line, iso(now))
        store.resolve_witness_alarms(db, cp.origin, cp.size, root, iso(now))
    return Answer(200, line + "\n")


def _alarm(db, kind: str, sub: Submission, latest: dict | None, now: datetime, office_id: str,
           answer: Answer) -> Answer:
    cp = sub.checkpoint
    if store.witness_alarm_open(db, cp.origin, kind, cp.size, _b64(cp.root)):
        return answer     # the same evidence again (anyone can resend it): kept once, not a new alarm
    row = {"at": iso(now), "origin": cp.origin, "kind": kind, "known_size": latest["size"] if latest else 0,
           "known_root": latest["root"] if latest else None, "size": cp.size, "root": _b64(cp.root),
           "old_size": sub.old, "note": sub.note, "proof": "\n".join(sub.proof_lines)}
    row["id"] = store.insert_witness_alarm(db, row)
    chain.append(db, now, office_id, ALARM_EVENT, details={
        "alarm": row["id"], "kind": kind, "origin": cp.origin, "known_size": row["known_size"],
        "known_root": row["known_root"], "size": cp.size, "root": row["root"]})
    return Answer(answer.status, answer.body, answer.content_type, alarm=row)


def latest_note(db, origin: str) -> str | None:
    """The newest checkpoint this witness cosigned for `origin`, as a signed note with its cosignature appended."""
    latest = store.witness_latest(db, origin)
    if latest is None:
        return None
    return latest["note"] + latest["cosignature"] + "\n"


def alarms(db, *, open_only: bool = False, limit: int = 100) -> list[dict]:
    """This witness's alarms, newest first."""
    return store.witness_alarms(db, open_only=open_only, limit=limit)


def logs_seen(db) -> list[dict]:
    """Every log this witness has cosigned: origin, newest size, when, how many checkpoints kept."""
    return store.witness_origins(db)
