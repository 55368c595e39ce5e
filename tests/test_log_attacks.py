"""Whoever holds the database rewrites history, as an attacker would; a kept checkpoint makes verify-log say so.

On either store: on SQLite the insider holds the file (server.py backup, a copy put back); on PostgreSQL
the database (pg_dump, the dump restored in its place) and edits rows with SQL there, guards dropped."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pg_cluster

from kezek.base import database, postgres
from kezek.base import store as base_store
from kezek.log import chain, checkpoints, keyfile, note
from kezek.queue import tickets

ROOT = Path(__file__).resolve().parents[1]


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "server.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def verify(db_path, *extra) -> subprocess.CompletedProcess:
    return cli("verify-log", "--db", str(db_path), *extra)


def issue_some(db, clock, count: int) -> list[dict]:
    made = []
    for _ in range(count):
        made.append(tickets.issue(db, 1, clock.advance(seconds=20)).ticket)
    return made


def keep_checkpoint(db, signer, clock, path: Path) -> dict:
    """The checkpoint job runs; an auditor saves what /api/v1/log/checkpoint publishes."""
    checkpoints.make_due(db, signer, clock.advance(seconds=60))
    row = checkpoints.latest(db, "demo")
    path.write_text(checkpoints.published(db, row), encoding="utf-8")
    return row


def drop_guards(db) -> None:
    """The append-only triggers go, as the owner of the database may do."""
    on = " ON events" if database.dialect(db) == "postgresql" else ""
    db.execute(f"DROP TRIGGER events_no_update{on}")
    db.execute(f"DROP TRIGGER events_no_delete{on}")


def take_backup(db_path, tmp_path: Path, name: str):
    """The owner's backup: server.py backup on SQLite, pg_dump on PostgreSQL."""
    if database.is_postgres(db_path):
        return pg_cluster.cluster().dump(db_path)
    backup = tmp_path / f"{name}.db"
    assert cli("backup", "--db", db_path, "--to", str(backup)).returncode == 0
    return backup


def put_back(db_path, backup) -> None:
    """The owner puts the old backup in place of the database (the server's connections are gone)."""
    if database.is_postgres(db_path):
        postgres.forget_idle(db_path)
        pg_cluster.cluster().restore(db_path, backup)
        return
    for suffix in ("", "-wal", "-shm"):
        Path(db_path + suffix).unlink(missing_ok=True)
    shutil.copy(backup, db_path)


def cover_tracks(db) -> None:
    """Recompute every row's prev_hash and hash and the head, and forget the server's own tree and checkpoints."""
    prev = chain.GENESIS
    for row in list(database.each(db, "SELECT * FROM events ORDER BY id")):
        row["prev_hash"] = prev
        row["hash"] = chain.row_hash(row)
        db.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?", (row["prev_hash"], row["hash"], row["id"]))
        prev = row["hash"]
    head = database.one(db, "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")
    base_store.set_setting(db, "log_head", f"{head['id']}:{head['hash']}")
    for table in ("checkpoints", "log_nodes", "log_leaves", "log_trees"):
        db.execute(f"DELETE FROM {table}")


def test_restoring_an_old_backup_and_carrying_on_is_named_a_rollback(db, db_path, clock, tmp_path):
    signer, _ = keyfile.ensure(keyfile.default_path(db_path), "kezek.test")
    issue_some(db, clock, 3)
    checkpoints.make_due(db, signer, clock.advance(seconds=60))
    backup = take_backup(db_path, tmp_path, "monday")
    issue_some(db, clock, 6)                 # the day goes on: six visitors who were there
    kept = tmp_path / "checkpoint.txt"
    row = keep_checkpoint(db, signer, clock, kept)
    db.close()

    put_back(db_path, backup)                # the owner puts Monday's copy back ...
    restored = database.init_db(db_path)
    issue_some(restored, clock, 2)           # ... and carries on: two new tickets, fewer than were lost
    checkpoints.make_due(restored, signer, clock.advance(seconds=60))
    restored.close()

    assert verify(db_path).returncode == 0   # without a kept checkpoint the rollback is invisible
    result = verify(db_path, "--checkpoint", str(kept))
    assert result.returncode != 0
    assert f"the log is shorter than a kept checkpoint (size {row['size']}): history was rolled back" in result.stdout


def test_carrying_on_past_the_kept_size_is_named_a_rewrite(db, db_path, clock, tmp_path):
    signer, _ = keyfile.ensure(keyfile.default_path(db_path), "kezek.test")
    backup = take_backup(db_path, tmp_path, "old")
    issue_some(db, clock, 2)
    kept = tmp_path / "checkpoint.txt"
    row = keep_checkpoint(db, signer, clock, kept)
    db.close()
    put_back(db_path, backup)
    restored = database.init_db(db_path)
    issue_some(restored, clock, 5)           # more than were lost: the log is longer again, with another past
    restored.close()

    result = verify(db_path, "--checkpoint", str(kept))
    assert result.returncode != 0
    assert f"the log at size {row['size']} has another root: history was rewritten" in result.stdout


