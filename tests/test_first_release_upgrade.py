"""A database made by Kezek's first release (stop 11, 1b3aaa8), with a day of history, upgrades with every
ticket, event and log head intact, verify-log passing, and the server serves it: a call, a new number, a signed
checkpoint over the old day. The fixture, tests/samples/first_release.db, was made by that release's own API
(tests/samples/make_first_release_db.py says how). The first release signed no checkpoints; the second
release's (stop 21, tests/samples/second_release.*) still verify after the upgrade."""
from __future__ import annotations

import base64
import hashlib
import shlex
import shutil
import sqlite3
import subprocess
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from helpers import DEMO_PASSWORD, login
from test_transparency_log import check_note, leaf, root_from_path

import server
from bench._load import free_port
from kezek import verification
from kezek.base import database
from kezek.base.migrations import runner
from kezek.log import checkpoints, tree_check
from kezek.web.app import create_app
from kezek.web.live import checkpointing

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "samples" / "first_release.db"
# What the first release wrote that day (read from the sample with its own code when it was made).
LOG_HEAD = "117:e74a09d39d8343ff919e31bc2c64a8b01d31edb66171a9899850f793f0be943e"
STATUSES = {"called": 1, "cancelled": 1, "done": 16, "no_show": 2, "waiting": 7}


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def cli(*args):
    return subprocess.run([sys.executable, "server.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def rows_of_every_table(path) -> dict[str, list[tuple]]:
    """Every row of every table the first release had, in order: what must survive the upgrade."""
    conn = sqlite3.connect(str(path))
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                for table in runner._baseline_tables()}
    finally:
        conn.close()


@pytest.fixture
def old_db(tmp_path) -> Path:
    copy = tmp_path / "office.db"
    shutil.copy(SAMPLE, copy)
    return copy


def test_the_first_releases_day_upgrades_with_every_row_intact_and_verify_log_passes(old_db):
    before = rows_of_every_table(old_db)
    assert len(before["events"]) == 117 and len(before["tickets"]) == sum(STATUSES.values())
    assert dict(sqlite3.connect(str(old_db)).execute("SELECT status, count(*) FROM tickets GROUP BY 1")) == STATUSES
    assert len(before["ticket_appointments"]) == 1 and len(before["idempotency"]) > 50   # a check-in; retries' keys
    sha = hashlib.sha256(old_db.read_bytes()).hexdigest()

    refused = cli("run", "--db", str(old_db), "--port", str(free_port()))
    assert refused.returncode == 1
    assert "made by a Kezek from before schema revisions" in refused.stderr
    assert f"python server.py init-db --db {old_db.resolve()}" in refused.stderr
    assert hashlib.sha256(old_db.read_bytes()).hexdigest() == sha             # refusing changed nothing

    upgraded = cli("init-db", "--db", str(old_db))
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"upgraded from before schema revisions to {runner.head()}" in upgraded.stdout
    assert rows_of_every_table(old_db) == before           # every ticket, event, booking, user, device, setting
    conn = sqlite3.connect(str(old_db))
    assert conn.execute("SELECT value FROM settings WHERE key = 'log_head'").fetchone()[0] == LOG_HEAD
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(runner.head(),)]
    conn.close()

    checked = cli("verify-log", "--db", str(old_db))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "event log OK: 117 rows, chain whole; every ticket, desk and booking row agrees with it" in checked.stdout


def test_an_edited_first_release_check_in_is_still_caught(old_db):
    """The first release logged a check-in's slot, not its booking: the replay still names a row moved to another."""
    runner.upgrade_db(old_db)
    conn = sqlite3.connect(str(old_db))
    other = conn.execute("SELECT id FROM bookings WHERE id NOT IN (SELECT booking_id FROM ticket_appointments)"
                         ).fetchone()[0]
    conn.execute("UPDATE ticket_appointments SET booking_id = ?", (other,))
    conn.commit()
    conn.close()
    checked = cli("verify-log", "--db", str(old_db))
    assert checked.returncode == 2
    assert "ticket_appointments #18 booking_id: row has 2, the log says 'a booking of that service and slot'" \
        in checked.stdout


