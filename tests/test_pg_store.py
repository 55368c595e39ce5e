"""PostgreSQL as the second store: the schema from one source, the SQL layer's translation, writers
of several processes, failing fast while the server is down and recovering when it is back."""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import sqlite3
import threading
import uuid

import psycopg
import pytest
import requests

import pg_cluster
from kezek.base import database, postgres

pytestmark = pytest.mark.skipif(not pg_cluster.available(), reason="PostgreSQL is not installed")


# -- the schema -------------------------------------------------------------------------------

def _sqlite_shape(path: str) -> dict:
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    shape = {"columns": {t: sorted(r[1] for r in conn.execute(f"PRAGMA table_info({t})")) for t in tables},
             "indexes": sorted(r[0] for r in conn.execute(
                 "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")),
             "unique": {t: sorted(tuple(c[2] for c in conn.execute(f"PRAGMA index_info({i[1]})"))
                                  for i in conn.execute(f"PRAGMA index_list({t})") if i[2] and i[3] != "pk")
                        for t in tables},
             "primary": {t: [r[1] for r in sorted(conn.execute(f"PRAGMA table_info({t})"), key=lambda r: r[5])
                             if r[5]] for t in tables},
             "foreign": {t: sorted((r[3], r[2], r[4]) for r in conn.execute(f"PRAGMA foreign_key_list({t})"))
                         for t in tables},
             "triggers": sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    conn.close()
    return shape


def _postgres_shape(url: str) -> dict:
    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")]
        columns = {t: sorted(r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s", (t,))) for t in tables}
        indexes = sorted(r[0] for r in conn.execute(
            "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
            " JOIN pg_namespace n ON n.oid = i.relnamespace WHERE n.nspname = 'public'"
            " AND NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"))
        unique = {t: sorted(tuple(r[0]) for r in conn.execute(
            "SELECT array_agg(a.attname ORDER BY k.n) FROM pg_index x"
            " JOIN pg_class c ON c.oid = x.indrelid"
            " CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)"
            " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum"   # NULL: an expression
            " WHERE c.relname = %s AND x.indisunique AND NOT x.indisprimary GROUP BY x.indexrelid", (t,)))
                  for t in tables}
        primary = {t: [r[0] for r in conn.execute(
            "SELECT a.attname FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid"
            " CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)"
            " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum"
            " WHERE c.relname = %s AND x.indisprimary ORDER BY k.n", (t,))] for t in tables}
        foreign = {t: sorted(tuple(r) for r in conn.execute(
            "SELECT a.attname, r.relname, ra.attname FROM pg_constraint c"
            " JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
            " JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]"
            " WHERE c.contype = 'f' AND t.relname = %s", (t,))) for t in tables}
        triggers = sorted(r[0] for r in conn.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
    return {"columns": columns, "indexes": indexes, "unique": unique, "primary": primary, "foreign": foreign,
            "triggers": triggers}


def test_both_stores_end_with_the_same_tables_columns_indexes_keys_and_triggers(tmp_path, pg_url):
    path = str(tmp_path / "k.db")
    database.init_db(path).close()
    database.init_db(pg_url).close()
    lite, pg = _sqlite_shape(path), _postgres_shape(pg_url)
    assert sorted(pg["columns"]) == sorted(lite["columns"])
    assert len(lite["columns"]) > 40
    for table, columns in lite["columns"].items():
        assert pg["columns"][table] == columns, table
    assert pg["indexes"] == lite["indexes"]
    for table in lite["columns"]:
        # SQLite lists a UNIQUE column list as an index; PostgreSQL too (a constraint's or an index's).
        assert pg["unique"][table] == lite["unique"][table], table
        assert pg["primary"][table] == lite["primary"][table], table
        assert pg["foreign"][table] == lite["foreign"][table], table
    assert pg["triggers"] == lite["triggers"] == ["events_no_delete", "events_no_update"]


def test_applying_the_schema_again_changes_nothing(pg_url):
    database.init_db(pg_url).close()
    before = _postgres_shape(pg_url)
    database.init_db(pg_url).close()
    assert _postgres_shape(pg_url) == before


def test_the_event_log_is_append_only_on_postgresql_too(pg_url):
    db = database.init_db(pg_url)
    try:
        with database.transaction(db):
            db.execute("INSERT INTO events (id, at, office_id, name, details, prev_hash, hash)"
                       " VALUES (1, 'now', 'o', 'x', '{}', '', 'h')")
        for statement in ("UPDATE events SET name = 'y'", "DELETE FROM events"):
            with pytest.raises(database.IntegrityError, match="append-only"):
                with database.transaction(db):
                    db.execute(statement)
        assert database.scalar(db, "SELECT name FROM events") == "x"
    finally:
        db.close()


# -- the SQL as the stores write it -------------------------------------------------------------

@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_the_stores_sql_answers_alike_on_both(store, tmp_path, pg_url):
    target = str(tmp_path / "k.db") if store == "sqlite" else pg_url
    db = database.init_db(target)
    try:
        with database.transaction(db):
            db.execute("INSERT INTO offices (id, name_kk, name_ru, name_en) VALUES (?, ?, ?, ?)", ("o", "a", "b", "c"))
            sid = db.execute("INSERT INTO services (office_id, prefix, name_kk, name_ru, name_en)"
                             " VALUES (:o, :p, 'a', 'b', 'c')", {"o": "o", "p": "А"}).lastrowid
            second = db.execute("INSERT INTO services (office_id, prefix, name_kk, name_ru, name_en, active)"
                                " VALUES (?, ?, 'a', 'b', 'c', ?)", ("o", "Б", False)).lastrowid
        assert (sid, second) == (1, 2)
        # a percent sign in SQL, a boolean expression, sum and avg of integers, IS NOT ?
        row = database.one(db, "SELECT count(*) AS n, sum(active) AS s, avg(active) AS a"
                               " FROM services WHERE office_id = ? AND id IS NOT ?", ("o", None))
        assert row == {"n": 2, "s": 1, "a": 0.5}
        assert type(row["s"]) is int
        flags = [r[0] for r in db.execute("SELECT prefix LIKE 'А%' FROM services ORDER BY id").fetchall()]
        assert flags == [1, 0] and all(type(f) is int for f in flags)
        # an id sent as text meets an INTEGER column; a number meets a TEXT one, as SQLite's affinity does
        assert database.scalar(db, "SELECT prefix FROM services WHERE id = ?", ("2",)) == "Б"
        assert database.scalar(db, "SELECT count(*) FROM services WHERE office_id = ?", (5,)) == 0
        with database.transaction(db):
            n1 = db.execute("INSERT INTO counters (service_id, day, last_number) VALUES (?, ?, 1)"
                            " ON CONFLICT(service_id, day) DO UPDATE SET last_number = counters.last_number + 1"
                            " RETURNING last_number", (sid, "2026-11-23")).fetchone()[0]
            n2 = db.execute("INSERT INTO counters (service_id, day, last_number) VALUES (?, ?, 1)"
                            " ON CONFLICT(service_id, day) DO UPDATE SET last_number = counters.last_number + 1"
                            " RETURNING last_number", (sid, "2026-11-23")).fetchone()[0]
        assert (n1, n2) == (1, 2)
    finally:
        db.close()


def test_a_refused_insert_inside_a_savepoint_leaves_the_transaction_going(pg_url):
    db = database.init_db(pg_url)
    try:
        with database.transaction(db):
            db.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
            with pytest.raises(database.IntegrityError), database.savepoint(db):
                db.execute("INSERT INTO settings (key, value) VALUES ('b', '2')")
                db.execute("INSERT INTO settings (key, value) VALUES ('a', '3')")
            db.execute("INSERT INTO settings (key, value) VALUES ('c', '4')")
        assert database.rows(db, "SELECT key, value FROM settings ORDER BY key") == [
            {"key": "a", "value": "1"}, {"key": "c", "value": "4"}]
    finally:
        db.close()


def test_a_snapshot_sees_one_committed_state(pg_url):
    reader, writer = database.init_db(pg_url), database.open_db(pg_url)
    try:
        with database.snapshot(reader):
            before = database.scalar(reader, "SELECT count(*) FROM settings")
            with database.transaction(writer):
                writer.execute("INSERT INTO settings (key, value) VALUES ('k', 'v')")
            assert database.scalar(reader, "SELECT count(*) FROM settings") == before
        assert database.scalar(reader, "SELECT count(*) FROM settings") == before + 1
    finally:
        reader.close()
        writer.close()


# -- writers of several processes ------------------------------------------------------------------

def _increment(url: str, times: int, start) -> None:
    start.wait()
    db = database.open_db(url)
    for _ in range(times):
        with database.transaction(db):
            # read, then write what was read plus one: lost updates if writers overlapped
            value = int(database.scalar(db, "SELECT value FROM settings WHERE key = 'n'"))
            db.execute("UPDATE settings SET value = ? WHERE key = 'n'", (str(value + 1),))
    db.close()


def test_writers_in_several_processes_run_one_at_a_time(pg_url):
    db = database.init_db(pg_url)
    with database.transaction(db):
        db.execute("INSERT INTO settings (key, value) VALUES ('n', '0')")
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=_increment, args=(pg_url, 50, start)) for _ in range(4)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert database.scalar(db, "SELECT value FROM settings WHERE key = 'n'") == "200"
    db.close()


def test_a_forked_child_opens_its_own_connection(pg_url):
    db = database.init_db(pg_url)
    db.close()                      # idle in this process now
    ctx = mp.get_context("fork")
    start = ctx.Event()
    start.set()
    child = ctx.Process(target=_increment, args=(pg_url, 3, start))
    db = database.open_db(pg_url)
    with database.transaction(db):
        db.execute("INSERT INTO settings (key, value) VALUES ('n', '0')")
    db.close()
    child.start()
    child.join(60)
    assert child.exitcode == 0
    db = database.open_db(pg_url)   # the parent's kept connection still works
    assert database.scalar(db, "SELECT value FROM settings WHERE key = 'n'") == "3"
    db.close()


# -- PostgreSQL down, then back ----------------------------------------------------------------

@pytest.fixture
def own_cluster():
    """A cluster of this test's own, to stop and start (the session's stays up for the others)."""
    cluster = pg_cluster.Cluster()
    cluster.init()
    cluster.start()
    yield cluster
    postgres.forget_idle()
    cluster.destroy()


def test_a_database_down_is_a_503_and_the_server_recovers_when_it_is_back(own_cluster, tmp_path, clock,
                                                                         monkeypatch):
    from helpers import DEMO_PASSWORD

    from kezek import demo
    from kezek.web.app import create_app
    monkeypatch.setenv("KEZEK_DATA_DIR", str(tmp_path))
    url = own_cluster.new_database()
    handle = database.init_db(url)
    office = demo.load_demo(handle, clock(), password=DEMO_PASSWORD)
    service_id = database.scalar(handle, "SELECT id FROM services ORDER BY id LIMIT 1")
    handle.close()
    app = create_app({"DB": url, "TESTING": True, "SECRET_KEY": "s", "ASYNC_MODE": "threading", "CLOCK": clock,
                      "QUEUE_PUSH_DELAY_S": 0, "DESK_PUSH_DELAY_S": 0, "ISSUE_RATE_LIMIT": 100000})
    kiosk = {"Authorization": f"Bearer {office['kiosk_token']}"}
    answers, stop = [], threading.Event()

    def issuing():
        # A kiosk: one Idempotency-Key a ticket, a 503 retried with it until the ticket is answered (a
        # commit whose answer was lost with the connection is answered by the retry, not issued again).
        client, pause = app.test_client(), threading.Event()
        while not stop.is_set():
            key = uuid.uuid4().hex
            for _ in range(6000):                       # bounded: the cluster is back well within this
                r = client.post("/api/v1/tickets?lang=ru", json={"service": service_id, "lang": "ru"},
                                headers={**kiosk, "Idempotency-Key": key})
                answers.append((r.status_code, r.get_json()))
                if r.status_code != 503:
                    break
                pause.wait(0.01)

    worker = threading.Thread(target=issuing)
    worker.start()
    try:
        _wait_for(lambda: any(s == 201 for s, _ in answers), what=lambda: answers[:2])
        own_cluster.stop("fast")                       # under requests
        down_from = len(answers)
        _wait_for(lambda: any(s == 503 for s, _ in answers[down_from:]))
        own_cluster.start()                            # same port, same data
        back_from = len(answers)
        _wait_for(lambda: sum(s == 201 for s, _ in answers[back_from:]) >= 3)
    finally:
        stop.set()
        worker.join(60)
    statuses = {s for s, _ in answers}
    assert statuses <= {201, 503}, [a for a in answers if a[0] not in (201, 503)][:3]
    down = next(body for s, body in answers if s == 503)
    assert down["error"]["code"] == "database_unavailable"
    assert down["error"]["message"] == down["error"]["details"]["messages"]["ru"]
    assert set(down["error"]["details"]["messages"]) == {"kk", "ru", "en"}
    # Every ticket answered 201 is in the database once, numbered without a gap or a repeat, and every
    # stored ticket reached its kiosk (answered 201, if need be on the retry).
    issued = [body["number"] for s, body in answers if s == 201]
    db = database.open_db(url)
    stored = database.rows(db, "SELECT number, display_number FROM tickets ORDER BY number")
    db.close()
    assert [r["number"] for r in stored] == list(range(1, len(stored) + 1))
    assert sorted(issued) == [r["display_number"] for r in stored]


def _wait_for(condition, limit: int = 2000, what=lambda: None) -> None:
    """Poll a condition (bounded: about `limit` x 10 ms), without a timing assertion."""
    stopped = threading.Event()
    for _ in range(limit):
        if condition():
            return
        stopped.wait(0.01)
    raise AssertionError(f"the condition never came true: {what()}")


# -- gevent: a PostgreSQL wait does not stop the server ---------------------------------------------

class _PgServer:
    """`server.py run` (gevent, as deployed) on a PostgreSQL database with the demo office."""

    def __init__(self, url: str, tmp):
        from bench._load import DEMO_PASSWORD, ROOT, ServerProcess
        self.inner = ServerProcess.__new__(ServerProcess)   # its __init__ makes a SQLite file
        inner = self.inner
        inner.root, inner.db = ROOT, url
        inner.port = pg_cluster.free_port()
        inner.url = f"http://127.0.0.1:{inner.port}"
        inner.env = {**os.environ, "KEZEK_PUBLIC_URL": inner.url, "KEZEK_SECRET_KEY": "load-secret",
                     "KEZEK_ASYNC_MODE": "gevent", "KEZEK_DATA_DIR": str(tmp)}
        inner.log = tmp / "server.log"
        inner.sessions = []
        out = inner.cli("demo", "--password", DEMO_PASSWORD).stdout
        inner.demo = json.loads(out[out.index("{"):])
        inner.proc = None


def test_a_request_waiting_on_postgresql_does_not_stop_another(pg_url, tmp_path):
    server = _PgServer(pg_url, tmp_path).inner
    server.start()
    holder = psycopg.connect(pg_url, autocommit=True)
    try:
        holder.execute(f"SELECT pg_advisory_lock({postgres.WRITE_LOCK})")   # every writer now waits in PostgreSQL
        issued = {}

        def issue():
            issued["answer"] = requests.post(server.url + "/api/v1/tickets", json={"service": 1}, timeout=120,
                                             headers={"Authorization": f"Bearer {server.demo['kiosk_token']}"})

        writer = threading.Thread(target=issue)
        writer.start()
        _wait_for(lambda: holder.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'kezek'"
            " AND wait_event_type = 'Lock' AND wait_event = 'advisory'").fetchone()[0] == 1)
        # The issue is inside a PostgreSQL wait; the same server process still answers a read.
        read = requests.get(server.url + "/api/v1/services", timeout=60)
        assert read.status_code == 200 and read.json()["services"]
        assert "answer" not in issued                      # and the issue is still waiting
        holder.execute(f"SELECT pg_advisory_unlock({postgres.WRITE_LOCK})")
        writer.join(120)
        assert issued["answer"].status_code == 201
    finally:
        holder.close()
        server.stop()
