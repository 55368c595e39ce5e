"""The SQL of the schema's own bookkeeping: which revision a database is at (Alembic's table), what it holds."""
from __future__ import annotations

# Alembic's own version table, as its stamp creates it (made here when a new database is created at head).
VERSION_TABLE = ("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
                 " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))")


def table_names(db) -> set[str]:
    """The names of the database's tables (SQLite's own sqlite_* left out; PostgreSQL's current schema)."""
    if getattr(db, "kezek_dialect", "sqlite") == "postgresql":
        rows = db.execute("SELECT table_name FROM information_schema.tables"
                          " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
    else:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return {r[0] for r in rows.fetchall()}


def connection_tables(connection) -> set[str]:
    """The same through an SQLAlchemy connection (a migration's)."""
    if connection.dialect.name == "postgresql":
        rows = connection.exec_driver_sql("SELECT table_name FROM information_schema.tables"
                                          " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
    else:
        rows = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'"
                                          " AND name NOT LIKE 'sqlite_%'")
    return {r[0] for r in rows}


def revisions(db) -> list[str]:
    """The revisions Alembic's table records (one, unless someone wrote it by hand)."""
    return [r[0] for r in db.execute("SELECT version_num FROM alembic_version").fetchall()]


def stamp(db, revision: str) -> None:
    """Record that the database is at `revision` (a new database: the table made here, as Alembic makes it)."""
    db.execute(VERSION_TABLE)
    db.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (revision,))


def take_writers_lock(connection, key: int) -> None:
    """PostgreSQL: the advisory lock every Kezek writer takes (kezek/base/postgres/__init__.py), for this transaction."""
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({int(key)})")


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


# A PostgreSQL schema as its catalogue reports it (the current schema only).
def pg_objects(query) -> dict[str, list[tuple]]:
    """Columns, constraints, indexes, triggers and functions of the current schema, each as rows."""
    return {
        "columns": query(
            "SELECT table_name, ordinal_position, column_name, data_type, is_nullable, column_default,"
            " is_identity, identity_generation FROM information_schema.columns"
            " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"),
        "constraints": query(
            "SELECT c.conrelid::regclass::text, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c"
            " JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema()"
            " ORDER BY 1, 2, 3"),
        "indexes": query("SELECT tablename, indexname, indexdef FROM pg_indexes"
                         " WHERE schemaname = current_schema() ORDER BY 1, 2"),
        "triggers": query(
            "SELECT t.tgname, t.tgrelid::regclass::text, pg_get_triggerdef(t.oid) FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE NOT t.tgisinternal AND n.nspname = current_schema() ORDER BY 1"),
        "functions": query(
            "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE n.nspname = current_schema() ORDER BY 1"),
    }
