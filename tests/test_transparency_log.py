"""Each office's transparency log as a visitor, an auditor and a third party see it: checkpoints, proofs, the key."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from helpers import login

import pg_cluster

from kezek.base import database
from kezek.log import merkle
from kezek.web.live import checkpointing

# A third party's own code: only hashlib and an Ed25519 verifier, nothing of kezek.log.


def leaf(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_path(leaf_hash: bytes, index: int, size: int, path: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2, written out again."""
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        assert sn > 0
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    assert sn == 0
    return r


def tree_root(leaves: list[bytes]) -> bytes:
    """RFC 9162 MTH, recursively."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node(tree_root(leaves[:k]), tree_root(leaves[k:]))


def check_note(text: str, key: str) -> tuple[str, int, bytes]:
    """Verify a signed note with a "name+hexid+base64(0x01 || key)" key; (origin, size, root)."""
    name, key_id, blob = key.strip().split("+", 2)
    raw = base64.b64decode(blob)
    assert raw[0] == 1 and len(raw) == 33
    assert hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() == key_id
    body, signatures = text.split("\n\n", 1)
    body += "\n"
    mine = [line for line in signatures.splitlines() if line.startswith(f"\u2014 {name} ")]
    sig = base64.b64decode(mine[0].split(" ")[2])
    assert sig[:4] == bytes.fromhex(key_id)
    Ed25519PublicKey.from_public_bytes(raw[1:]).verify(sig[4:], body.encode())   # raises when forged
    origin, size, root = body.splitlines()[:3]
    return origin, int(size), base64.b64decode(root)


def make_checkpoints(app):
    return checkpointing.checkpoint_once(app)


def issue(client, kiosk_headers, service=1):
    response = client.post("/api/v1/tickets", json={"service": service}, headers=kiosk_headers)
    assert response.status_code == 201
    return response.get_json()


def test_no_checkpoint_before_the_job_then_a_signed_one(app, client):
    assert client.get("/api/v1/log/checkpoint").status_code == 404
    made = make_checkpoints(app)
    assert [row["office_id"] for row in made] == ["demo"]
    answer = client.get("/api/v1/log/checkpoint")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    key = client.get("/api/v1/log/key").get_data(as_text=True)
    origin, size, _root = check_note(answer.get_data(as_text=True), key)
    assert origin == "kezek.test/demo" and key.startswith("kezek.test/demo+")
    db = database.open_db(app.config["DB"])
    assert size == database.scalar(db, "SELECT count(*) FROM events WHERE office_id = 'demo'")
    db.close()


def test_a_checkpoint_only_when_the_log_grew(app, client, kiosk_headers, clock):
    make_checkpoints(app)
    clock.advance(seconds=60)
    assert make_checkpoints(app) == []                   # nothing happened: nothing signed
    issue(client, kiosk_headers)
    clock.advance(seconds=60)
    made = make_checkpoints(app)
    assert len(made) == 1 and made[0]["day"] is None


def test_issuing_a_ticket_does_not_touch_the_tree(app, client, kiosk_headers):
    make_checkpoints(app)
    db = database.open_db(app.config["DB"])
    before = database.scalar(db, "SELECT count(*) FROM log_nodes")
    issue(client, kiosk_headers)
    assert database.scalar(db, "SELECT count(*) FROM log_nodes") == before    # the job extends it, later
    make_checkpoints(app)
    assert database.scalar(db, "SELECT count(*) FROM log_nodes") > before
    db.close()


def test_the_day_is_closed_by_a_checkpoint_shown_on_the_report(app, client, kiosk_headers, clock):
    issue(client, kiosk_headers)
    make_checkpoints(app)
    size_at_close = app.test_client().get("/api/v1/log/checkpoint").get_data(as_text=True).split("\n")[1]
    clock.advance(hours=14, minutes=1)                    # 00:01 in Almaty: the office day 2026-11-23 ended
    made = make_checkpoints(app)
    assert [(r["day"], str(r["size"])) for r in made] == [("2026-11-23", size_at_close)]
    assert make_checkpoints(app) == []                     # once per day
    c = app.test_client()
    login(c, "manager")
    report = c.get("/api/v1/stats?from=2026-11-23&to=2026-11-23").get_json()
    closing = report["checkpoint"]
    assert closing["day"] == "2026-11-23" and str(closing["size"]) == size_at_close
    assert closing["note"].startswith("kezek.test/demo\n")


def test_consistency_and_leaves_let_a_third_party_audit_the_whole_log(app, client, kiosk_headers, clock):
    make_checkpoints(app)
    first = check_note(client.get("/api/v1/log/checkpoint").get_data(as_text=True),
                       client.get("/api/v1/log/key").get_data(as_text=True))
    for _ in range(5):
        issue(client, kiosk_headers)
    clock.advance(seconds=60)
    make_checkpoints(app)
    second = check_note(client.get("/api/v1/log/checkpoint").get_data(as_text=True),
                        client.get("/api/v1/log/key").get_data(as_text=True))
    proof = client.get(f"/api/v1/log/consistency?old={first[1]}&new={second[1]}").get_json()
    merkle.verify_consistency(first[1], second[1], first[2], second[2],
                              [base64.b64decode(h) for h in proof["proof"]])
    hashes = [base64.b64decode(h) for h in client.get(f"/api/v1/log/leaves?end={second[1]}").get_json()["leaf_hashes"]]
    assert tree_root(hashes[:first[1]]) == first[2] and tree_root(hashes) == second[2]
    assert client.get("/api/v1/log/consistency?old=5&new=99999").status_code == 422


def test_the_entries_are_for_managers_and_hash_to_the_leaves(app, client):
    make_checkpoints(app)
    assert client.get("/api/v1/log/entries").status_code == 401
    c = app.test_client()
    login(c, "manager")
    entries = c.get("/api/v1/log/entries").get_json()["entries"]
    hashes = client.get("/api/v1/log/leaves").get_json()["leaf_hashes"]
    assert [base64.b64encode(leaf(e.encode())).decode() for e in entries] == hashes
    first = json.loads(entries[0])
    assert first[0] == 1 and first[-1] == "0" * 64                # id ... prev_hash: the chain's own material


def test_a_ticket_page_proof_checks_with_hashlib_and_ed25519_only(app, client, kiosk_headers, clock):
    ticket = issue(client, kiosk_headers)
    clock.advance(seconds=60)
    make_checkpoints(app)
    proof = client.get(f"/api/v1/tickets/{ticket['token']}/proof").get_json()
    origin, size, root = check_note(proof["checkpoint"], proof["key"])
    assert origin == "kezek.test/demo" and size == proof["size"]
    assert [e["event"] for e in proof["entries"]] == ["ticket.issued"] and proof["pending"] == 0
    for item in proof["entries"]:
        entry = item["entry"].encode("utf-8")
        assert json.loads(entry)[3] == "ticket.issued" and ticket["number"] in item["entry"]
        path = [base64.b64decode(h) for h in item["audit_path"]]
        assert root_from_path(leaf(entry), item["index"], size, path) == root
        edited = entry.replace(ticket["number"].encode(), b"A001")        # someone edits the issued number
        assert root_from_path(leaf(edited), item["index"], size, path) != root


def test_events_after_the_checkpoint_are_pending_and_proved_a_minute_later(app, client, kiosk_headers, clock):
    make_checkpoints(app)
    ticket = issue(client, kiosk_headers)
    proof = client.get(f"/api/v1/tickets/{ticket['token']}/proof").get_json()
    assert proof["entries"] == [] and proof["pending"] == 1
    clock.advance(seconds=60)
    make_checkpoints(app)
    assert len(client.get(f"/api/v1/tickets/{ticket['token']}/proof").get_json()["entries"]) == 1
    assert client.get("/api/v1/tickets/not-a-token/proof").status_code == 404


def test_the_key_lives_outside_the_database_and_its_backups(app, db_path):
    key_file = app.config["LOG_KEY"]
    assert key_file != db_path and oct(os.stat(key_file).st_mode & 0o777) == "0o600"
    private = Path(key_file).read_text(encoding="ascii").strip()
    seed = base64.b64decode(private.split("+", 4)[4])[1:]     # PRIVATE+KEY+name+id+base64 (which may hold "+")
    make_checkpoints(app)
    if database.is_postgres(db_path):                          # the owner's backup there: pg_dump
        dump = raw = pg_cluster.cluster().dump(db_path).encode()
    else:
        conn = sqlite3.connect(db_path)
        dump = "\n".join(conn.iterdump()).encode()
        conn.close()
        raw = Path(db_path).read_bytes()
    for form in (private.encode(), seed, base64.b64encode(seed), seed.hex().encode()):
        assert form not in dump and form not in raw
