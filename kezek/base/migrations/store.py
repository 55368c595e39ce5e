"""The SQL of the schema's own bookkeeping: which revision a database is at (Alembic's table), what it holds."""
from __future__ import annotations

# Alembic's own version table, as its stamp creates it (made here when a new database is created at head).
VERSION_TABLE = ("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
                 " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))")


def table_names(db) -> set[str]:
    """The names of the tables in an SQLite database (its own sqlite_* tables left out)."""
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return {r[0] for r in rows.fetchall()}


def revisions(db) -> list[str]:
    """The revisions Alembic's table records (one, unless someone wrote it by hand)."""
    return [r[0] for r in db.execute("SELECT version_num FROM alembic_version").fetchall()]


def stamp(db, revision: str) -> None:
    """Record that the database is at `revision` (a new database: the table made here, as Alembic makes it)."""
    db.execute(VERSION_TABLE)
    db.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (revision,))


def triggers(connection) -> list[tuple[str, str, str]]:
    """An SQLite database's triggers: (name, table, their SQL), through an SQLAlchemy connection."""
    rows = connection.exec_driver_sql(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    return [tuple(r) for r in rows]


def table_sql(connection) -> dict[str, str]:
    """An SQLite database's CREATE TABLE statements, by table, through an SQLAlchemy connection."""
    rows = connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
    return {r[0]: r[1] for r in rows}


def foreign_key_problems(connection) -> list[tuple]:
    """Rows whose foreign key points nowhere (SQLite's foreign_key_check), after a migration."""
    return [tuple(r) for r in connection.exec_driver_sql("PRAGMA foreign_key_check")]


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# An SQLite schema as SQLite itself reports it (kezek/base/migrations/compare.py reads these).
def sqlite_objects(query) -> list[tuple]:
    """(type, name, table, sql) of every table, index and trigger, SQLite's own left out."""
    return query("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'index', 'trigger')"
                 " AND name NOT LIKE 'sqlite_%' ORDER BY type, name")


def sqlite_columns(query, table: str) -> list[tuple]:
    """(position, name, type, not null, default, primary key position, hidden) of a table's columns."""
    return query(f"PRAGMA table_xinfo({_quoted(table)})")


def sqlite_foreign_keys(query, table: str) -> list[tuple]:
    """(id, seq, table, from, to, on update, on delete, match) of a table's foreign keys."""
    return query(f"PRAGMA foreign_key_list({_quoted(table)})")


def sqlite_indexes(query, table: str) -> list[tuple]:
    """(seq, name, unique, origin, partial) of a table's indexes, the automatic ones included."""
    return query(f"PRAGMA index_list({_quoted(table)})")


def sqlite_index_columns(query, index: str) -> list[tuple]:
    """(seqno, cid, name, desc, collation, key) of an index's columns."""
    return query(f"PRAGMA index_xinfo({_quoted(index)})")