def test_editing_an_event_and_recomputing_the_chain_is_named_a_rewrite(db, db_path, clock, tmp_path):
    signer, _ = keyfile.ensure(keyfile.default_path(db_path), "kezek.test")
    waiting = issue_some(db, clock, 3)
    tickets.call_ticket(db, 1, waiting[2]["id"], "my cousin", clock.advance(seconds=30))
    issue_some(db, clock, 2)
    kept = tmp_path / "checkpoint.txt"
    row = keep_checkpoint(db, signer, clock, kept)

    drop_guards(db)                          # the server's owner, with the file in hand
    called = database.one(db, "SELECT id, details FROM events WHERE name = 'ticket.called'")
    details = json.loads(called["details"])
    details["reason"] = "veteran"            # the real reason was nepotism
    db.execute("UPDATE events SET details = ? WHERE id = ?",
               (json.dumps(details, ensure_ascii=False, sort_keys=True), called["id"]))
    cover_tracks(db)
    assert chain.verify(db).ok               # the chain alone agrees
    assert verify(db_path).returncode == 0   # and so does verify-log without a kept checkpoint

    result = verify(db_path, "--checkpoint", str(kept))
    assert result.returncode != 0
    assert f"the log at size {row['size']} has another root: history was rewritten" in result.stdout


def test_deleting_the_newest_events_and_recomputing_is_caught(db, db_path, clock, tmp_path):
    signer, _ = keyfile.ensure(keyfile.default_path(db_path), "kezek.test")
    issue_some(db, clock, 4)
    kept = tmp_path / "checkpoint.txt"
    row = keep_checkpoint(db, signer, clock, kept)

    drop_guards(db)
    db.execute("DELETE FROM events WHERE id > (SELECT max(id) - 2 FROM events)")
    cover_tracks(db)
    assert chain.verify(db).ok
    result = verify(db_path, "--checkpoint", str(kept))
    assert result.returncode != 0
    assert f"the log is shorter than a kept checkpoint (size {row['size']})" in result.stdout

    server = database.init_db(db_path)
    issue_some(server, clock, 3)             # and issuing over the gap makes it a rewrite
    server.close()
    result = verify(db_path, "--checkpoint", str(kept))
    assert result.returncode != 0
    assert f"the log at size {row['size']} has another root: history was rewritten" in result.stdout


def test_an_auditor_without_the_key_file_checks_with_the_published_key(db, db_path, clock, tmp_path):
    signer, _ = keyfile.ensure(keyfile.default_path(db_path), "kezek.test")
    issue_some(db, clock, 2)
    kept = tmp_path / "checkpoint.txt"
    keep_checkpoint(db, signer, clock, kept)
    public = cli("log-key", "--db", db_path).stdout.split()[-1]
    moved = tmp_path / "elsewhere.key"
    keyfile.default_path(db_path).rename(moved)          # the auditor's copy of the database has no key

    assert verify(db_path, "--checkpoint", str(kept)).returncode == 1     # nothing to check the signature with
    result = verify(db_path, "--checkpoint", str(kept), "--key", public)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout and "extends it" in result.stdout


def test_a_checkpoint_signed_by_another_key_is_refused(db, db_path, clock, tmp_path):
    signer, _ = keyfile.ensure(keyfile.default_path(db_path), "kezek.test")
    issue_some(db, clock, 2)
    kept = tmp_path / "checkpoint.txt"
    keep_checkpoint(db, signer, clock, kept)
    forger, _ = keyfile.ensure(tmp_path / "forger.key", "kezek.test")
    body = kept.read_text(encoding="utf-8").split("\n\n")[0] + "\n"
    forged = tmp_path / "forged.txt"
    forged.write_text(note.sign(body, keyfile.office_signer(forger, "demo")), encoding="utf-8")
    result = verify(db_path, "--checkpoint", str(forged))
    assert result.returncode != 0
    assert "the signature does not verify" in result.stdout


def test_the_server_refuses_to_sign_a_history_rewritten_behind_its_back(db, db_path, clock, tmp_path):
    signer, _ = keyfile.ensure(keyfile.default_path(db_path), "kezek.test")
    issue_some(db, clock, 3)
    signed = checkpoints.make_due(db, signer, clock.advance(seconds=60))
    drop_guards(db)                          # a database writer without the key rewrites an old event ...
    db.execute("UPDATE events SET at = '2026-11-23T04:00:00.000000Z' WHERE id = 3")
    prev = chain.GENESIS
    for row in list(database.each(db, "SELECT * FROM events ORDER BY id")):
        row["prev_hash"], row["hash"] = prev, chain.row_hash({**row, "prev_hash": prev})
        db.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?", (row["prev_hash"], row["hash"], row["id"]))
        prev = row["hash"]
    head = database.one(db, "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")
    base_store.set_setting(db, "log_head", f"{head['id']}:{head['hash']}")
    for table in ("log_nodes", "log_leaves", "log_trees"):   # ... and lets the tree be rebuilt from it
        db.execute(f"DELETE FROM {table}")
    issue_some(db, clock, 2)
    assert chain.verify(db).ok
    assert checkpoints.make_due(db, signer, clock.advance(seconds=60)) == []    # the key signs no fork
    assert checkpoints.latest(db, "demo")["id"] == signed[-1]["id"]
