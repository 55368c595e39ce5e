"""The throwaway PostgreSQL cluster the store tests run on."""
from __future__ import annotations

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
