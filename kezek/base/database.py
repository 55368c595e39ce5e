"""The database, on either store: a SQLite file or a PostgreSQL database (a postgresql:// URL).

open_db/init_db/Pool/transaction/snapshot/rows/one/scalar/each mean the same on both. The
stores' SQL is written once, with `?` (or `:name`) placeholders; on PostgreSQL the handle
(kezek/base/postgres/__init__.py) translates the placeholders and answers in SQLite's shapes (integers
for booleans, lastrowid). Where the two dialects differ, a store asks `dialect(db)`.
"""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from kezek.base import postgres
from kezek.base.errors import DatabaseUnavailable  # noqa: F401 - raised by either store, answered 503
from kezek.base.migrations import ddl, revisions as migrations

SCHEMA = migrations.SCHEMA
SchemaMismatch = migrations.SchemaMismatch
URL_PREFIXES = ("postgresql://", "postgres://")


def is_postgres(target) -> bool:
    """Whether a KEZEK_DB value names a PostgreSQL database (a URL) rather than a SQLite file."""
    return str(target).startswith(URL_PREFIXES)


def dialect(db) -> str:
    """'sqlite' or 'postgresql': which store this handle talks to."""
    return getattr(db, "kezek_dialect", "sqlite")


def normalise_target(target) -> str:
    """A SQLite path made absolute; a PostgreSQL URL as it is."""
    if is_postgres(target) or str(target) == ":memory:":
        return str(target)
    return str(Path(target).resolve())


def files_dir(target, configured=None) -> Path:
    """Where files kept beside the database go (the log key, media): the SQLite file's folder,
    or for PostgreSQL `configured` (KEZEK_DATA_DIR), else ./var."""
    if configured:
        return Path(configured).resolve()
    if is_postgres(target):
        return Path("var").resolve()
    return Path(target).resolve().parent


def _pg():
    return postgres


# A unique constraint (or the log's append-only trigger) refused a write, on either store.
IntegrityError = (sqlite3.IntegrityError, psycopg.IntegrityError)

# One writer lock per database file in this process: writers queue here, in order,
# instead of in SQLite's busy handler, which sleeps and polls (second-long tails).
_write_locks: dict[str, threading.Lock] = {}
_write_locks_guard = threading.Lock()


def _lock_for(path: str) -> threading.Lock:
    with _write_locks_guard:
        return _write_locks.setdefault(path, threading.Lock())


