"""Schema revisions (Alembic): a new database at the newest revision, older ones upgraded to exactly what
schema.sql makes, anything else refused with the command to run and left as it was."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import sqlalchemy
from alembic.runtime.migration import MigrationContext

import server
from bench._load import free_port
from kezek.base import database, postgres
from kezek.base.migrations import compare, revisions, runner

ROOT = Path(__file__).resolve().parents[1]


def described(path) -> dict:
    conn = sqlite3.connect(str(path))
    try:
        return compare.describe_sqlite(lambda sql: conn.execute(sql).fetchall())
    finally:
        conn.close()


def recorded_revision(path) -> str | None:
    engine = sqlalchemy.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def made_at(path, revision: str) -> Path:
    """A database made by Alembic's own upgrade from nothing to `revision` (as that Kezek would have it)."""
    runner.upgrade(path, to=revision)
    return Path(path)


def made_before_revisions(path, *revisions: str) -> Path:
    """A database as a Kezek from before revisions made it: those releases' schema.sql, no alembic_version."""
    conn = sqlite3.connect(str(path))
    for revision in revisions:
        conn.executescript(runner.scripts().get_revision(revision).module.SCHEMA)
    conn.close()
    return Path(path)


def cli(*args, timeout=120):
    return subprocess.run([sys.executable, "server.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_init_db_makes_a_new_database_at_the_newest_revision_as_alembic_reads_it(tmp_path, capsys):
    path = tmp_path / "new.db"
    assert server.main(["init-db", "--db", str(path)]) == 0
    assert f"(new, schema revision {runner.head()})" in capsys.readouterr().out
    assert recorded_revision(path) == runner.head() == runner.known()[-1]
    assert compare.differences(described(path), runner.reference()) == []
    assert server.main(["init-db", "--db", str(path)]) == 0          # again: nothing to do, nothing changed
    assert "nothing to upgrade" in capsys.readouterr().out


def test_the_first_releases_schema_upgraded_through_every_revision_equals_a_new_database(tmp_path):
    old = made_at(tmp_path / "old.db", runner.BASELINE)
    assert "help_calls" not in {k.split()[1] for k in described(old)}       # the first release had no help calls
    assert runner.upgrade_db(old) == runner.BASELINE
    new = tmp_path / "new.db"
    database.init_db(new).close()
    # Tables, columns (order, types, NOT NULL, defaults, keys), foreign keys, checks, indexes, triggers.
    assert compare.differences(described(old), described(new)) == []
    assert described(old) == described(new)
    assert recorded_revision(old) == runner.head()


EDITS = [   # a schema.sql edit a developer might make, and how the comparison names it
    ("    changed_at TEXT,\n    UNIQUE (office_id, name)", "    changed_at TEXT,\n    colour TEXT,\n    UNIQUE (office_id, name)",
     "table desks: columns differ"),
    ("timezone TEXT NOT NULL DEFAULT 'Asia/Almaty'", "timezone TEXT NOT NULL DEFAULT 'Asia/Astana'",
     "table offices: columns differ"),
    ("CREATE INDEX IF NOT EXISTS events_ticket ON events (ticket_id);", "",
     "index events_ticket: not in schema.sql"),
    ("CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events\n"
     "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;", "", "trigger events_no_delete: not in schema.sql"),
    ("CHECK (kind IN ('kiosk', 'display'))", "CHECK (kind IN ('kiosk', 'display', 'desk'))",
     "table devices: checks differ"),
    ("    PRIMARY KEY (office_id, level, idx)\n) WITHOUT ROWID;", "    PRIMARY KEY (office_id, level, idx)\n);",
     "table log_nodes: without rowid"),
    ("ON notify_subscriptions (ticket_id);", "ON notify_subscriptions (ticket_id, office_id);",
     "index notify_subscriptions_ticket"),
]


@pytest.mark.parametrize("old, new, said", EDITS, ids=[e[2].split(":")[0] for e in EDITS])
def test_schema_sql_changed_without_a_revision_fails_the_upgrade_and_changes_nothing(tmp_path, monkeypatch,
                                                                                     old, new, said):
    text = runner.SCHEMA.read_text(encoding="utf-8")
    assert old in text
    edited = tmp_path / "schema.sql"
    edited.write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.setattr(runner, "SCHEMA", edited)
    db = made_at(tmp_path / "old.db", "0002")
    before = described(db)
    with pytest.raises(runner.SchemaMismatch) as refused:
        runner.upgrade_db(db)
    assert said in refused.value.message and "nothing was changed" in refused.value.message
    assert described(db) == before and recorded_revision(db) == "0002"     # the whole upgrade rolled back


def test_a_second_release_database_from_before_revisions_is_refused_then_adopted(tmp_path):
    path = made_before_revisions(tmp_path / "stop21.db", "0001", "0002")
    with pytest.raises(runner.SchemaMismatch, match="from before schema revisions.*python server.py init-db --db"):
        database.init_db(path)
    assert recorded_revision(path) is None                     # refusing wrote nothing
    assert runner.upgrade_db(path) == ""
    assert compare.differences(described(path), runner.reference()) == []
    database.init_db(path).close()                              # now it opens


def test_a_database_matching_no_release_is_refused_and_left_as_it_was(tmp_path):
    # A developer's database from between releases, with a table that later changed shape.
    path = made_before_revisions(tmp_path / "between.db", "0001")
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE help_calls (id INTEGER PRIMARY KEY, office_id TEXT, at TEXT)")
    conn.commit()
    conn.close()
    before = described(path)
    result = cli("init-db", "--db", str(path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "failed, so nothing was changed: no such column: device_id" in result.stderr
    assert "CREATE UNIQUE INDEX IF NOT EXISTS help_calls_open" in result.stderr and "Traceback" not in result.stderr
    assert described(path) == before and recorded_revision(path) is None


def test_a_table_of_another_shape_the_revisions_pass_over_is_named_and_nothing_changes(tmp_path):
    path = made_before_revisions(tmp_path / "between.db", "0001")
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE user_names (user_id INTEGER PRIMARY KEY REFERENCES users(id), full_name TEXT)")
    conn.commit()
    conn.close()
    before = described(path)
    with pytest.raises(runner.SchemaMismatch, match="would differ from schema.sql, so nothing was changed: table"
                                                    " user_names: columns differ"):
        runner.upgrade_db(path)
    assert described(path) == before and recorded_revision(path) is None


def test_a_file_that_is_not_a_kezek_database_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    result = cli("init-db", "--db", str(path))
    assert result.returncode == 1 and "is not a Kezek database" in result.stderr
    assert set(k.split()[1] for k in described(path)) == {"notes"}


def test_run_and_the_app_factory_refuse_an_older_database_naming_the_command(tmp_path):
    path = made_at(tmp_path / "older.db", "0002")
    result = cli("run", "--db", str(path), "--port", str(free_port()))
    assert result.returncode == 1
    assert "schema revision 0002" in result.stderr and f"this Kezek needs {runner.head()}" in result.stderr
    assert f"python server.py init-db --db {path.resolve()}" in result.stderr
    assert recorded_revision(path) == "0002"
    with pytest.raises(runner.SchemaMismatch, match="python server.py init-db"):
        server.create_app({"DB": str(path), "SECRET_KEY": "s", "ASYNC_MODE": "threading"})
    for command_line in (["create-user", "x", "--role", "admin"], ["verify-log"], ["demo"]):
        refused = cli(*command_line, "--db", str(path))          # no other command works on it either
        assert refused.returncode == 1 and "init-db" in refused.stderr, command_line
    upgraded = cli("init-db", "--db", str(path))
    assert upgraded.returncode == 0 and f"upgraded from revision 0002 to {runner.head()}" in upgraded.stdout
    server.create_app({"DB": str(path), "SECRET_KEY": "s", "ASYNC_MODE": "threading"})     # now it starts


def test_a_database_newer_than_the_code_is_refused_by_run_and_init_db(tmp_path):
    path = tmp_path / "newer.db"
    database.init_db(path).close()
    conn = sqlite3.connect(str(path))
    conn.execute("UPDATE alembic_version SET version_num = '0999'")
    conn.commit()
    conn.close()
    for command_line in (["run", "--port", str(free_port())], ["init-db"]):
        result = cli(*command_line, "--db", str(path))
        assert result.returncode == 1, command_line
        assert "schema revision 0999, which this Kezek does not know" in result.stderr
        assert "a newer Kezek upgraded it" in result.stderr
    assert recorded_revision(path) == "0999"


def _open_at(path, ready, go, out):
    ready.wait()
    go.wait()
    try:
        database.init_db(path).close()
        out.put("ok")
    except Exception as err:  # reported to the test
        out.put(repr(err))


def _race(path) -> list[str]:
    """Three processes open one new database at the same moment; what each said."""
    ctx = multiprocessing.get_context("spawn")
    go, out = ctx.Event(), ctx.Queue()
    readies = [ctx.Event() for _ in range(3)]
    procs = [ctx.Process(target=_open_at, args=(path, ready, go, out)) for ready in readies]
    for proc, ready in zip(procs, readies):
        proc.start()
        ready.set()
    go.set()
    answers = [out.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    return answers


def test_processes_opening_one_new_database_at_once_make_it_once(tmp_path):
    path = str(tmp_path / "raced.db")
    assert _race(path) == ["ok"] * 3
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(runner.head(),)]
    conn.close()
    assert compare.differences(described(path), runner.reference()) == []


def test_revisions_run_in_one_line_numbered_in_order_as_alembic_reads_them():
    known = runner.known()
    assert known == [f"{n:04d}" for n in range(1, len(known) + 1)] and known[0] == runner.BASELINE
    assert known == [s.revision for s in reversed(list(runner.scripts().walk_revisions()))]   # the light reader
    assert runner.head() == runner.scripts().get_current_head()
    for before, revision in zip([None, *known], known):
        assert revisions.title(revision) == runner.scripts().get_revision(revision).doc.splitlines()[0].rstrip(".")
        script = runner.scripts().get_revision(revision)
        assert script.down_revision == before
        assert Path(script.path).name.startswith(f"{revision}_")


def test_the_readme_way_to_change_the_schema_works(tmp_path):
    """README (Storage): edit schema.sql, write the next revision with python -m kezek.base.migrations."""
    copy = tmp_path / "kezek-copy"
    shutil.copytree(ROOT / "kezek", copy / "kezek", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "schema.sql", copy / "schema.sql")
    old = copy / "old.db"
    made_at(old, runner.head())
    made = subprocess.run([sys.executable, "-m", "kezek.base.migrations", "Desks get a colour"], cwd=copy,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    number = f"{int(runner.head()) + 1:04d}"
    revision = copy / "kezek" / "base" / "migrations" / "versions" / f"{number}_desks_get_a_colour.py"
    assert revision.exists() and f"revision {number}" in made.stdout
    schema = copy / "schema.sql"
    schema.write_text(schema.read_text(encoding="utf-8").replace(
        "    changed_at TEXT,\n    UNIQUE (office_id, name)",
        "    changed_at TEXT,\n    colour TEXT NOT NULL DEFAULT '',\n    UNIQUE (office_id, name)"), encoding="utf-8")
    upgrade = f'def upgrade() -> None:\n    """Take the schema from {runner.head()} to {number}."""\n    pass\n'
    text = revision.read_text(encoding="utf-8")
    assert upgrade in text
    revision.write_text(text.replace(upgrade, 'def upgrade() -> None:\n    """Desks get a colour."""\n'
                                     '    op.add_column("desks", sa.Column("colour", sa.Text(), nullable=False,'
                                     ' server_default=""))\n'), encoding="utf-8")
    code = ("import sys; from kezek.base.migrations import runner; print(runner.upgrade_db(sys.argv[1]));"
            " from kezek.base.migrations import runner, compare; import sqlite3;"
            " c = sqlite3.connect(sys.argv[1]);"
            " print(compare.differences(compare.describe_sqlite(lambda s: c.execute(s).fetchall()), runner.reference()))")
    result = subprocess.run([sys.executable, "-c", code, str(old)], cwd=copy, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [runner.head(), "[]"]
    assert "colour" in [c[1] for c in sqlite3.connect(str(old)).execute("PRAGMA table_info(desks)")]


# -- PostgreSQL (tests/pg_cluster.py's throwaway cluster) ------------------------------------------

def described_pg(url) -> dict:
    with psycopg.connect(url, autocommit=True) as conn:
        return compare.describe_postgres(lambda sql: conn.execute(sql).fetchall())


def pg_revision(url) -> list:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchall()


def test_on_postgresql_the_first_releases_schema_upgraded_equals_a_new_database(pg_cluster_session):
    new, old = pg_cluster_session.new_database(), pg_cluster_session.new_database()
    try:
        database.init_db(new).close()
        assert pg_revision(new) == [(runner.head(),)]
        runner.upgrade(old, to=runner.BASELINE)
        assert pg_revision(old) == [(runner.BASELINE,)] and "table help_calls" not in described_pg(old)
        with pytest.raises(runner.SchemaMismatch, match=f"this Kezek needs {runner.head()}.*init-db --db postgresql"):
            database.init_db(old)
        assert runner.upgrade_db(old) == runner.BASELINE
        expected = described_pg(new)
        tables = sorted(k for k in expected if k.startswith("table "))
        assert tables == sorted(k for k in runner.reference() if k.startswith("table "))    # every table of schema.sql
        assert compare.differences(described_pg(old), expected) == []
        assert pg_revision(old) == [(runner.head(),)]
    finally:
        postgres.forget_idle()
        pg_cluster_session.drop_database(new)
        pg_cluster_session.drop_database(old)


def test_on_postgresql_a_database_from_before_revisions_is_adopted_and_a_newer_one_refused(pg_cluster_session,
                                                                                          tmp_path):
    url = pg_cluster_session.new_database()
    reference_url = pg_cluster_session.new_database()
    try:
        db = database.open_db(url)
        database.apply_schema(db)                  # what init_db did before revisions
        db.close()
        with pytest.raises(runner.SchemaMismatch, match="from before schema revisions"):
            database.init_db(url)
        upgraded = subprocess.run([sys.executable, "server.py", "init-db", "--db", url], cwd=ROOT, text=True,
                                  capture_output=True, timeout=120, env={**os.environ, "KEZEK_DATA_DIR": str(tmp_path)})
        assert upgraded.returncode == 0, upgraded.stderr
        assert f"database ready: {url} (upgraded from before schema revisions to {runner.head()})" in upgraded.stdout
        database.init_db(reference_url).close()
        assert compare.differences(described_pg(url), described_pg(reference_url)) == []
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '0999'")
        with pytest.raises(runner.SchemaMismatch, match="a newer Kezek upgraded it"):
            database.init_db(url)
        with pytest.raises(runner.SchemaMismatch, match="a newer Kezek upgraded it"):
            runner.upgrade_db(url)
        assert pg_revision(url) == [("0999",)]
    finally:
        postgres.forget_idle()
        pg_cluster_session.drop_database(url)
        pg_cluster_session.drop_database(reference_url)


def test_messages_never_show_a_databases_password():
    assert runner.where("postgresql://kezek:s3cret@db.region.example/kezek") == \
        "postgresql://kezek:***@db.region.example/kezek"


def test_on_postgresql_processes_opening_one_new_database_at_once_make_it_once(pg_cluster_session):
    url = pg_cluster_session.new_database()
    reference_url = pg_cluster_session.new_database()
    try:
        assert _race(url) == ["ok"] * 3
        assert pg_revision(url) == [(runner.head(),)]
        database.init_db(reference_url).close()
        assert compare.differences(described_pg(url), described_pg(reference_url)) == []
    finally:
        postgres.forget_idle()
        pg_cluster_session.drop_database(url)
        pg_cluster_session.drop_database(reference_url)


def test_two_revisions_after_the_same_one_are_refused_by_name(tmp_path, monkeypatch):
    """Two branches each adding 0004 after 0003: until someone chains them, nothing opens a database."""
    versions = tmp_path / "versions"
    shutil.copytree(revisions.HERE / "versions", versions, ignore=shutil.ignore_patterns("__pycache__"))
    newest = runner.scripts().get_revision(runner.head())
    for name in ("once", "region"):
        (versions / f"{int(runner.head()) + 1:04d}_{name}_tables.py").write_text(
            f'"""{name}\'s tables."""\nrevision = "{int(runner.head()) + 1:04d}{name[0]}"\n'
            f'down_revision = "{newest.revision}"\n', encoding="utf-8")
    monkeypatch.setattr(revisions, "HERE", tmp_path)
    revisions.forget()
    try:
        with pytest.raises(RuntimeError, match=f"two revisions follow {newest.revision}: chain them"):
            revisions.known()
    finally:
        monkeypatch.undo()
        revisions.forget()
    assert revisions.head() == runner.scripts().get_current_head()
