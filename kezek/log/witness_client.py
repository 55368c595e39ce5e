"""An office's log pushes each new checkpoint to its witnesses (C2SP tlog-witness) and keeps the cosignatures they return.

KEZEK_WITNESSES lists them: "URL verifier-key" entries separated by ';' or newlines (or the
path of a file of such lines); URL is the witness's prefix (another Kezek: .../api/v1/witness).
Each witness has its own worker thread and a bounded queue of checkpoints, fed after the
checkpoint job commits (`offer`): nothing here runs inside a request or the write lock, so a
witness that is down or hangs never slows issuing or calling; it is retried with backoff.
"""
from __future__ import annotations

import base64
import collections
import logging
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from kezek.base import database
from kezek.base.clock import iso, utcnow
from kezek.log import checkpoints, note, store, tree, witness

QUEUE_LIMIT = 64                 # checkpoints waiting per witness; the oldest are dropped beyond it
TIMEOUT = (3.0, 10.0)            # connect, read (seconds)
BACKOFF_FIRST_S, BACKOFF_MAX_S = 1.0, 60.0
log = logging.getLogger("kezek.witness")


@dataclass(frozen=True)
class Witness:
    """A witness an office pushes to: its submission prefix and its cosignature key."""

    url: str
    verifier: note.Verifier


def parse_witnesses(setting: str) -> list[Witness]:
    """The witnesses of KEZEK_WITNESSES (entries 'URL verifier-key', or a file of them one a line)."""
    text = setting.strip()
    if text and "\n" not in text and " " not in text and Path(text).is_file():
        text = Path(text).read_text(encoding="utf-8")
    found = []
    for entry in text.replace(";", "\n").splitlines():
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        url, _, key = entry.partition(" ")
        verifier = note.parse_verifier(key.strip())
        if verifier.kind != note.COSIGNATURE_V1 or not url.startswith(("http://", "https://")):
            raise note.NoteError(f"a witness is 'URL cosignature-key' (type 0x04): {entry[:80]!r}")
        found.append(Witness(url.rstrip("/"), verifier))
    return found


def cosignature_lines(db, row: dict) -> list[str]:
    """The witnesses' cosignature lines kept for a checkpoint row (checkpoints.cosignature_lines hook)."""
    checkpoint = note.parse_checkpoint(note.split(row["note"])[0])
    return store.cosignatures(db, checkpoint.origin, checkpoint.size, base64.b64encode(checkpoint.root).decode("ascii"))


class Retry(Exception):
    """A push that may succeed later (network error, timeout, 5xx)."""


