"""Alembic driven from Kezek, with no alembic.ini: a database's revision checked, a new one stamped at the
newest, an older one (or one from before revisions) upgraded in one transaction and compared with schema.sql."""
from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

import sqlalchemy
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.pool import NullPool

from kezek.base.migrations import compare, ddl, store

HERE = Path(__file__).resolve().parent
SCHEMA = HERE.parents[2] / "schema.sql"
BASELINE = "0001"              # the first release's schema (versions/0001_first_release.py)


class SchemaMismatch(Exception):
    """The database is not at the revision this code needs (or not a Kezek database): nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def config() -> Config:
    """Alembic's configuration, made in code: the scripts are this package, revisions numbered 0001, 0002, …"""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    return cfg


@functools.cache
def scripts() -> ScriptDirectory:
    """The revisions (read once per process)."""
    return ScriptDirectory.from_config(config())


def head() -> str:
    """The newest revision: the one schema.sql describes."""
    return scripts().get_current_head()


def known() -> list[str]:
    """Every revision, oldest first."""
    return [s.revision for s in reversed(list(scripts().walk_revisions()))]


def title(revision: str) -> str:
    """A revision's first docstring line, for messages."""
    return scripts().get_revision(revision).doc.splitlines()[0].rstrip(".")


def where(target) -> str:
    """How messages name a database: an SQLite file's full path, a URL without its password."""
    text = str(target)
    if "://" in text:
        return sqlalchemy.engine.make_url(text).render_as_string(hide_password=True)
    return str(Path(text).resolve()) if text != ":memory:" else text


def _upgrade_hint(target) -> str:
    return (f"Back it up, then upgrade it (stop every server using it first): "
            f"python server.py init-db --db {where(target)}")


def is_empty(db) -> bool:
    """True for a database with no tables yet (a new file): init_db makes it from schema.sql."""
    return not store.table_names(db)


def stamp_head(db) -> None:
    """Record the newest revision in a database just made from schema.sql (inside that transaction)."""
    store.stamp(db, head())


def check(db, target) -> None:
    """Refuse (SchemaMismatch) a database older or newer than this code; return for one at the newest revision."""
    tables = store.table_names(db)
    if "alembic_version" not in tables:
        raise SchemaMismatch(f"the database {where(target)} was made by a Kezek from before schema revisions"
                             f" (this Kezek needs revision {head()}). {_upgrade_hint(target)}")
    found = store.revisions(db)
    if found == [head()]:
        return
    if len(found) == 1 and found[0] in known():
        raise SchemaMismatch(f"the database {where(target)} is at schema revision {found[0]} ({title(found[0])});"
                             f" this Kezek needs {head()} ({title(head())}). {_upgrade_hint(target)}")
    raise SchemaMismatch(f"the database {where(target)} is at schema revision {', '.join(found) or '(none)'},"
                         f" which this Kezek does not know (it knows up to {head()}): a newer Kezek upgraded it."
                         f" Run that Kezek, or restore the backup taken before the upgrade")


def said(before: str | None) -> str:
    """init-db's words for what it did, given the revision the database was at (upgrade_db's answer)."""
    if before is None:
        return f"new, schema revision {head()}"
    if before == head():
        return f"schema revision {head()}, the newest: nothing to upgrade"
    return f"upgraded from {f'revision {before}' if before else 'before schema revisions'} to {head()}"