class SqliteDatabase:
    """One SQLite connection with the calls the stores make (the same as PostgreSQL's handle)."""

    kezek_dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def execute(self, sql: str, params=()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executescript(self, script: str) -> None:
        self.conn.executescript(script)

    def query(self, sql: str, params=()) -> Iterator[dict]:
        """A query's rows as dicts (tests and tools; the stores use rows/one/scalar/each)."""
        return each(self, sql, params)

    def close(self) -> None:
        self.conn.close()


def open_db(path: str | Path):
    """Open one connection (for one request or thread): SQLite with Kezek's pragmas, or PostgreSQL.

    On PostgreSQL, close() gives the connection back to this process's idle ones.
    """
    if is_postgres(path):
        return _pg().open_db(str(path))
    path = str(Path(path).resolve()) if str(path) != ":memory:" else ":memory:"
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
    conn.execute("PRAGMA journal_mode=WAL")
    # FULL: a ticket that was answered 201 and printed survives a power cut.
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA foreign_keys=ON")
    db = SqliteDatabase(conn)
    db.kezek_path = path
    db.kezek_write_lock = _lock_for(path)
    # Run inside each write transaction just before COMMIT (an Idempotency-Key's claim).
    db.kezek_before_commit = []
    return db


def apply_schema(db) -> None:
    """Create every table, index and trigger at the current version (idempotent), on either store.

    schema.sql is the one source; PostgreSQL gets its translation (kezek/base/postgres/__init__.py).
    """
    if dialect(db) == "postgresql":
        _pg().apply_schema(db)
        return
    with db.kezek_write_lock:
        db.conn.executescript(SCHEMA.read_text(encoding="utf-8"))


def init_db(path: str | Path):
    """Open the database: a new (empty) one is made from schema.sql at the newest revision; one at another
    revision is refused with SchemaMismatch, which names the command that upgrades it (init-db:
    kezek/base/migrations/runner.py's upgrade_db)."""
    db = open_db(path)
    try:
        if migrations.is_empty(db):
            with transaction(db):                     # on PostgreSQL: the writers' lock of every process
                if migrations.is_empty(db):           # not made by another process meanwhile
                    if dialect(db) == "postgresql":
                        db.executescript(_pg().schema.schema_sql())
                    else:
                        for statement in ddl.statements(SCHEMA.read_text(encoding="utf-8")):
                            db.execute(statement)
                    migrations.stamp_head(db)
        migrations.check(db, path)
    except BaseException:
        db.close()
        raise
    return db


class Pool:
    """Open connections kept for reuse, one request or task at a time each.

    Opening costs the pragmas; closing the last connection of a WAL database costs a
    checkpoint and an fsync. A server keeps a few open instead.
    """

    def __init__(self, path: str | Path, keep: int = 8):
        self.path, self.keep = path, keep
        self.idle: list[SqliteDatabase] = []
        self.lock = threading.Lock()
        self.postgres = is_postgres(path)

    def get(self) -> SqliteDatabase:
        """A connection for this request."""
        if self.postgres:
            return open_db(self.path)    # PostgreSQL keeps its own idle connections per process
        with self.lock:
            if self.idle:
                return self.idle.pop()
        return open_db(self.path)

    def put(self, db: SqliteDatabase) -> None:
        """Give a connection back (a transaction left open is rolled back)."""
        if self.postgres:
            db.close()
            return
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


def _commit_pg(db) -> None:
    if commit_runner is None:
        db.execute("COMMIT")
    else:
        commit_runner(db.execute, "COMMIT")


def _commit(db: SqliteDatabase) -> None:
    if commit_runner is None:
        db.execute("COMMIT")
    else:
        commit_runner(db.conn.execute, "COMMIT")


@contextmanager
def transaction(db: SqliteDatabase, *, durable: bool = True):
    """One write transaction: this process's writer lock, then BEGIN IMMEDIATE.

    durable=False commits without waiting for the disk (synchronous=NORMAL: safe from a
    crash of the process, not from a power cut), for writes that something durable
    already covers.

    On PostgreSQL: BEGIN, then a transaction-level advisory lock that every writer takes
    (kezek/base/postgres/__init__.py), so writers of every process run one at a time, as on SQLite.
    """
    if dialect(db) == "postgresql":
        with db.kezek_write_lock, _pg().transaction(db, durable=durable, commit=_commit_pg):
            yield db
        return
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
def snapshot(db: SqliteDatabase):
    """Reads that all see one committed state (a read transaction; inside a write, that one's)."""
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if dialect(db) == "postgresql" else "BEGIN")
    try:
        yield db
    finally:
        db.execute("COMMIT")     # nothing was written: this only ends the snapshot


_savepoints = iter(range(1, 2**62))


@contextmanager
def savepoint(db):
    """Inside a transaction, a part that can fail alone: on an error its writes are undone and the
    transaction goes on (PostgreSQL would otherwise refuse every later statement of it)."""
    if not db.conn.in_transaction:      # outside a transaction every statement stands alone anyway
        yield db
        return
    name = f"kezek_sp_{next(_savepoints)}"
    db.execute(f"SAVEPOINT {name}")
    try:
        yield db
    except BaseException:
        db.execute(f"ROLLBACK TO SAVEPOINT {name}")
        db.execute(f"RELEASE SAVEPOINT {name}")
        raise
    db.execute(f"RELEASE SAVEPOINT {name}")


def rows(db: SqliteDatabase, sql: str, params=()) -> list[dict]:
    """A query's rows as dicts.

    Plain execute: sqlite-utils' query() wraps every read in a SAVEPOINT, two more
    statements per read on the hot path of every ticket operation.
    """
    cursor = db.execute(sql, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def one(db: SqliteDatabase, sql: str, params=()) -> dict | None:
    """The first row of a query as a dict, or None."""
    cursor = db.execute(sql, params)
    row = cursor.fetchone()
    return dict(zip([c[0] for c in cursor.description], row)) if row else None


def scalar(db: SqliteDatabase, sql: str, params=()):
    """The first column of the first row, or None."""
    row = db.execute(sql, params).fetchone()
    return row[0] if row else None




def each(db: SqliteDatabase, sql: str, params=()) -> Iterator[dict]:
    """A query's rows as dicts, fetched one at a time (a long read, such as the whole log)."""
    cursor = db.execute(sql, params)
    names = [c[0] for c in cursor.description]
    for row in cursor:
        yield dict(zip(names, row))
