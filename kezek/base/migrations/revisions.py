"""Which schema revision a database is at, and which this code needs: checked on every open without Alembic
(the revision files are read as text), a new database stamped at the newest; SchemaMismatch names what to do."""
from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from kezek.base.migrations import store

HERE = Path(__file__).resolve().parent
SCHEMA = HERE.parents[2] / "schema.sql"
BASELINE = "0001"              # the first release's schema (versions/0001_first_release.py)


class SchemaMismatch(Exception):
    """The database is not at the revision this code needs (or not a Kezek database): nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@functools.cache
def _read() -> dict[str, tuple[str | None, str]]:
    """Each revision file's (down_revision, first docstring line), read without importing it (nor Alembic)."""
    found = {}
    for path in sorted((HERE / "versions").glob("[0-9]*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {t.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
                 for t in node.targets if isinstance(t, ast.Name) and isinstance(node.value, ast.Constant)}
        if names["revision"] in found:
            raise RuntimeError(f"two revision files say revision {names['revision']!r}: renumber one ({path.name})")
        found[names["revision"]] = (names.get("down_revision"), ast.get_docstring(tree).splitlines()[0].rstrip("."))
    downs = [down for down, _ in found.values()]
    twice = sorted({str(d) for d in downs if downs.count(d) > 1})
    if twice:
        raise RuntimeError(f"two revisions follow {', '.join(twice)}: chain them (the later one's down_revision"
                           f" is the earlier one's revision), in kezek/base/migrations/versions/")
    return found


def known() -> list[str]:
    """Every revision, oldest first (one line: each after the one before; tests/test_migrations.py checks that
    Alembic reads the same)."""
    after = {down: revision for revision, (down, _) in _read().items()}
    line, current = [], None
    while current in after:
        current = after[current]
        line.append(current)
    return line


def head() -> str:
    """The newest revision: the one schema.sql describes."""
    return known()[-1]


def title(revision: str) -> str:
    """A revision's first docstring line, for messages."""
    return _read()[revision][1]


def forget() -> None:
    """Read the revision files again (after a new one was written)."""
    _read.cache_clear()


def where(target) -> str:
    """How messages name a database: an SQLite file's full path, a URL without its password."""
    text = str(target)
    if "://" in text:
        return re.sub(r"^(\w+://[^:/@]*):[^@/]*@", r"\1:***@", text)
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
