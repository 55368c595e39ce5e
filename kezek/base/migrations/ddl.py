"""Schema SQL as statements: a script split where SQLite says a statement is complete, run one by one."""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator


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


def without_comments(statement: str) -> str:
    """A statement on one line without its comments (for a message)."""
    return " ".join(re.sub(r"--[^\n]*", " ", statement).split())
