"""PostgreSQL as Kezek's second store: a thin handle over psycopg 3 that speaks like the SQLite one.

The stores' SQL is SQLite's where that is portable. This module bridges what is not:
- placeholders: `?` becomes `%s`, `:name` becomes `%(name)s` (outside quotes), `%` is doubled;
  `x IS ?` / `x IS NOT ?` become IS [NOT] DISTINCT FROM;
- parameters are sent untyped, as text (like psycopg's own str): the server types each by its
  place in the statement, as SQLite's column affinity does (an id sent as "5" to a TEXT column
  is the text "5"; a str "5" compared with an INTEGER column is the number 5);
- answers: booleans come back as 0/1 and NUMERIC (sum/avg of integers) as int or float, the
  types SQLite answers with; an INSERT into a table with an `id` key reports `lastrowid`;
- schema.sql is translated (apply_schema): BIGINT for INTEGER, identity ids, BYTEA, no WITHOUT
  ROWID, foreign keys added after every table exists, SQLite's RAISE(ABORT) triggers as PL/pgSQL.

Writers: every write transaction takes one transaction-level advisory lock (WRITE_LOCK) right
after BEGIN, so writers of all processes run one at a time, as BEGIN IMMEDIATE makes them on
SQLite. The isolation stays READ COMMITTED: each statement after the lock sees every transaction
committed before it, the same state a SQLite writer sees. Readers never wait for it (MVCC);
snapshot() is REPEATABLE READ.
"""
from __future__ import annotations

import os
import re
import select
import threading
from contextlib import contextmanager

import psycopg
from psycopg.adapt import Dumper, Loader

from kezek.base.errors import DatabaseUnavailable
from kezek.base.postgres import schema, store
from kezek.base.postgres.store import WRITE_LOCK  # noqa: F401 - the key, for tests and tools

CONNECT_TIMEOUT_S = 2          # PostgreSQL down: a request answers 503 within about this
KEEP_IDLE = 16                 # idle connections kept per URL and process


# -- parameters and answers in SQLite's shapes -------------------------------------------------

class _UntypedText(Dumper):
    """A number sent as untyped text: the statement decides its type (SQLite's affinity)."""
    oid = 0

    def dump(self, obj):
        return str(obj).encode()


class _UntypedBool(Dumper):
    oid = 0

    def dump(self, obj):
        return b"1" if obj else b"0"


class _BoolAsInt(Loader):
    def load(self, data):
        return 1 if bytes(data) == b"t" else 0


class _NumericAsNumber(Loader):
    """NUMERIC (PostgreSQL's sum and avg of integers) as SQLite answers: int when whole, else float."""

    def load(self, data):
        text = bytes(data)
        if b"." in text or b"N" in text or b"e" in text:
            return float(text)
        return int(text)


def _adapt(conn: psycopg.Connection) -> None:
    conn.adapters.register_dumper(int, _UntypedText)
    conn.adapters.register_dumper(float, _UntypedText)
    conn.adapters.register_dumper(bool, _UntypedBool)
    conn.adapters.register_loader("bool", _BoolAsInt)
    conn.adapters.register_loader("numeric", _NumericAsNumber)


# -- the SQL: placeholders --------------------------------------------------------------------

_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
_IS_NOT_PARAM = re.compile(r"\bIS\s+NOT\s+(%s|%\(\w+\)s)", re.IGNORECASE)
_IS_PARAM = re.compile(r"\bIS\s+(%s|%\(\w+\)s)", re.IGNORECASE)
_translated: dict[tuple[str, bool], tuple[str, bool]] = {}


IDENTITY_TABLES = schema.IDENTITY_TABLES


