"""A database's schema described as its store reports it (tables, columns, types, defaults, keys, indexes,
triggers; SQLite's pragmas or PostgreSQL's catalogue), and the differences between two: a migrated database
must equal one made from schema.sql."""
from __future__ import annotations

import re

from kezek.base.migrations import store

IGNORED_TABLES = {"alembic_version"}      # the migrations' own bookkeeping


def _normal(sql: str | None) -> str:
    """SQL without comments, in single spaces, without the IF NOT EXISTS schema.sql writes everywhere."""
    if sql is None:
        return ""
    text = re.sub(r"--[^\n]*", " ", sql)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text))
    return re.sub(r"(?i)\bIF NOT EXISTS\s+", "", text)


def _checks(sql: str) -> list[str]:
    """The CHECK constraints written in a CREATE TABLE, as text."""
    found = []
    for match in re.finditer(r"(?i)\bCHECK\s*\(", sql):
        depth, start = 0, match.end() - 1
        for i in range(start, len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[i], 0)
            if depth == 0:
                found.append(sql[start:i + 1])
                break
    return sorted(found)


def describe_sqlite(query) -> dict[str, object]:
    """An SQLite database's schema: query(sql) answers a list of tuples (any connection's)."""
    described: dict[str, object] = {}
    for kind, name, table, sql in store.sqlite_objects(query):
        if table in IGNORED_TABLES:
            continue
        text = _normal(sql)
        if kind == "table":
            described[f"table {name}"] = {
                "columns": [tuple(c) for c in store.sqlite_columns(query, name)],
                "foreign keys": sorted(tuple(f[2:]) for f in store.sqlite_foreign_keys(query, name)),
                "checks": _checks(text),
                "without rowid": bool(re.search(r"(?i)\)\s*WITHOUT ROWID\s*$", text)),
                "autoincrement": bool(re.search(r"(?i)\bAUTOINCREMENT\b", text)),
                "indexes": sorted(
                    (i[1] if i[3] == "c" else f"({i[3]})", i[2], i[3], i[4],
                     tuple(tuple(c[1:]) for c in store.sqlite_index_columns(query, i[1])))
                    for i in store.sqlite_indexes(query, name)),
            }
        else:
            # An index made by CREATE INDEX or a trigger: SQLite keeps what was written; where clause, expressions.
            described[f"{kind} {name}"] = {"table": table, "sql": text}
    return described


def describe_postgres(query) -> dict[str, object]:
    """A PostgreSQL database's schema (the current schema), in the same shape: one entry a table."""
    found = store.pg_objects(query)
    described: dict[str, dict] = {}
    for table, *column in found["columns"]:
        if table not in IGNORED_TABLES:
            described.setdefault(f"table {table}", {"columns": [], "constraints": [], "indexes": []})[
                "columns"].append(tuple(column))
    for table, kind, definition in found["constraints"]:
        if table not in IGNORED_TABLES:
            described[f"table {table}"]["constraints"].append((kind, definition))
    for table, name, definition in found["indexes"]:
        if table not in IGNORED_TABLES:
            described[f"table {table}"]["indexes"].append((name, definition))
    for name, table, definition in found["triggers"]:
        described[f"trigger {name}"] = {"table": table, "sql": definition}
    for name, source in found["functions"]:
        described[f"function {name}"] = {"sql": " ".join(source.split())}
    return described


def differences(found: dict, expected: dict) -> list[str]:
    """What differs between two descriptions, in words: an empty list when they are the same."""
    out = []
    for key in sorted(set(found) | set(expected)):
        if key not in found:
            out.append(f"{key}: missing")
        elif key not in expected:
            out.append(f"{key}: not in schema.sql")
        elif found[key] != expected[key]:
            parts = [p for p in expected[key] if found[key].get(p) != expected[key].get(p)]
            out.append(f"{key}: {', '.join(parts)} differ ({found[key][parts[0]]!r} instead of "
                       f"{expected[key][parts[0]]!r})")
    return out
