"""Run-once work across real `server.py run` processes: one holds every lease, another takes over when it dies or hangs."""
from __future__ import annotations

import signal
import time

import pytest
from server_processes import ServerProcess, Sibling

from kezek.base import database, leases
from kezek.web.live.leases import NAMES

pytestmark = pytest.mark.slow

TTL_S = 3       # KEZEK_LEASE_TTL_S for these tests (15 by default): a frozen holder's are taken within ~4 s
ENV = {"KEZEK_LEASE_TTL_S": str(TTL_S), "KEZEK_CHECKPOINT_EVERY_S": "1"}


def _holders(server) -> dict[str, int]:
    """Each lease's holder pid, read from the database as a region's admin could."""
    db = database.open_db(server.db)
    try:
        rows = {name: leases.holder(db, name) for name in NAMES}
    finally:
        db.close()
    return {name: int(row["holder"].split(":")[1]) for name, row in rows.items() if row}


def _until(condition, seconds: float = 60):
    """Poll `condition` until it is true (bounded); the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s")


def _checkpointed_size(server) -> int:
    answer = server.kiosk().get(server.url + "/api/v1/log/checkpoint", timeout=10)
    return int(answer.text.splitlines()[1]) if answer.status_code == 200 else 0


def _log_size(server) -> int:
    db = database.open_db(server.db)
    try:
        return database.scalar(db, "SELECT count(*) FROM events")
    finally:
        db.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def pair(request, tmp_path):
    """Two processes on one database of each store."""
    db = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    first = ServerProcess(tmp_path, env={**ENV, "KEZEK_DATA_DIR": str(tmp_path)}, db=db)
    first.start()
    second = Sibling(first)
    second.start()
    yield first, second
    for server in (first, second):
        if server.proc is not None and server.proc.poll() is None:
            server.proc.send_signal(signal.SIGCONT)
        server.stop()


def _issue(server) -> None:
    answer = server.kiosk().post(server.url + "/api/v1/tickets", json={"service": 1}, timeout=10)
    assert answer.status_code == 201, answer.text


def test_the_first_process_runs_all_the_work_and_a_second_none(pair):
    first, second = pair
    assert _holders(first) == {name: first.proc.pid for name in NAMES}
    _issue(second)                       # a ticket through the second process is checkpointed by the first
    _until(lambda: _checkpointed_size(second) == _log_size(first))
    time.sleep(TTL_S)                    # renewal rounds of both: the second never takes anything
    assert _holders(first) == {name: first.proc.pid for name in NAMES}


def test_a_killed_holders_work_goes_on_in_the_other_process(pair):
    first, second = pair
    first.kill()                         # SIGKILL: no clean-up, its leases still in the table
    took = _until(lambda: _holders(second) == {name: second.proc.pid for name in NAMES}, seconds=TTL_S * 10)
    print(f"\nleases taken over {took:.1f} s after SIGKILL (same host: the dead pid is seen at the next round)")
    _issue(second)
    _until(lambda: _checkpointed_size(second) == _log_size(second))   # checkpoints go on


def test_a_frozen_holder_loses_its_work_and_does_not_take_it_back_when_it_wakes(pair):
    first, second = pair
    first.proc.send_signal(signal.SIGSTOP)   # alive but silent (a hung host, a partition)
    try:
        took = _until(lambda: _holders(second) == {name: second.proc.pid for name in NAMES}, seconds=TTL_S * 10)
        print(f"\nleases taken over {took:.1f} s after SIGSTOP (lease time {TTL_S} s + a renewal round)")
        _issue(second)
        _until(lambda: _checkpointed_size(second) == _log_size(second))
    finally:
        first.proc.send_signal(signal.SIGCONT)
    time.sleep(TTL_S)                         # the woken process's rounds find the leases taken
    assert _holders(first) == {name: second.proc.pid for name in NAMES}


def test_a_server_alone_restarted_after_a_crash_runs_its_work_at_once(tmp_path):
    server = ServerProcess(tmp_path, env={**ENV, "KEZEK_LEASE_TTL_S": "600"})   # a long lease: no waiting it out
    server.start()
    try:
        server.kill()
        server.start()
        assert _holders(server) == {name: server.proc.pid for name in NAMES}   # taken before it answered
        _issue(server)
        _until(lambda: _checkpointed_size(server) == _log_size(server))
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def long_leased_pair(request, tmp_path):
    """Two processes whose leases last 10 minutes: nothing but a release moves the work within a test's time."""
    db = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    env = {**ENV, "KEZEK_LEASE_TTL_S": "600", "KEZEK_DATA_DIR": str(tmp_path)}
    first = ServerProcess(tmp_path, env=env, db=db)
    first.start()
    second = Sibling(first)
    second.start()
    yield first, second
    for server in (first, second):
        server.stop()


def test_a_holder_stopped_with_sigterm_hands_its_work_over_at_once(long_leased_pair):
    first, second = long_leased_pair
    assert _holders(first) == {name: first.proc.pid for name in NAMES}
    proc = first.proc
    proc.send_signal(signal.SIGTERM)          # a deploy or a restart
    assert proc.wait(30) == 0
    # The lease rows name the second process long before their 10 minutes (or its next 200 s round) are up.
    took = _until(lambda: _holders(second) == {name: second.proc.pid for name in NAMES}, seconds=30)
    print(f"\nleases taken over {took:.1f} s after the holder exited on SIGTERM (lease time 600 s)")
    _issue(second)
    _until(lambda: _checkpointed_size(second) == _log_size(second))   # and its work goes on there