def translate(sql: str, named: bool) -> tuple[str, bool]:
    """SQLite-style SQL as psycopg takes it; and whether `RETURNING id` was added (for lastrowid)."""
    key = (sql, named)
    done = _translated.get(key)
    if done is not None:
        return done
    out, i, n = [], 0, len(sql)
    quote = None
    while i < n:
        ch = sql[i]
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "%":
            out.append("%%")
        elif ch == "?" and not named:
            out.append("%s")
        elif ch == ":" and named and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_") \
                and (i == 0 or sql[i - 1] != ":"):
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            out.append(f"%({sql[i + 1:j]})s")
            i = j
            continue
        else:
            out.append(ch)
        i += 1
    text = "".join(out)
    # SQLite's `a IS ?` / `a IS NOT ?` compare any value, NULL included.
    text = _IS_NOT_PARAM.sub(r"IS DISTINCT FROM \1", text)
    text = _IS_PARAM.sub(r"IS NOT DISTINCT FROM \1", text)
    returning = False
    insert = _INSERT.match(text)
    if insert and insert.group(1) in IDENTITY_TABLES and not _RETURNING.search(text):
        text = text.rstrip().rstrip(";") + " RETURNING id"
        returning = True
    if len(_translated) < 10000:
        _translated[key] = (text, returning)
    return text, returning


# -- the handle -------------------------------------------------------------------------------

class Cursor:
    """The answer of one statement, as sqlite3's cursor gives it."""

    def __init__(self, cursor: psycopg.Cursor, returning: bool):
        self._cursor = cursor
        self.lastrowid = None
        self._held: list | None = None
        if returning:
            ids = cursor.fetchall() if cursor.description else []
            self.lastrowid = ids[-1][0] if ids else None
            self._held = []

    @property
    def description(self):
        return None if self._held is not None else self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def fetchone(self):
        if self._held is not None or self._cursor.description is None:
            return None
        return self._cursor.fetchone()

    def fetchall(self) -> list:
        if self._held is not None or self._cursor.description is None:
            return []
        return self._cursor.fetchall()

    def fetchmany(self, size: int = 100) -> list:
        if self._held is not None or self._cursor.description is None:
            return []
        return self._cursor.fetchmany(size)

    def __iter__(self):
        return self

    def __next__(self):
        # sqlite3's cursor is its own iterator: callers next() it (verify-log's merge by ticket id).
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row


