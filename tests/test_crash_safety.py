"""A server killed with SIGKILL under load keeps every answered ticket and call, and stays consistent."""
from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from bench._load import ServerProcess
from kezek.base import database

KILLS = 20
ROOT = Path(__file__).resolve().parents[1]   # a scratch copy of the tree tests its own code


class Load:
    """Kiosk and desk threads that keep working across crashes and record every answer they got."""

    def __init__(self, server: ServerProcess):
        self.server = server
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.issued: list[dict] = []      # tickets answered 201
        self.called: list[tuple[int, dict]] = []   # (desk, ticket) answered 200
        self.unexpected: list[str] = []   # answers that are neither success nor a crash

    def _record(self, what: str, response) -> None:
        with self.lock:
            self.unexpected.append(f"{what}: {response.status_code} {response.text[:200]}")

    def kiosk(self, seed: int) -> None:
        rng = random.Random(seed)
        session = self.server.kiosk()
        while not self.stop.is_set():
            body = {"service": rng.choice([1, 1, 1, 2, 3, 5])}
            if rng.random() < 0.1:
                body.update(priority=True, priority_reason="elderly")   # a priority ticket names its group
            try:
                r = session.post(self.server.url + "/api/v1/tickets", json=body, timeout=5,
                                 headers={"Idempotency-Key": uuid.uuid4().hex})
            except requests.RequestException:
                time.sleep(0.05)   # the server is down: try again when it is back
                continue
            if r.status_code == 201:
                with self.lock:
                    self.issued.append(r.json())
            else:
                self._record("issue", r)

    def desk(self, username: str, desk_id: int) -> None:
        session = None
        while not self.stop.is_set():
            try:
                session = session or self.server.session(username)
                r = session.post(self.server.url + f"/api/v1/desks/{desk_id}/call-next", timeout=5,
                                 headers={"Idempotency-Key": uuid.uuid4().hex})
            except requests.RequestException:
                time.sleep(0.05)
                continue
            if r.status_code == 200:
                with self.lock:
                    self.called.append((desk_id, r.json()))
            elif r.status_code == 204:
                time.sleep(0.02)
            else:
                self._record(f"call-next desk {desk_id}", r)


def _consistent(db) -> None:
    """The invariants a half-done operation would break."""
    tickets = {row["id"]: row for row in db.query("SELECT * FROM tickets")}
    numbers = [(t["issued_service_id"], t["day"], t["number"]) for t in tickets.values()]
    assert len(numbers) == len(set(numbers)), "a ticket number was issued twice"
    # A counter never runs ahead of its tickets: a half-written issue would leave a gap.
    for c in db.query("SELECT * FROM counters"):
        have = sorted(n for s, d, n in numbers if (s, d) == (c["service_id"], c["day"]))
        assert have == list(range(1, c["last_number"] + 1)), f"numbers of service {c['service_id']} have gaps"
    held = {d["id"]: d["current_ticket_id"] for d in db.query("SELECT * FROM desks")}
    for desk_id, ticket_id in held.items():
        if ticket_id is not None:
            assert tickets[ticket_id]["status"] in ("called", "serving") and tickets[ticket_id]["desk_id"] == desk_id
    holding = {t for t in held.values() if t is not None}
    for ticket in tickets.values():
        if ticket["status"] in ("called", "serving"):
            assert ticket["id"] in holding, f"ticket {ticket['display_number']} is called but no desk holds it"
    logged = {(r["ticket_id"], r["name"]) for r in db.query("SELECT ticket_id, name FROM events")}
    for ticket in tickets.values():
        assert (ticket["id"], "ticket.issued") in logged, "a ticket exists without its ticket.issued event"
        if ticket["called_at"]:
            assert (ticket["id"], "ticket.called") in logged, "a call without its ticket.called event"
    from kezek.log import chain
    assert chain.verify(db).ok, "the event log's chain is broken"


