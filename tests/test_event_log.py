"""The event log: written with every change, hash-chained, and `verify-log` catches an edit."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kezek.base import database
from kezek.log import chain
from kezek.queue import tickets

ROOT = Path(__file__).resolve().parents[1]


def verify_cli(db_path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "server.py", "verify-log", "--db", str(db_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def serve_one(db, clock):
    t = tickets.issue(db, 1, clock()).ticket
    tickets.call_next(db, 1, clock())
    tickets.start(db, t["id"], clock())
    tickets.finish(db, t["id"], clock())
    return t


def test_every_change_is_logged_in_order(db, clock):
    t = serve_one(db, clock)
    names = [e["name"] for e in reversed(chain.list_events(db, "demo", ticket_id=t["id"]))]
    assert names == ["ticket.issued", "ticket.called", "ticket.started", "ticket.finished"]


def test_a_whole_log_verifies(db, db_path, clock):
    serve_one(db, clock)
    assert chain.verify(db).ok
    result = verify_cli(db_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_log_refuses_updates_and_deletes(db, clock):
    import pytest
    serve_one(db, clock)
    with pytest.raises(database.IntegrityError):
        db.execute("UPDATE events SET details = '{}' WHERE id = 3")
    with pytest.raises(database.IntegrityError):
        db.execute("DELETE FROM events WHERE id = 3")


def _drop_guards(db):
    on = " ON events" if database.dialect(db) == "postgresql" else ""
    db.execute("DROP TRIGGER events_no_update" + on)
    db.execute("DROP TRIGGER events_no_delete" + on)


def test_an_edited_row_is_detected(db, db_path, clock):
    serve_one(db, clock)
    _drop_guards(db)           # someone with the file in hand
    db.execute("UPDATE events SET at = '2020-01-01T00:00:00.000000Z' WHERE name = 'ticket.called'")
    result = verify_cli(db_path)
    assert result.returncode != 0 and "edited" in result.stdout


def test_a_removed_row_is_detected(db, db_path, clock):
    serve_one(db, clock)
    _drop_guards(db)
    db.execute("DELETE FROM events WHERE name = 'ticket.called'")
    assert verify_cli(db_path).returncode != 0


def test_removing_the_newest_rows_is_detected(db, db_path, clock):
    serve_one(db, clock)
    _drop_guards(db)
    db.execute("DELETE FROM events WHERE id = (SELECT MAX(id) FROM events)")
    assert verify_cli(db_path).returncode != 0
    assert not chain.verify(db).ok
