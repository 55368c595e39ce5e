"""Which SQL layer for PostgreSQL: psycopg 3 with Kezek's thin handle, or SQLAlchemy Core?

The ticket-issue hot path, measured on a throwaway cluster (tests/pg_cluster.py, fsync off, so
the figures are the layer's and the server's work, not a disk's):
1. the engine's own issue (tickets.issue: one write transaction) through kezek/base/postgres.py, N times,
   and the same on SQLite (synchronous=FULL, the file in a temp dir) for reference;
2. the statements of one issue, recorded, replayed N times (each replay rolled back) through
   (a) psycopg directly, (b) SQLAlchemy Core's exec_driver_sql, (c) SQLAlchemy Core text() with
   named binds: the cost each layer adds to the same work.
Prints medians and p90 in ms. Usage: python bench/bench_sql_layer.py [--n 300]
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import pg_cluster  # noqa: E402

from kezek import demo  # noqa: E402
from kezek.base import database, postgres  # noqa: E402
from kezek.queue import tickets  # noqa: E402

NOW = datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc)


def figures(samples: list[float]) -> str:
    samples = sorted(samples)
    p90 = samples[int(len(samples) * 0.9) - 1]
    return f"median {statistics.median(samples):6.2f} ms   p90 {p90:6.2f} ms   (n={len(samples)})"


def engine_issues(target: str, n: int) -> tuple[list[float], list]:
    db = database.init_db(target)
    office = demo.load_demo(db, NOW, password="bench-password-1")
    service_id = database.scalar(db, "SELECT id FROM services WHERE office_id = ? ORDER BY id LIMIT 1",
                                 (office["office"],))
    took = []
    for _ in range(n):
        start = time.perf_counter()
        tickets.issue(db, service_id, NOW)          # its own write transaction
        took.append((time.perf_counter() - start) * 1000)
    recorded = []
    if database.dialect(db) == "postgresql":
        original = db.execute

        def recording(sql, params=None):
            if sql == "COMMIT":                 # the recorded issue is undone: its rows replay
                return original("ROLLBACK")
            recorded.append((sql, params))
            return original(sql, params)
        db.execute = recording
        tickets.issue(db, service_id, NOW)
        db.execute = original
    db.close()
    return took, recorded


def replay_psycopg(url: str, statements: list, n: int) -> list[float]:
    conn = postgres.connect(url)
    prepared = [(postgres.translate(sql, isinstance(p, dict))[0], p if p is not None else ())
                for sql, p in statements if sql not in ("BEGIN", "COMMIT")]
    took = []
    for _ in range(n):
        start = time.perf_counter()
        conn.execute("BEGIN")
        for sql, params in prepared:
            conn.execute(sql, params).fetchall() if sql.lstrip().upper().startswith(("SELECT", "WITH")) \
                else conn.execute(sql, params)
        conn.execute("ROLLBACK")
        took.append((time.perf_counter() - start) * 1000)
    conn.close()
    return took


def _named(sql: str, params) -> tuple[str, dict]:
    """`?` SQL as SQLAlchemy text(): :p0, :p1 ... ."""
    if isinstance(params, dict):
        return sql, params
    out, k = [], 0
    for part in re.split(r"(\?)", sql):
        if part == "?":
            out.append(f":p{k}")
            k += 1
        else:
            out.append(part)
    return "".join(out), {f"p{i}": v for i, v in enumerate(params or ())}


def replay_sqlalchemy(url: str, statements: list, n: int, *, with_text: bool) -> list[float]:
    import sqlalchemy as sa
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), poolclass=sa.pool.NullPool)
    body = [(s, p) for s, p in statements if s not in ("BEGIN", "COMMIT")]
    if with_text:
        prepared = [(sa.text(q), b) for q, b in (_named(s, p) for s, p in body)]
    else:
        prepared = [(postgres.translate(s, isinstance(p, dict))[0], tuple(p) if isinstance(p, list) else p or ())
                    for s, p in body]
    took = []
    with engine.connect() as conn:
        for _ in range(n):
            start = time.perf_counter()
            with conn.begin() as tx:
                for sql, params in prepared:
                    result = conn.execute(sql, params) if with_text else conn.exec_driver_sql(sql, params)
                    if result.returns_rows:
                        result.fetchall()
                tx.rollback()
            took.append((time.perf_counter() - start) * 1000)
    engine.dispose()
    return took


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    cluster = pg_cluster.cluster()
    url = cluster.new_database()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_took, _ = engine_issues(str(Path(tmp) / "bench.db"), args.n)
    pg_took, statements = engine_issues(url, args.n)
    print(f"issue, engine, SQLite (FULL sync)           {figures(sqlite_took)}")
    print(f"issue, engine, PostgreSQL via psycopg handle {figures(pg_took)}")
    print(f"one issue = {len(statements)} statements; replayed, rolled back each time:")
    print(f"  psycopg 3 directly                         {figures(replay_psycopg(url, statements, args.n))}")
    print(f"  SQLAlchemy Core exec_driver_sql            "
          f"{figures(replay_sqlalchemy(url, statements, args.n, with_text=False))}")
    print(f"  SQLAlchemy Core text()                     "
          f"{figures(replay_sqlalchemy(url, statements, args.n, with_text=True))}")
    postgres.forget_idle()
    cluster.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