def _check(server: ServerProcess, load: Load) -> None:
    """Every answered ticket and call is in the database, numbers are unique, desks hold one ticket each."""
    assert not load.unexpected, load.unexpected[:5]
    print(f"{len(load.issued)} tickets issued, {len(load.called)} calls answered across the crashes")
    assert len(load.issued) > 100 and len(load.called) > 30, (len(load.issued), len(load.called))
    db = database.open_db(server.db)
    try:
        tickets = {row["id"]: row for row in db.query("SELECT * FROM tickets")}
        for answer in load.issued:
            row = tickets.get(answer["id"])
            assert row is not None, f"ticket {answer['number']} was answered 201 but is gone"
            assert (row["token"], row["display_number"]) == (answer["token"], answer["number"])

        holders: dict[int, int] = {}
        for desk_id, ticket in load.called:
            assert holders.setdefault(ticket["id"], desk_id) == desk_id, \
                f"ticket {ticket['number']} was called at desks {holders[ticket['id']]} and {desk_id}"
            row = tickets[ticket["id"]]
            assert row["desk_id"] == desk_id and row["status"] in ("called", "no_show"), row
        _consistent(db)
    finally:
        db.close()
    result = server.cli("verify-log", check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_sigkill_under_load_loses_no_answered_ticket_and_repeats_no_number(tmp_path):
    server = ServerProcess(tmp_path, env={"KEZEK_ISSUE_RATE_LIMIT": "0"}, root=ROOT)
    load = Load(server)
    workers = [threading.Thread(target=load.kiosk, args=(i,)) for i in range(6)]
    workers += [threading.Thread(target=load.desk, args=(user, desk))
                for user, desk in (("operator1", 1), ("operator2", 2), ("operator1", 3),
                                   ("operator2", 4), ("manager", 5), ("admin", 6))]
    rng = random.Random(9)
    try:
        server.start()
        for worker in workers:
            worker.start()
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.4, 1.4))
            server.kill()
            server.start()
        time.sleep(0.5)
    finally:
        load.stop.set()
        for worker in workers:
            worker.join(10)
        server.stop()
    _check(server, load)


def test_the_database_itself_refuses_a_repeated_number(db):
    """Defence in depth: even a bug in the counter cannot store the same number twice in a day."""
    row = database.one(db, "SELECT * FROM tickets LIMIT 1")
    if row is None:
        from datetime import datetime, timezone

        from kezek.queue import tickets
        row = tickets.issue(db, 1, datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc)).ticket
    clone = {k: v for k, v in row.items() if k not in ("id", "desk")}
    clone["token"] = "another-token"
    with pytest.raises(database.IntegrityError):
        db.execute(f"INSERT INTO tickets ({', '.join(clone)}) VALUES ({', '.join('?' for _ in clone)})",
                   list(clone.values()))


def test_two_desks_can_never_hold_the_same_ticket_in_the_database(db):
    from datetime import datetime, timezone

    from kezek.queue import tickets
    now = datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc)
    tickets.issue(db, 1, now)
    called = tickets.call_next(db, 1, now).ticket
    with pytest.raises(database.IntegrityError):
        db.execute("UPDATE desks SET current_ticket_id = ? WHERE id = 2", (called["id"],))


@pytest.mark.sqlite_only("SQLite's pragmas (synchronous=FULL, WAL); PostgreSQL's durability is the server's synchronous_commit")
def test_every_connection_writes_through_to_disk(db_path):
    """synchronous=FULL and WAL: a committed ticket survives a power cut, not only a crash."""
    handle = database.open_db(db_path)
    try:
        assert handle.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert handle.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        handle.close()


# --- a crash at every single write of an operation -----------------------------------------------
# A SIGKILL lands between two writes of one operation only rarely (the writes are microseconds
# apart), so the test above cannot prove atomicity alone. Here a child process runs one operation
# and dies (os._exit, no rollback, no clean-up) just before its k-th write, for every k.

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "COMMIT")


