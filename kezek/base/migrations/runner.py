"""Alembic driven from Kezek, with no alembic.ini: an older database (or one from before revisions) upgraded in
one transaction and compared with what schema.sql makes; a new revision written for a developer."""
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

from kezek.base import database, postgres as pg
from kezek.base.migrations import compare, ddl, store
from kezek.base.migrations.revisions import BASELINE, HERE, SCHEMA, SchemaMismatch, forget, head, known, where


def config() -> Config:
    """Alembic's configuration, made in code: the scripts are this package, revisions numbered 0001, 0002, …"""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    return cfg


@functools.cache
def scripts() -> ScriptDirectory:
    """The revisions as Alembic reads them (once per process)."""
    return ScriptDirectory.from_config(config())


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


def upgrade_db(path) -> str | None:
    """init-db: make a new database, or upgrade an older one to the newest revision (one transaction).

    Returns the revision it was at: None when it was new, '' when it was made before revisions (a
    first-release database), else the revision's id (revisions.said puts it in words)."""
    exists = database.is_postgres(path) or (str(path) != ":memory:" and Path(path).exists())
    before = upgrade(path) if exists else None
    database.init_db(path).close()
    return before


def upgrade(target, *, to: str = "head") -> str | None:
    """Take a database to the newest revision (or `to`) in one transaction; the revision it was at ('' for none).

    A database from before revisions (no alembic_version, the first release's tables) is taken as the first
    release's and upgraded: the early revisions create only what is missing, as schema.sql did then. On
    SQLite the result must equal what schema.sql makes, or the transaction is rolled back and refused (on
    PostgreSQL, which had no release before revisions, tests/test_migrations.py compares the two).
    None: the database is empty (init_db makes it from schema.sql at the newest revision).
    """
    postgres = pg if database.is_postgres(target) else None
    engine = _engine(target, postgres)
    try:
        with engine.begin() as conn:
            tables = store.connection_tables(conn)
            if not tables and to == "head":
                return None
            before = MigrationContext.configure(conn).get_current_revision()
            cfg = config()
            cfg.attributes["connection"] = conn
            cfg.attributes["translate"] = postgres.schema.schema_sql if postgres is not None else None
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
    forget()
    return Path(script.path)