class Database:
    """One PostgreSQL connection with the calls the stores make on a SQLite handle."""

    kezek_dialect = "postgresql"

    def __init__(self, url: str, conn: psycopg.Connection):
        self.kezek_path = url
        self.kezek_write_lock = _lock_for(url)
        self.kezek_before_commit: list = []
        self._conn = conn
        self._pid = os.getpid()

    # The SQLite handle's .conn is its sqlite3 connection; here it is this handle itself.
    @property
    def conn(self) -> Database:
        return self

    @property
    def in_transaction(self) -> bool:
        return self._conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def execute(self, sql: str, params=None) -> Cursor:
        named = isinstance(params, dict)
        text, returning = translate(sql, named)
        try:
            cursor = self._conn.execute(text, params if params is not None else ())
        except psycopg.OperationalError as exc:
            if self._conn.broken or self._conn.closed:
                raise DatabaseUnavailable(str(exc)) from exc
            raise
        return Cursor(cursor, returning)

    def executemany(self, sql: str, seq) -> None:
        seq = list(seq)
        if not seq:
            return
        named = isinstance(seq[0], dict)
        text, _ = translate(sql, named)
        text = _RETURNING_ID.sub("", text) if _RETURNING_ID.search(text) and not _RETURNING.search(sql) else text
        try:
            with self._conn.cursor() as cursor:
                cursor.executemany(text, seq)
        except psycopg.OperationalError as exc:
            if self._conn.broken or self._conn.closed:
                raise DatabaseUnavailable(str(exc)) from exc
            raise

    def executescript(self, script: str) -> None:
        self._conn.execute(script)

    def query(self, sql: str, params=None):
        """A query's rows as dicts (tests and tools; the stores use rows/one/scalar/each)."""
        cursor = self.execute(sql, params)
        names = [c[0] for c in cursor.description]
        for row in cursor:
            yield dict(zip(names, row))

    def close(self) -> None:
        """Give the connection back to this process's idle ones (a transaction left open is rolled back)."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        _give_back(self.kezek_path, conn, self._pid)

    def really_close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


_RETURNING_ID = re.compile(r" RETURNING id$")

# -- connections kept per process -------------------------------------------------------------

_write_locks: dict[str, threading.Lock] = {}
_idle: dict[str, list[psycopg.Connection]] = {}
_guard = threading.Lock()
_idle_pid = os.getpid()


def _lock_for(url: str) -> threading.Lock:
    with _guard:
        return _write_locks.setdefault(url, threading.Lock())


def _stale(conn: psycopg.Connection) -> bool:
    """An idle connection the server has closed or spoken on (a restart's goodbye) since its last use."""
    if conn.closed or conn.broken:
        return True
    try:
        readable, _, _ = select.select([conn.fileno()], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _forked() -> None:
    """In a child process the parent's connections are not ours: forget them (never close: that
    would end the parent's sessions)."""
    global _idle_pid
    if os.getpid() != _idle_pid:
        _idle.clear()
        _write_locks.clear()
        _idle_pid = os.getpid()


def connect(url: str) -> psycopg.Connection:
    """A new connection with Kezek's adaptation, or DatabaseUnavailable within CONNECT_TIMEOUT_S."""
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                               application_name="kezek")
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(str(exc)) from exc
    _adapt(conn)
    return conn


def open_db(url: str) -> Database:
    with _guard:
        _forked()
        idle = _idle.setdefault(url, [])
        conn = None
        while idle:
            candidate = idle.pop()
            if _stale(candidate):
                try:
                    candidate.close()
                except Exception:   # noqa: BLE001 - it is gone either way
                    pass
                continue
            conn = candidate
            break
    if conn is None:
        conn = connect(url)
    return Database(url, conn)


def _give_back(url: str, conn: psycopg.Connection, pid: int) -> None:
    if pid != os.getpid():
        return
    try:
        if not conn.closed and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.rollback()
    except psycopg.Error:
        pass
    if conn.closed or conn.broken:
        return
    with _guard:
        _forked()
        idle = _idle.setdefault(url, [])
        if len(idle) < KEEP_IDLE:
            idle.append(conn)
            return
    conn.close()


def forget_idle(url: str | None = None) -> None:
    """Close the idle connections kept (of one URL, or all): after a restart of the server."""
    with _guard:
        lists = [_idle.pop(url, [])] if url else [_idle.pop(k) for k in list(_idle)]
    for idle in lists:
        for conn in idle:
            try:
                conn.close()
            except Exception:   # noqa: BLE001
                pass


# -- transactions -----------------------------------------------------------------------------

@contextmanager
def transaction(db: Database, *, durable: bool, commit):
    """BEGIN, the writers' advisory lock, the work, the before-commit hooks, COMMIT (or ROLLBACK)."""
    db.execute("BEGIN")
    try:
        if not durable:
            db.execute("SET LOCAL synchronous_commit = off")
        db.execute(store.TAKE_WRITE_LOCK)
        yield db
        for hook in db.kezek_before_commit:
            hook(db)
    except BaseException:
        if db._conn is not None and not db._conn.broken and not db._conn.closed:
            db.execute("ROLLBACK")
        raise
    commit(db)


# -- the schema -------------------------------------------------------------------------------

def apply_schema(db: Database) -> None:
    """Create everything at the current version (kezek/base/postgres/schema.py), under the writers'
    lock (two processes starting at once do not race on CREATE). The public schema's comment
    remembers which schema.sql was applied last: the same one again is a single read."""
    script = schema.schema_sql()
    mark = schema.mark(script)
    if db._conn.execute(store.SCHEMA_MARK).fetchone()[0] == mark:
        return
    with db.kezek_write_lock:
        db._conn.execute("BEGIN")
        try:
            db._conn.execute(store.TAKE_WRITE_LOCK)
            db._conn.execute(script)
            db._conn.execute(store.set_schema_mark(mark))
        except BaseException:
            if not db._conn.broken:
                db._conn.execute("ROLLBACK")
            raise
        db._conn.execute("COMMIT")