def test_the_upgraded_database_serves_a_call_a_new_number_and_a_checkpoint_over_the_old_day(old_db):
    runner.upgrade_db(old_db)
    conn = sqlite3.connect(str(old_db))
    waiting = {r[0]: r[1] for r in conn.execute("SELECT id, display_number FROM tickets WHERE status = 'waiting'")}
    desk = conn.execute("SELECT id FROM desks WHERE name = '1'").fetchone()[0]
    last_a = conn.execute("SELECT max(number) FROM tickets t JOIN services s ON s.id = t.issued_service_id"
                          " WHERE s.prefix = 'А'").fetchone()[0]
    old_token = conn.execute("SELECT token FROM tickets WHERE status = 'done' ORDER BY id LIMIT 1").fetchone()[0]
    service_a = conn.execute("SELECT id FROM services WHERE prefix = 'А'").fetchone()[0]
    conn.close()
    clock = Clock(datetime(2026, 11, 23, 11, 45, tzinfo=timezone.utc))         # 16:45 the same day in Almaty
    app = create_app({"DB": str(old_db), "TESTING": True, "SECRET_KEY": "s", "ASYNC_MODE": "threading",
                      "CLOCK": clock, "PUBLIC_URL": "http://kezek.test", "QUEUE_PUSH_DELAY_S": 0,
                      "DESK_PUSH_DELAY_S": 0})
    operator = app.test_client()
    headers = login(operator, "operator1", DEMO_PASSWORD)        # the first release's password hash signs in

    def post(path, body=None):
        return operator.post(path, json=body or {}, headers={**headers, "Idempotency-Key": str(uuid.uuid4())})

    called = post(f"/api/v1/desks/{desk}/call-next")
    assert called.status_code == 200, called.get_json()
    ticket = called.get_json()
    assert ticket["id"] in waiting and ticket["number"] == waiting[ticket["id"]]     # a visitor from that day
    assert post(f"/api/v1/tickets/{ticket['id']}/start").status_code == 200
    assert post(f"/api/v1/tickets/{ticket['id']}/finish").status_code == 200
    issued = post("/api/v1/tickets", {"service": service_a})
    assert issued.status_code == 201, issued.get_json()
    assert issued.get_json()["number"] == f"А{last_a + 1:03d}"                      # numbering goes on, no repeat

    db = database.init_db(old_db)
    try:
        report = verification.verify(db)
        assert report.ok and report.chain.checked == 117 + 4, report.mismatches     # call, start, finish, issue
    finally:
        db.close()
    made = checkpointing.checkpoint_once(app)                  # the running server's minute job
    assert [(r["office_id"], r["size"]) for r in made] == [("demo", 121)]            # the old day is in the tree
    proof = app.test_client().get(f"/api/v1/tickets/{old_token}/proof").get_json()   # a first-release ticket
    origin, size, root = check_note(proof["checkpoint"], proof["key"])
    assert origin == "kezek.test/demo" and size == 121 and proof["pending"] == 0
    assert [e["event"] for e in proof["entries"]][:2] == ["ticket.issued", "ticket.called"]
    for item in proof["entries"]:
        path = [base64.b64decode(h) for h in item["audit_path"]]
        assert root_from_path(leaf(item["entry"].encode("utf-8")), item["index"], size, path) == root
    db = database.init_db(old_db)
    try:
        kept = old_db.parent / "checkpoint.txt"
        kept.write_text(checkpoints.published(db, made[0]), encoding="utf-8")
        ok, lines = tree_check.report(db, [str(kept)], [], app.extensions["kezek_log_key"])
    finally:
        db.close()
    assert ok, lines
    checked = cli("verify-log", "--db", str(old_db), "--checkpoint", str(kept))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "event log OK: 121 rows" in checked.stdout and "stored checkpoints OK" in checked.stdout


def test_readmes_upgrade_steps_as_written_upgrade_a_first_release_office(tmp_path, capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    step = text[text.index("8. **Upgrading Kezek**"):text.index("## Keeping checkpoints")]
    commands = [line.strip() for line in step.splitlines() if line.strip().startswith("python server.py ")]
    assert [c.split()[2] for c in commands] == ["backup", "init-db"]
    office = tmp_path / "var" / "kezek.db"
    office.parent.mkdir()
    shutil.copy(SAMPLE, office)
    before = rows_of_every_table(office)
    for command in commands:
        words = shlex.split(command.replace("var/kezek.db", str(office)).replace("/backups/", f"{tmp_path}/"))
        capsys.readouterr()
        assert server.main(words[2:]) == 0, (command, capsys.readouterr())
    backup = tmp_path / "kezek-before-upgrade.db"
    assert rows_of_every_table(backup) == before == rows_of_every_table(office)
    assert sqlite3.connect(str(backup)).execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'").fetchone()[0] == 0   # the old one
    database.init_db(office).close()                                                        # the new one opens


def test_a_second_release_office_upgrades_with_its_signed_checkpoints_still_verifying(tmp_path):
    """tests/samples/second_release.db (stop 21, b135b46; make_second_release_db.py): its stored checkpoints and
    an auditor's kept one verify after the upgrade with the office's public key alone."""
    office = tmp_path / "office.db"
    shutil.copy(ROOT / "tests" / "samples" / "second_release.db", office)
    kept = ROOT / "tests" / "samples" / "second_release.checkpoint"
    key = (ROOT / "tests" / "samples" / "second_release.key").read_text(encoding="utf-8").strip()
    conn = sqlite3.connect(str(office))
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                         " AND name NOT LIKE 'sqlite_%'")]
    before = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    conn.close()
    assert len(before["checkpoints"]) == 5 and len(before["events"]) == 36
    refused = cli("verify-log", "--db", str(office), "--checkpoint", str(kept), "--key", key)
    assert refused.returncode == 1 and "init-db" in refused.stderr
    upgraded = cli("init-db", "--db", str(office))
    assert upgraded.returncode == 0 and "upgraded from before schema revisions" in upgraded.stdout
    conn = sqlite3.connect(str(office))
    assert {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables} == before
    conn.close()
    checked = cli("verify-log", "--db", str(office), "--checkpoint", str(kept), "--key", key)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "event log OK: 36 rows" in checked.stdout
    assert f"checkpoint {kept} (kezek.test/demo, size 36): OK, the log (36 entries) extends it" in checked.stdout
    assert "stored checkpoints OK: the log extends all 5" in checked.stdout