def _engine(target, postgres=None) -> sqlalchemy.Engine:
    """An SQLAlchemy engine for the migration alone: one connection, one transaction for the whole upgrade,
    which no other writer shares (SQLite's BEGIN IMMEDIATE; PostgreSQL's writers' advisory lock)."""
    if postgres is not None:
        url = sqlalchemy.engine.make_url(str(target)).set(drivername="postgresql+psycopg")
        engine = sqlalchemy.create_engine(url, poolclass=NullPool)

        @sqlalchemy.event.listens_for(engine, "begin")
        def _writers_lock(connection):
            store.take_writers_lock(connection, postgres.WRITE_LOCK)

        return engine
    engine = sqlalchemy.create_engine(f"sqlite:///{Path(target).resolve()}", poolclass=NullPool,
                                      connect_args={"timeout": 30})

    @sqlalchemy.event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection, _record):
        # pysqlite's own transaction handling would commit before each CREATE/ALTER: the upgrade would not be
        # one transaction. Foreign keys stay off (SQLite's default) so batch mode can copy tables.
        dbapi_connection.isolation_level = None

    @sqlalchemy.event.listens_for(engine, "begin")
    def _begin_immediate(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")     # no other writer until the upgrade commits

    return engine


def reference() -> dict:
    """What schema.sql makes, described (an SQLite database in memory)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(SCHEMA.read_text(encoding="utf-8"))
        return compare.describe_sqlite(lambda sql: conn.execute(sql).fetchall())
    finally:
        conn.close()


def upgrade(target, *, postgres=None, to: str = "head") -> str | None:
    """Take a database to the newest revision (or `to`) in one transaction; the revision it was at ('' for none).

    A database from before revisions (no alembic_version, the first release's tables) is taken as the first
    release's and upgraded: the early revisions create only what is missing, as schema.sql did then. On
    SQLite the result must equal what schema.sql makes, or the transaction is rolled back and refused (on
    PostgreSQL, which had no release before revisions, tests/test_migrations.py compares the two).
    None: the database is empty (init_db makes it from schema.sql at the newest revision).
    `postgres`: kezek/base/postgres.py for a postgresql:// target (its schema translation and lock).
    """
    engine = _engine(target, postgres)
    try:
        with engine.begin() as conn:
            tables = store.connection_tables(conn)
            if not tables and to == "head":
                return None
            before = MigrationContext.configure(conn).get_current_revision()
            cfg = config()
            cfg.attributes["connection"] = conn
            cfg.attributes["translate"] = postgres.schema_sql if postgres is not None else None
            if before is None and tables:
                missing = sorted(set(_baseline_tables()) - tables)
                if missing:
                    raise SchemaMismatch(f"the database {where(target)} is not a Kezek database (no table"
                                         f" {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''})")
                command.stamp(cfg, BASELINE)
            elif before is not None and before not in known():
                raise SchemaMismatch(f"the database {where(target)} is at schema revision {before}, which this"
                                     f" Kezek does not know (it knows up to {head()}): a newer Kezek upgraded it")
            try:
                command.upgrade(cfg, to)
            except sqlalchemy.exc.DBAPIError as err:       # a revision the database's tables do not fit
                raise SchemaMismatch(f"the upgrade of {where(target)} failed, so nothing was changed:"
                                     f" {err.orig} (in: {ddl.without_comments(str(err.statement))[:200]})") from err
            if postgres is None and to == "head":
                _same_as_schema_sql(conn, target)
            return before or ""
    finally:
        engine.dispose()


def _same_as_schema_sql(conn, target) -> None:
    wrong = compare.differences(compare.describe_sqlite(lambda sql: conn.exec_driver_sql(sql).fetchall()),
                                reference())
    if wrong:
        raise SchemaMismatch(f"the upgraded database {where(target)} would differ from schema.sql, so"
                             f" nothing was changed: {'; '.join(wrong[:8])}")
    broken = store.foreign_key_problems(conn)
    if broken:
        raise SchemaMismatch(f"the upgrade of {where(target)} left rows whose reference points nowhere,"
                             f" so nothing was changed: {broken[:5]}")


@functools.cache
def _baseline_tables() -> list[str]:
    conn = sqlite3.connect(":memory:")
    try:
        ddl_text = scripts().get_revision(BASELINE).module.SCHEMA
        conn.executescript(ddl_text)
        return sorted(store.table_names(conn))
    finally:
        conn.close()


def new_revision(message: str) -> Path:
    """A new revision file after the newest, numbered on (for a developer changing schema.sql)."""
    number = f"{int(head()) + 1:04d}"
    script = command.revision(config(), message=message.strip().rstrip("."), rev_id=number)
    scripts.cache_clear()
    return Path(script.path)
