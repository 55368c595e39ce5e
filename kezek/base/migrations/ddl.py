"""Schema SQL as statements: a script split where SQLite says a statement is complete, run one by one."""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

from alembic import op


def statements(script: str) -> Iterator[str]:
    """The script's statements in order (SQLite's own parser decides where one ends: comments, quotes and a
    trigger's BEGIN … END are understood)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if any(line.strip() and not line.strip().startswith("--") for line in pending.splitlines()):
        raise ValueError(f"an unfinished statement at the end of the script: {pending.strip()[:80]}")


def run(script: str) -> None:
    """Run a revision's schema script (schema.sql's words) inside the migration's transaction: statement by
    statement on SQLite; on PostgreSQL as one script in its words (the translation runner.upgrade was given)."""
    context = op.get_context()
    connection = context.bind
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(context.opts["kezek_translate"](script))
        return
    for statement in statements(script):
        connection.exec_driver_sql(statement)


def without_comments(statement: str) -> str:
    """A statement on one line without its comments (for a message)."""
    return " ".join(re.sub(r"--[^\n]*", " ", statement).split())