class Pusher:
    """One worker per witness, each with a bounded queue of checkpoint rows to push in order."""

    def __init__(self, db_path: str, witnesses: list[Witness], session: requests.Session | None = None):
        self.db_path = db_path
        self.witnesses = witnesses
        self.queues = {w.url: collections.deque(maxlen=QUEUE_LIMIT) for w in witnesses}
        self.wake = {w.url: threading.Event() for w in witnesses}
        self.sessions = {w.url: session or requests.Session() for w in witnesses}
        self.results: dict[str, str] = {}     # the last outcome per witness, for the server log and tests

    def offer(self, db, office_id: str, row: dict) -> None:
        """Queue a new checkpoint for every witness (checkpoints.after_checkpoint hook; never blocks)."""
        for w in self.witnesses:
            self.queues[w.url].append({**row, "office_id": office_id})
            self.wake[w.url].set()

    def catch_up(self) -> None:
        """Queue each office's newest checkpoint for every witness (at start, or when this process takes
        over the checkpoints from one that died before pushing what it made)."""
        db = database.open_db(self.db_path)
        try:
            for office_id in store.event_offices(db):
                row = checkpoints.latest(db, office_id)
                if row:
                    self.offer(db, office_id, row)
        finally:
            db.close()

    def start(self, catch_up: bool = True) -> None:
        """Start one daemon worker per witness; first catch up unless told not to (the lease's holder does)."""
        if catch_up:
            self.catch_up()
        for w in self.witnesses:
            threading.Thread(target=self._work, args=(w,), name=f"witness {w.url}", daemon=True).start()

    def _work(self, w: Witness) -> None:
        queue, wake, delay = self.queues[w.url], self.wake[w.url], BACKOFF_FIRST_S
        while True:
            wake.wait()
            wake.clear()
            while queue:
                row = queue[0]
                try:
                    self.results[w.url] = self.push(w, row)
                    delay = BACKOFF_FIRST_S
                except Retry as exc:
                    self.results[w.url] = f"retrying: {exc}"
                    log.warning("witness %s: %s (retry in %.0f s)", w.url, exc, delay)
                    time.sleep(delay * random.uniform(0.8, 1.2))
                    delay = min(BACKOFF_MAX_S, delay * 2)
                    continue
                except Exception:   # a bug or a bad row must not stop the worker for the day
                    log.exception("witness %s: push failed", w.url)
                    self.results[w.url] = "failed"
                if queue and queue[0] is row:
                    queue.popleft()

    def _post(self, w: Witness, body: bytes) -> requests.Response:
        try:
            answer = self.sessions[w.url].post(w.url + "/add-checkpoint", data=body, timeout=TIMEOUT,
                                               headers={"Content-Type": "text/plain; charset=utf-8"})
        except requests.RequestException as exc:
            raise Retry(type(exc).__name__) from exc
        if answer.status_code >= 500 or answer.status_code == 429:
            raise Retry(f"HTTP {answer.status_code}")
        return answer

    def push(self, w: Witness, row: dict) -> str:
        """Push one checkpoint row to one witness; what happened ('cosigned', 'stale', 'refused …')."""
        db = database.open_db(self.db_path)
        try:
            return self._push(db, w, row)
        finally:
            db.close()

    def _push(self, db, w: Witness, row: dict) -> str:
        text = note.split(row["note"])[0]
        cp = note.parse_checkpoint(text)
        office = row["office_id"]
        known = store.witness_size(db, w.verifier.name, cp.origin) or 0
        for _ in range(3):   # a 409 tells the witness's size; try again from it
            if known > cp.size:
                if tree.size(db, office) >= known:
                    return "stale"    # a newer checkpoint of ours is there already
                # Our log is shorter than what this witness cosigned: it was rolled back. Say so to the
                # witness (it keeps the signed evidence and raises its alarm); nothing can be proven from here.
                self._post(w, witness.submission_body(known, [], row["note"]))
                return f"rolled back: the witness holds {known}, this log {tree.size(db, office)}"
            proof = tree.consistency(db, office, known, cp.size) if known else []
            answer = self._post(w, witness.submission_body(known, proof, row["note"]))
            if answer.status_code == 409 and answer.headers.get("Content-Type", "").startswith(witness.SIZE_TYPE):
                held = answer.text.strip()
                if not held.isdigit() or int(held) == known:
                    return f"refused 409: {answer.text.strip()[:80]}"
                known = int(held)
                with database.transaction(db, durable=False):
                    store.set_witness_size(db, w.verifier.name, cp.origin, known, iso(utcnow()))
                continue
            if answer.status_code != 200:
                log.error("witness %s refused checkpoint %s of %s: %s %s", w.url, cp.size, cp.origin,
                          answer.status_code, answer.text.strip()[:200])
                return f"refused {answer.status_code}"
            return self._keep(db, w, cp, text, answer.text)
        return "refused: the witness's size kept changing"

    def _keep(self, db, w: Witness, cp: note.Checkpoint, text: str, body: str) -> str:
        lines = []
        for line in body.splitlines():
            try:
                signature = note.split(f"x\n\n{line}\n")[1][0]
                note.verify_cosignature(text, signature, w.verifier)
            except note.NoteError:
                continue    # another key's line, or not a valid cosignature: ignored, as the protocol says
            lines.append(line)
        if not lines:
            log.error("witness %s answered 200 without a valid cosignature of %s", w.url, cp.origin)
            return "no valid cosignature"
        root = base64.b64encode(cp.root).decode("ascii")
        at = iso(utcnow())
        with database.transaction(db, durable=False):
            store.insert_cosignature(db, cp.origin, cp.size, root, w.verifier.name, lines[0], at)
            store.set_witness_size(db, w.verifier.name, cp.origin, cp.size, at)
        return "cosigned"


def start(setting: str, db_path: str, catch_up: bool = True) -> Pusher | None:
    """Start pushing to the witnesses of KEZEK_WITNESSES (None when there are none)."""
    witnesses = parse_witnesses(setting)
    if not witnesses:
        return None
    pusher = Pusher(db_path, witnesses)
    checkpoints.after_checkpoint.append(pusher.offer)
    pusher.start(catch_up=catch_up)
    return pusher
