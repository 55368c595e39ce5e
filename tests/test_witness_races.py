"""Racing submissions (2 processes x 4 threads on one witness database) never roll the witness back: check and store are atomic."""
from __future__ import annotations

import multiprocessing
import random
import threading
from datetime import datetime, timezone

from kezek.base import database
from kezek.log import merkle, note, store, witness

ORIGIN = "race.example/log"
LEAVES = [merkle.leaf_hash(f"entry {i}".encode()) for i in range(2048)]
ROUNDS = 60


def _subtree(level: int, index: int) -> bytes:
    if level == 0:
        return LEAVES[index]
    return merkle.node_hash(_subtree(level - 1, 2 * index), _subtree(level - 1, 2 * index + 1))


def _submit(db, log: note.Signer, key: note.Signer, old: int, size: int) -> witness.Answer:
    signed = note.sign(note.Checkpoint(ORIGIN, size, merkle.root(_subtree, size)).text(), log)
    proof = merkle.consistency_proof(_subtree, old, size) if 0 < old <= size else []
    logs = {ORIGIN: [log.verifier()]}
    return witness.add_checkpoint(db, witness.submission_body(old, proof, signed), logs, key,
                                  datetime.now(timezone.utc), "race")


def _thread(path: str, log: note.Signer, key: note.Signer, seed: int) -> None:
    db = database.open_db(path)
    rng, known = random.Random(seed), 0
    try:
        for _ in range(ROUNDS):
            size = min(len(LEAVES), known + rng.randint(0, 6))   # mostly ahead of what others reached, some behind
            answer = _submit(db, log, key, known, size)
            if answer.status == 409:
                known = int(answer.body)
                if known <= size:
                    answer = _submit(db, log, key, known, size)
            if answer.status == 200:
                known = size
    finally:
        db.close()


def _process(path: str, log_text: str, key_text: str, seed: int) -> None:
    log, key = note.parse_signer(log_text), note.parse_signer(key_text)
    threads = [threading.Thread(target=_thread, args=(path, log, key, seed * 10 + i)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_racing_submissions_never_roll_the_witness_back(tmp_path):
    path = str(tmp_path / "witness.db")
    database.init_db(path).close()
    log, key = note.generate(ORIGIN), note.generate("w.example", note.COSIGNATURE_V1)
    fork = multiprocessing.get_context("fork")
    children = [fork.Process(target=_process, args=(path, log.encode(), key.encode(), seed)) for seed in (1, 2)]
    for child in children:
        child.start()
    for child in children:
        child.join(120)
        assert child.exitcode == 0
    db = database.open_db(path)
    try:
        sizes = [r["size"] for r in database.rows(db, "SELECT size FROM witness_checkpoints ORDER BY id")]
        alarms = store.witness_alarms(db)
    finally:
        db.close()
    assert len(sizes) > 10, "the race accepted too little to mean anything"
    assert sizes == sorted(set(sizes)), f"the witness went back: {sizes}"
    assert alarms == [], "honest submissions from one consistent log raise no alarm"
