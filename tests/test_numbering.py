"""Ticket numbers: per service, restart at the office's midnight, never repeat under load."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest

from kezek.base import database
from kezek.queue import tickets


def test_numbers_count_per_service_with_prefix(db, clock):
    assert [tickets.issue(db, 1, clock()).ticket["display_number"] for _ in range(3)] == ["А001", "А002", "А003"]
    assert tickets.issue(db, 2, clock()).ticket["display_number"] == "Б001"


def test_numbering_restarts_at_midnight_in_almaty_not_utc(db, clock):
    clock.now = datetime(2026, 11, 23, 18, 59, tzinfo=timezone.utc)   # 23:59 in Almaty (UTC+5)
    assert tickets.issue(db, 1, clock()).ticket["display_number"] == "А001"
    assert tickets.issue(db, 1, clock()).ticket["display_number"] == "А002"
    clock.now = datetime(2026, 11, 23, 19, 0, tzinfo=timezone.utc)    # 00:00 in Almaty, still the 23rd in UTC
    t = tickets.issue(db, 1, clock()).ticket
    assert t["display_number"] == "А001" and t["day"] == "2026-11-24"


def test_unique_constraint_refuses_a_duplicate_number(db, clock):
    t = tickets.issue(db, 1, clock()).ticket
    with pytest.raises(database.IntegrityError) as err:
        with database.transaction(db):
            db.execute("INSERT INTO tickets (office_id, token, issued_service_id, service_id, day, number,"
                       " display_number, status, issued_at, queued_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                       ("demo", "other-token", 1, 1, t["day"], t["number"], "А001", "waiting",
                        t["issued_at"], t["issued_at"]))
    assert "unique" in str(err.value).lower()


def test_32_threads_issuing_at_once_never_repeat_a_number(db, db_path, clock):
    per_thread, threads = 10, 32
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def worker():
        own = database.open_db(db_path)          # one connection per thread, as in the server
        try:
            barrier.wait()
            for _ in range(per_thread):
                n = tickets.issue(own, 1, clock()).ticket["display_number"]
                with lock:
                    numbers.append(n)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            own.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(60)
    assert not errors
    assert len(numbers) == per_thread * threads
    assert len(set(numbers)) == len(numbers)
    assert sorted(numbers) == [f"А{i:03d}" for i in range(1, per_thread * threads + 1)]


def test_32_processes_issuing_at_once_never_repeat_a_number(db, db_path):
    """Separate processes share only the file: SQLite's lock (BEGIN IMMEDIATE) keeps numbers unique."""
    import subprocess
    import sys
    code = ("import sys; from kezek.base import database; from kezek.queue import tickets; from kezek.base.clock import utcnow;"
            "db = database.open_db(sys.argv[1]);"
            "print(' '.join(tickets.issue(db, 2, utcnow()).ticket['display_number'] for _ in range(5)))")
    procs = [subprocess.Popen([sys.executable, "-c", code, db_path], stdout=subprocess.PIPE, text=True)
             for _ in range(32)]
    numbers = []
    for p in procs:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0
        numbers += out.split()
    assert len(numbers) == 160 and len(set(numbers)) == 160


def test_restart_keeps_the_queue_and_continues_numbering(db, db_path, clock):
    first = [tickets.issue(db, 1, clock()).ticket for _ in range(3)]
    db.close()
    reopened = database.init_db(db_path)          # as after a server restart
    try:
        assert tickets.issue(reopened, 1, clock()).ticket["display_number"] == "А004"
        assert tickets.call_next(reopened, 1, clock()).ticket["id"] == first[0]["id"]
    finally:
        reopened.close()
