"""Leases (kezek/base/leases.py): one holder at a time, renewed by it, taken over once expired or its process is dead."""
from __future__ import annotations

import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import pytest

from kezek.base import database, leases

T0 = datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc)
TTL = timedelta(seconds=15)


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    """A fresh database made by init_db on each store."""
    if request.param == "sqlite":
        path = str(tmp_path / "kezek.db")
        database.init_db(path).close()
        return path
    url = request.getfixturevalue("pg_url")   # skips where PostgreSQL is not installed
    database.init_db(url).close()
    return url


@pytest.fixture
def db(target):
    handle = database.open_db(target)
    yield handle
    handle.close()


def _holder(pid: int) -> str:
    return f"{leases.socket.gethostname()}:{pid}:abcd"


def test_one_holder_at_a_time_renewing_its_own(db):
    a, b = _holder(1), "elsewhere:1:b"
    assert leases.take(db, "expiry", a, T0, TTL)
    assert not leases.take(db, "expiry", b, T0 + timedelta(seconds=5), TTL)
    assert leases.take(db, "expiry", a, T0 + timedelta(seconds=10), TTL)            # renewed: until T0+25 s
    assert not leases.take(db, "expiry", b, T0 + timedelta(seconds=20), TTL)        # would have expired at T0+15
    row = leases.holder(db, "expiry")
    assert row["holder"] == a and row["acquired_at"].startswith("2026-11-23T05:00:00")
    assert leases.take(db, "printers", b, T0, TTL)                                  # another lease: its own holder


def test_an_expired_lease_goes_to_the_next_process_that_asks(db):
    a, b = "host-a:10:a", "host-b:20:b"
    assert leases.take(db, "checkpoints", a, T0, TTL)
    assert leases.take(db, "checkpoints", b, T0 + TTL, TTL)          # the holder stopped renewing
    assert not leases.take(db, "checkpoints", a, T0 + TTL + timedelta(seconds=1), TTL)   # back too late
    assert leases.holder(db, "checkpoints")["holder"] == b


def test_a_lease_whose_process_died_on_this_host_is_taken_at_once(db):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert leases.take(db, "telegram", _holder(gone.pid), T0, TTL)
    assert leases.take(db, "telegram", _holder(2**22 + 7), T0 + timedelta(seconds=1), TTL)   # no wait for T0+15
    # A live process's lease is not: this test's own pid runs.
    assert leases.take(db, "notices", leases.new_holder(), T0, TTL)
    assert not leases.take(db, "notices", _holder(2**22 + 8), T0 + timedelta(seconds=1), TTL)


def test_given_up_it_is_free_at_once(db):
    a, b = "host-a:1:a", "host-b:2:b"
    assert leases.take(db, "expiry", a, T0, TTL)
    leases.give_up(db, "expiry", b)          # not b's to give
    assert not leases.take(db, "expiry", b, T0, TTL)
    leases.give_up(db, "expiry", a)
    assert leases.take(db, "expiry", b, T0, TTL)


def test_processes_racing_for_an_expired_lease_get_one_holder(target):
    first = database.open_db(target)
    leases.take(first, "checkpoints", "host-gone:1:x", T0, TTL)
    first.close()
    won, start = [], threading.Barrier(8)

    def contender(n: int) -> None:
        handle = database.open_db(target)
        try:
            start.wait()
            for _ in range(20):   # each tries again and again at the moment the lease ran out
                if leases.take(handle, "checkpoints", f"host-{n}:{n}:c", T0 + TTL, TTL):
                    won.append(n)
        finally:
            handle.close()

    threads = [threading.Thread(target=contender, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(set(won)) == 1 and len(won) == 20   # the winner renewed its own 20 times; nobody else ever held it