class _DieAtWrite:
    """A connection that kills its process just before the k-th write statement."""

    def __init__(self, conn, k: int):
        self._conn, self._k, self._writes = conn, k, 0

    def execute(self, sql, *args):
        if sql.lstrip().upper().startswith(WRITES):
            self._writes += 1
            if self._writes == self._k:
                os._exit(137)
        return self._conn.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def _run_and_die(path: str, k: int, operation: str) -> None:
    from kezek.base.clock import utcnow
    from kezek.queue import tickets
    db = database.open_db(path)
    db.conn = _DieAtWrite(db.conn, k)
    if operation == "issue":
        tickets.issue(db, 1, utcnow())
    elif operation == "call-next":
        tickets.call_next(db, 1, utcnow())     # the desk still holds a ticket: it is released first
    elif operation == "finish":
        tickets.finish(db, database.scalar(db, "SELECT current_ticket_id FROM desks WHERE id = 1"), utcnow())
    os._exit(0)


def _snapshot(path: str) -> tuple:
    db = database.open_db(path)
    try:
        _consistent(db)
        return (database.scalar(db, "SELECT COUNT(*) FROM tickets"),
                tuple(db.execute("SELECT id, status, desk_id FROM tickets ORDER BY id").fetchall()),
                tuple(db.execute("SELECT id, current_ticket_id FROM desks ORDER BY id").fetchall()))
    finally:
        db.close()


@pytest.mark.sqlite_only("wraps the sqlite3 connection and copies the database file at each write")
@pytest.mark.parametrize("operation", ["issue", "call-next", "finish"])
def test_a_crash_at_any_write_leaves_the_operation_all_done_or_not_done(tmp_path, db, operation):
    from kezek.base.clock import utcnow
    from kezek.queue import tickets
    for _ in range(3):
        tickets.issue(db, 1, utcnow())
    tickets.call_next(db, 1, utcnow())
    if operation == "finish":
        tickets.start(db, database.scalar(db, "SELECT current_ticket_id FROM desks WHERE id = 1"), utcnow())
    original = db.kezek_path
    before = _snapshot(original)
    fork = multiprocessing.get_context("fork")
    outcomes = set()
    for k in range(1, 40):
        path = str(tmp_path / f"crash-{k}.db")
        db.execute("PRAGMA wal_checkpoint(FULL)")
        shutil.copy(original, path)
        child = fork.Process(target=_run_and_die, args=(path, k, operation))
        child.start()
        child.join(30)
        after = _snapshot(path)
        outcomes.add("untouched" if after == before else "done")
        if child.exitcode == 0:     # k went past the operation's last write: it completed
            break
        assert child.exitcode == 137
    else:
        pytest.fail("the operation never completed")
    assert outcomes == {"untouched", "done"}


# --- a crash between an operation and its stored Idempotency-Key answer --------------------------
# The kiosk or desk that lost its answer retries with the same key. Whatever write the server
# died before, the retry must end with the operation done exactly once: one ticket, one call.

_ARMED = {"k": 0, "writes": 0}


class _DieAtWriteArmed(_DieAtWrite):
    """Like _DieAtWrite, counting the writes of every connection of the process once armed."""

    def execute(self, sql, *args):
        if _ARMED["k"] and sql.lstrip().upper().startswith(WRITES):
            _ARMED["writes"] += 1
            if _ARMED["writes"] == _ARMED["k"]:
                os._exit(137)
        return self._conn.execute(sql, *args)


def _web_app(path: str, clock):
    from kezek.web.app import create_app
    return create_app({"DB": path, "TESTING": True, "SECRET_KEY": "test-secret", "ASYNC_MODE": "threading",
                       "CLOCK": clock, "PUBLIC_URL": "http://kezek.test", "QUEUE_PUSH_DELAY_S": 0})


def _request(app, who: dict, request: tuple, arm=lambda: None):
    """Sign in (when `who` is a user), arm the crash, send the request with the one key."""
    from helpers import login
    client = app.test_client()
    headers = dict(who.get("headers", {}))
    if "username" in who:
        headers.update(login(client, who["username"]))
    arm()
    method, url, body = request
    return client.open(url, method=method, json=body, headers={**headers, "Idempotency-Key": "lost-answer"})


def _request_and_die(path: str, clock, who: dict, request: tuple, k: int) -> None:
    real_open = database.open_db

    def open_dying(*args, **kwargs):
        db = real_open(*args, **kwargs)
        db.conn = _DieAtWriteArmed(db.conn, 0)
        return db
    database.open_db = open_dying
    _request(_web_app(path, clock), who, request, arm=lambda: _ARMED.update(k=k))
    os._exit(0)


