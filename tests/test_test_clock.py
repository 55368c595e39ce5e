"""The browser tests' clock: their launcher runs a server command at a chosen time; the product never does."""
from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = "tests/e2e/clocked_server.py"


def run(entry: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, entry, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "KEZEK_SECRET_KEY": "clock-test", **env})


def test_the_launcher_runs_a_command_on_the_test_clock(tmp_path):
    start = datetime(2026, 12, 1, 23, 50, tzinfo=timezone(timedelta(hours=5)))       # 23:50 Almaty
    wall = datetime.now(timezone.utc)
    done = run(LAUNCHER, "demo", "--db", str(tmp_path / "k.db"), "--password", "demo-pass-123",
               KEZEK_TEST_CLOCK_START=start.isoformat(), KEZEK_TEST_CLOCK_AT=repr(wall.timestamp()))
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "k.db") as db:
        first, last = db.execute("SELECT MIN(at), MAX(at) FROM events").fetchone()
    elapsed = datetime.now(timezone.utc) - wall
    for at in (first, last):
        moment = datetime.fromisoformat(at)
        assert start <= moment <= start + elapsed, (at, start)


@pytest.mark.parametrize("command", [["run", "--port", "0"], ["demo"], ["init-db"]])
def test_server_py_refuses_the_launchers_variables_instead_of_seeming_to_honour_them(tmp_path, command):
    done = run("server.py", *command, "--db", str(tmp_path / "k.db"),
               KEZEK_TEST_CLOCK_START="2026-12-01T23:50:00+05:00", KEZEK_TEST_CLOCK_AT="0")
    assert done.returncode == 1 and "KEZEK_TEST_CLOCK_START" in done.stderr and "not a server setting" in done.stderr
    assert not (tmp_path / "k.db").exists()                                        # nothing was done


def test_nothing_in_the_product_moves_the_clock():
    product = [ROOT / "server.py", *sorted((ROOT / "kezek").rglob("*.py"))]
    callers = [p.relative_to(ROOT) for p in product if re.search(r"\bshift_for_tests\s*\(", p.read_text())
               and p.name != "clock.py"]
    assert callers == []
    readers = [p.relative_to(ROOT) for p in product if "KEZEK_TEST_CLOCK" in p.read_text() and p.name != "server.py"]
    assert readers == []
