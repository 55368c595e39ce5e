"""Opening the SQLite database through sqlite-utils: pragmas, schema and its revision, write transactions."""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from kezek.base.migrations import ddl, runner as migrations

SCHEMA = migrations.SCHEMA
SchemaMismatch = migrations.SchemaMismatch

# One writer lock per database file in this process: writers queue here, in order,
# instead of in SQLite's busy handler, which sleeps and polls (second-long tails).
_write_locks: dict[str, threading.Lock] = {}
_write_locks_guard = threading.Lock()


def _lock_for(path: str) -> threading.Lock:
    with _write_locks_guard:
        return _write_locks.setdefault(path, threading.Lock())


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open one connection (for one request or thread) with Kezek's pragmas."""
    path = str(Path(path).resolve()) if str(path) != ":memory:" else ":memory:"
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
    conn.execute("PRAGMA journal_mode=WAL")
    # FULL: a ticket that was answered 201 and printed survives a power cut.
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA foreign_keys=ON")
    db = sqlite_utils.Database(conn)
    db.kezek_path = path
    db.kezek_write_lock = _lock_for(path)
    # Run inside each write transaction just before COMMIT (an Idempotency-Key's claim).
    db.kezek_before_commit = []
    return db


def init_db(path: str | Path) -> sqlite_utils.Database:
    """Open the database: a new (empty) one is made from schema.sql at the newest revision; one at another
    revision is refused with SchemaMismatch, which names the command that upgrades it (upgrade_db)."""
    db = open_db(path)
    try:
        if migrations.is_empty(db):
            with transaction(db):
                if migrations.is_empty(db):           # not made by another process meanwhile
                    for statement in ddl.statements(SCHEMA.read_text(encoding="utf-8")):
                        db.execute(statement)
                    migrations.stamp_head(db)
        migrations.check(db, path)
    except BaseException:
        db.close()
        raise
    return db


def upgrade_db(path: str | Path) -> str | None:
    """init-db: make a new database, or upgrade an older one to the newest revision (one transaction).

    Returns the revision it was at: None when it was new, '' when it was made before revisions (a
    first-release database), else the revision's id (migrations.said puts it in words)."""
    before = migrations.upgrade(path) if str(path) != ":memory:" and Path(path).exists() else None
    init_db(path).close()
    return before


class Pool:
    """Open connections kept for reuse, one request or task at a time each.

    Opening costs the pragmas; closing the last connection of a WAL database costs a
    checkpoint and an fsync. A server keeps a few open instead.
    """

    def __init__(self, path: str | Path, keep: int = 8):
        self.path, self.keep = path, keep
        self.idle: list[sqlite_utils.Database] = []
        self.lock = threading.Lock()

    def get(self) -> sqlite_utils.Database:
        """A connection for this request."""
        with self.lock:
            if self.idle:
                return self.idle.pop()
        return open_db(self.path)

    def put(self, db: sqlite_utils.Database) -> None:
        """Give a connection back (a transaction left open is rolled back)."""
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        with self.lock:
            if len(self.idle) < self.keep:
                self.idle.append(db)
                return
        db.close()


# How COMMIT runs. The gevent server sets this to run it in a native thread: with
# synchronous=FULL a commit waits for fsync, and in the hub's thread that wait would stop
# every other request; in a thread, others' reads and work go on meanwhile.
commit_runner = None


def _commit(db: sqlite_utils.Database) -> None:
    if commit_runner is None:
        db.execute("COMMIT")
    else:
        commit_runner(db.conn.execute, "COMMIT")


@contextmanager
def transaction(db: sqlite_utils.Database, *, durable: bool = True):
    """One write transaction: this process's writer lock, then BEGIN IMMEDIATE.

    durable=False commits without waiting for the disk (synchronous=NORMAL: safe from a
    crash of the process, not from a power cut), for writes that something durable
    already covers.
    """
    with db.kezek_write_lock:
        if not durable:
            db.execute("PRAGMA synchronous=NORMAL")
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                for hook in db.kezek_before_commit:
                    hook(db)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            if durable:
                _commit(db)
            else:
                db.execute("COMMIT")
        finally:
            if not durable:
                db.execute("PRAGMA synchronous=FULL")


@contextmanager
def snapshot(db: sqlite_utils.Database):
    """Reads that all see one committed state (a read transaction; inside a write, that one's)."""
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN")
    try:
        yield db
    finally:
        db.execute("COMMIT")     # nothing was written: this only ends the snapshot


def rows(db: sqlite_utils.Database, sql: str, params=()) -> list[dict]:
    """A query's rows as dicts.

    Plain execute: sqlite-utils' query() wraps every read in a SAVEPOINT, two more
    statements per read on the hot path of every ticket operation.
    """
    cursor = db.execute(sql, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def one(db: sqlite_utils.Database, sql: str, params=()) -> dict | None:
    """The first row of a query as a dict, or None."""
    cursor = db.execute(sql, params)
    row = cursor.fetchone()
    return dict(zip([c[0] for c in cursor.description], row)) if row else None


def scalar(db: sqlite_utils.Database, sql: str, params=()):
    """The first column of the first row, or None."""
    row = db.execute(sql, params).fetchone()
    return row[0] if row else None




def each(db: sqlite_utils.Database, sql: str, params=()) -> Iterator[dict]:
    """A query's rows as dicts, fetched one at a time (a long read, such as the whole log)."""
    cursor = db.execute(sql, params)
    names = [c[0] for c in cursor.description]
    for row in cursor:
        yield dict(zip(names, row))
