"""The throwaway PostgreSQL cluster the store tests run on."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

import pg_cluster

pytestmark = pytest.mark.skipif(not pg_cluster.available(), reason="PostgreSQL is not installed")


def test_fresh_databases_are_empty_and_separate(pg_cluster_session):
    first, second = pg_cluster_session.new_database(), pg_cluster_session.new_database()
    assert first != second and first.startswith("postgresql://postgres@127.0.0.1:")
    with psycopg.connect(first, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (x int)")
        conn.execute("INSERT INTO t VALUES (1)")
    with psycopg.connect(second) as conn:
        tables = conn.execute("SELECT count(*) FROM information_schema.tables"
                              " WHERE table_schema = 'public'").fetchone()[0]
    assert tables == 0


def test_a_database_copied_from_a_template(pg_cluster_session):
    source = pg_cluster_session.new_database()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (x int)")
        conn.execute("INSERT INTO t VALUES (7)")
    copy = pg_cluster_session.new_database(template=source.rsplit("/", 1)[-1])
    with psycopg.connect(copy) as conn:
        assert conn.execute("SELECT x FROM t").fetchone()[0] == 7


def test_the_cluster_listens_only_on_loopback(pg_cluster_session):
    with psycopg.connect(pg_cluster_session.url()) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"
        assert conn.execute("SHOW fsync").fetchone()[0] == "off"


SLEEPY = '''
import os, time
from pathlib import Path
import pg_cluster

def test_holds_the_cluster():
    Path(os.environ["CLUSTER_DIR_FILE"]).write_text(str(pg_cluster.cluster().tmp))
    time.sleep(600)

def test_after():
    Path(os.environ["SECOND_RAN"]).write_text("yes")
    time.sleep(600)
'''


def test_a_run_stopped_by_sigterm_stops_and_takes_its_cluster_with_it(tmp_path):
    """`timeout` or CI's stop sends SIGTERM: the run ends there (no further test) and no PostgreSQL is left."""
    (tmp_path / "test_sleepy.py").write_text(SLEEPY, encoding="utf-8")
    told, second = tmp_path / "cluster_dir", tmp_path / "second_ran"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent), "CLUSTER_DIR_FILE": str(told),
           "SECOND_RAN": str(second)}
    proc = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_sleepy.py"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while not told.exists() or not told.read_text():
            assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read() if proc.poll() else ""
            time.sleep(0.1)
        cluster_dir = Path(told.read_text())
        assert (cluster_dir / "data" / "postmaster.pid").exists()
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert not second.exists(), out
    assert not cluster_dir.exists(), out