def _queue(path: str) -> tuple[int, tuple]:
    db = database.open_db(path)
    try:
        _consistent(db)
        return (database.scalar(db, "SELECT COUNT(*) FROM tickets"),
                tuple(db.execute("SELECT id, number, status, desk_id FROM tickets ORDER BY id").fetchall()))
    finally:
        db.close()


@pytest.mark.sqlite_only("wraps the sqlite3 connection and copies the database file at each write")
@pytest.mark.parametrize("operation", ["issue", "call-next"])
def test_a_retry_after_a_crash_at_any_write_does_the_operation_once(tmp_path, app, clock, kiosk_headers, operation):
    from kezek.queue import tickets
    if operation == "issue":
        who, request = {"headers": kiosk_headers}, ("POST", "/api/v1/tickets", {"service": 1})
    else:
        who, request = {"username": "operator1"}, ("POST", "/api/v1/desks/1/call-next", None)
        seed = database.open_db(app.config["DB"])
        for _ in range(3):
            tickets.issue(seed, 1, clock())
        seed.execute("PRAGMA wal_checkpoint(FULL)")
        seed.close()
    fork = multiprocessing.get_context("fork")
    died_after_commit = 0
    for k in range(1, 60):
        path = str(tmp_path / f"lost-{k}.db")
        shutil.copy(app.config["DB"], path)
        before = _queue(path)
        child = fork.Process(target=_request_and_die, args=(path, clock, who, request, k))
        child.start()
        child.join(60)
        crashed = _queue(path)
        retry = _request(_web_app(path, clock), who, request)
        after = _queue(path)
        assert retry.status_code == (201 if operation == "issue" else 200), retry.get_data(as_text=True)
        answer = retry.get_json()
        if operation == "issue":
            assert after[0] == before[0] + 1, f"crash before write {k}: the retry made {after[0] - before[0]} tickets"
            assert answer["id"] == after[1][-1][0]
        else:
            called = [t for t in after[1] if t[2] == "called" and t[3] == 1]
            assert [t[0] for t in called] == [answer["id"]], f"crash before write {k}: {called}"
            assert sum(t[2] == "waiting" for t in after[1]) == sum(t[2] == "waiting" for t in before[1]) - 1
        if crashed != before and child.exitcode == 137:
            died_after_commit += 1
            assert retry.headers.get("Idempotent-Replayed") == "true"
        if child.exitcode == 0:
            break
        assert child.exitcode == 137
    else:
        pytest.fail("the request never completed")
    assert died_after_commit >= 1, "no crash landed between the operation's commit and its stored answer"


# --- online backup ---------------------------------------------------------------------------------

@pytest.mark.sqlite_only("server.py backup is SQLite's online backup (PostgreSQL: pg_dump, docs/storage.md)")
def test_an_online_backup_taken_under_load_is_whole_and_restores(tmp_path):
    server = ServerProcess(tmp_path, env={"KEZEK_ISSUE_RATE_LIMIT": "0"}, root=ROOT)
    load = Load(server)
    kiosks = [threading.Thread(target=load.kiosk, args=(i,)) for i in range(3)]
    try:
        server.start()
        for kiosk in kiosks:
            kiosk.start()
        time.sleep(1)
        with load.lock:
            answered_before = [t["token"] for t in load.issued]
        result = server.cli("backup", "--to", str(tmp_path / "backup.db"), check=False)
        time.sleep(0.5)
    finally:
        load.stop.set()
        for kiosk in kiosks:
            kiosk.join(10)
        server.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "event log whole" in result.stdout
    # Restore = start a server on the copy: every ticket answered before the backup began is in it.
    restored = database.open_db(tmp_path / "backup.db")
    try:
        _consistent(restored)
        tokens = {r["token"] for r in restored.query("SELECT token FROM tickets")}
    finally:
        restored.close()
    assert answered_before and set(answered_before) <= tokens
    assert len(load.issued) > len(tokens), "the server went on issuing while the copy was taken"
    again = server.cli("backup", "--to", str(tmp_path / "backup.db"), check=False)
    assert again.returncode == 1 and "exists" in again.stderr
