"""export-office / import-office: an office with its whole history joins a database that holds other offices."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import DEMO_PASSWORD, login

from kezek.base import database
from kezek.base.errors import Conflict, Invalid
from kezek.log import checkpoints, keyfile
from kezek.moving import office_move
from kezek.office import accounts, config
from kezek.queue import tickets
from kezek.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]


def _kiosk(app):
    return {"Authorization": f"Bearer {app.demo['kiosk_token']}"}


def _busy_day(app, clock):
    """A morning at the demo office: issued, called, served with an outcome, no-show, transfer, pause, booking."""
    c = app.test_client()
    issued = [c.post("/api/v1/tickets", json={"service": s}, headers=_kiosk(app)).get_json() for s in (1, 1, 3, 4, 1)]
    admin = app.test_client()
    ah = login(admin, "admin")
    outcome = admin.post("/api/v1/outcomes", headers=ah, json={"code": "done", "name_kk": "Шешілді",
                                                                 "name_ru": "Решено", "name_en": "Resolved"}).get_json()
    op = app.test_client()
    oh = login(op, "operator1")
    clock.advance(minutes=4)
    first = op.post("/api/v1/desks/1/call-next", headers=oh).get_json()
    op.post(f"/api/v1/tickets/{first['id']}/start", headers=oh)
    clock.advance(minutes=6)
    op.post(f"/api/v1/tickets/{first['id']}/finish", headers=oh, json={"outcome": outcome["id"], "note": "ok"})
    second = op.post("/api/v1/desks/1/call-next", headers=oh).get_json()
    clock.advance(minutes=2)
    op.post(f"/api/v1/tickets/{second['id']}/no-show", headers=oh)
    third = op.post("/api/v1/desks/3/call-next", headers=oh).get_json()
    op.post(f"/api/v1/tickets/{third['id']}/start", headers=oh)
    r = op.post(f"/api/v1/tickets/{third['id']}/transfer", headers=oh, json={"service": 4, "desk": 4, "note": "docs"})
    assert r.status_code == 200, r.get_json()
    op.post("/api/v1/desks/2/pause", headers=oh, json={"reason": "break"})
    op.post("/api/v1/desks/2/resume", headers=oh)
    held = op.post("/api/v1/desks/5/call-next", headers=oh).get_json()      # still at the desk when it moves
    slots = c.get("/api/v1/booking/services/1/slots?day=2026-11-24").get_json()["slots"]
    booking = c.post("/api/v1/bookings", json={"service": 1, "at": slots[0]["at"]}).get_json()
    return {"issued": issued, "held": held, "booking": booking}


def _db(path):
    return database.init_db(path)


def _target(tmp_path, clock):
    """Another region's database: office north with its own tickets (ids 1.. taken) and a user named admin."""
    path = str(tmp_path / "region.db")
    db = _db(path)
    try:
        config.create_office(db, "north", {"name_kk": "Солтүстік ХҚКО", "name_ru": "ЦОН Север", "name_en": "North"},
                             clock())
        service = config.create_service(db, "north", {"prefix": "А", "name_kk": "А", "name_ru": "А",
                                                      "name_en": "A"}, clock())
        for _ in range(7):
            tickets.issue(db, service["id"], clock())
        accounts.create_user(db, "admin", "admin", clock(), password=DEMO_PASSWORD, offices=["north"])
        signer, _ = keyfile.ensure(tmp_path / "region.key", "kezek.local")    # the same log name, another key
        checkpoints.make_due(db, signer, clock())
    finally:
        db.close()
    return path, signer


def _cli(*args):
    return subprocess.run([sys.executable, "server.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def moved(app, clock, tmp_path):
    """The demo office after a busy morning, exported (with a checkpoint an auditor kept) and its file."""
    day = _busy_day(app, clock)
    source = database.open_db(app.config["DB"])
    signer, _ = keyfile.ensure(tmp_path / "box.key", "kezek.local")
    try:
        kept = checkpoints.make_due(source, signer, clock())[-1]
        (tmp_path / "kept.note").write_text(checkpoints.published(source, kept), encoding="utf-8")
        clock.advance(minutes=1)
        app.test_client().post("/api/v1/tickets", json={"service": 2}, headers=_kiosk(app))   # after the kept one
        data = office_move.export_office(source, "demo", signer, clock(), tmp_path / "media")
    finally:
        source.close()
    stats = _stats(app, "admin")
    verifier = keyfile.office_verifier(signer, "demo").encode()
    # A moved kiosk keeps its token: only the server address it opens changes.
    return {"data": data, "day": day, "stats": stats, "verifier": verifier, "kiosk_token": app.demo["kiosk_token"]}


def _stats(app, username):
    c = app.test_client()
    login(c, username)
    report = c.get("/api/v1/stats?office=demo&from=2026-11-23&to=2026-11-23").get_json()
    # Ids differ between databases (the rows are read by their labels: names, prefixes, hours).
    return {k: [{f: v for f, v in row.items() if f != "key"} for row in report[k]] if k != "totals" else report[k]
            for k in ("totals", "by_service", "by_desk", "by_operator", "by_hour")}


def _app(path, clock):
    return create_app({"DB": path, "TESTING": True, "SECRET_KEY": "t", "ASYNC_MODE": "threading", "CLOCK": clock,
                       "PUBLIC_URL": "http://kezek.test", "ISSUE_RATE_LIMIT": 0})


def test_an_office_joins_a_region_with_its_numbering_reports_users_and_a_verifying_log(moved, tmp_path, clock):
    path, region_signer = _target(tmp_path, clock)
    db = _db(path)
    try:
        with pytest.raises(Conflict) as taken:          # the region has an 'admin' already
            office_move.import_office(db, moved["data"], clock(), tmp_path / "media")
        assert "admin" in taken.value.message
        assert database.scalar(db, "SELECT COUNT(*) FROM offices WHERE id = 'demo'") == 0   # nothing changed
        done = office_move.import_office(db, moved["data"], clock(), tmp_path / "media", rename_users=True)
        assert done["renamed_users"] == {"admin": "admin.demo"}
        # The region's own checkpoint job signs the moved office's log, extending what the box signed.
        made = checkpoints.make_due(db, region_signer, clock())
        assert "demo" in [row["office_id"] for row in made]
    finally:
        db.close()
    app = _app(path, clock)
    # Reports read the same, desk and operator names included.
    assert _stats(app, "admin.demo") == moved["stats"]
    # Numbering goes on: the next civil-registration ticket today follows the last one issued on the box.
    kiosk = {"Authorization": f"Bearer {moved['kiosk_token']}"}
    nxt = app.test_client().post("/api/v1/tickets", json={"service": _service_id(path, "demo", "А")}, headers=kiosk)
    assert nxt.status_code == 201, nxt.get_json()
    assert nxt.get_json()["number"] == "А004"
    # Visitors' ticket pages and booking codes still work; the desk still holds its called ticket.
    page = app.test_client().get(f"/api/v1/tickets/{moved['day']['issued'][4]['token']}").get_json()
    assert page["number"] == moved["day"]["issued"][4]["number"]
    booking = app.test_client().get(f"/api/v1/bookings/{moved['day']['booking']['code']}")
    assert booking.status_code == 200
    op = app.test_client()
    oh = login(op, "operator1")
    desk = _desk_id(path, "demo", "5")
    manager = app.test_client()
    login(manager, "manager")
    desks = {d["name"]: d for d in manager.get("/api/v1/monitor?office=demo").get_json()["desks"]}
    assert desks["5"]["current"] == moved["day"]["held"]["number"] and desks["5"]["id"] == desk
    assert op.get("/api/v1/monitor?office=north").status_code == 403        # the box's operator stays in their office
    assert op.post(f"/api/v1/desks/{desk}/call-next", headers=oh).status_code in (200, 204)
    # verify-log passes: chain, every row, the region's and the box's checkpoints; the auditor's kept one too.
    check = _cli("verify-log", "--db", path, "--log-key", str(tmp_path / "region.key"),
                 "--checkpoint", str(tmp_path / "kept.note"), "--key", moved["verifier"])
    assert check.returncode == 0, check.stdout + check.stderr
    assert "moved-in checkpoint" not in check.stdout or "FAILED" not in check.stdout
    assert f"checkpoint {tmp_path / 'kept.note'}" in check.stdout and "OK" in check.stdout
    assert "stored checkpoints OK" in check.stdout


def _service_id(path, office, prefix):
    db = database.open_db(path)
    try:
        return database.scalar(db, "SELECT id FROM services WHERE office_id = ? AND prefix = ?", (office, prefix))
    finally:
        db.close()


def _desk_id(path, office, name):
    db = database.open_db(path)
    try:
        return database.scalar(db, "SELECT id FROM desks WHERE office_id = ? AND name = ?", (office, name))
    finally:
        db.close()


def test_the_office_moves_on_again_and_the_boxs_checkpoints_still_verify(moved, tmp_path, clock):
    path, region_signer = _target(tmp_path, clock)
    db = _db(path)
    try:
        office_move.import_office(db, moved["data"], clock(), tmp_path / "media", rename_users=True)
        app = _app(path, clock)
        kiosk = {"Authorization": f"Bearer {moved['kiosk_token']}"}
        assert app.test_client().post("/api/v1/tickets", json={"service": _service_id(path, "demo", "Б")},
                                      headers=kiosk).status_code == 201
        again = office_move.export_office(db, "demo", region_signer, clock(), tmp_path / "media")
    finally:
        db.close()
    third = str(tmp_path / "third.db")
    db = _db(third)
    try:
        office_move.import_office(db, again, clock(), tmp_path / "media")
    finally:
        db.close()
    check = _cli("verify-log", "--db", third, "--log-key", str(tmp_path / "third.key"),
                 "--checkpoint", str(tmp_path / "kept.note"), "--key", moved["verifier"])
    assert check.returncode == 0, check.stdout + check.stderr
    assert "FAILED" not in check.stdout


def _rewrite(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in source.namelist():
            content = source.read(name)
            if name == "events.json":
                events = json.loads(content)
                change(events)
                content = json.dumps(events, ensure_ascii=False).encode()
            z.writestr(name, content)
    return out.getvalue()


def test_a_moved_row_that_says_other_than_its_signed_entry_fails_verify_log(moved, tmp_path, clock):
    def rename_office(events):
        created = next(e for e in events if e["row"]["name"] == "office.created")
        details = json.loads(created["row"]["details"])
        details["name_en"] = "Another history"
        created["row"]["details"] = json.dumps(details, ensure_ascii=False, sort_keys=True)

    path = str(tmp_path / "plain.db")
    db = _db(path)
    try:
        office_move.import_office(db, _rewrite(moved["data"], rename_office), clock(), tmp_path / "media")
    finally:
        db.close()
    check = _cli("verify-log", "--db", path)
    assert check.returncode == 2, check.stdout
    assert "events #" in check.stdout and "details differs from its first entry" in check.stdout


def test_an_office_file_is_refused_whole_when_it_is_not_one(moved, tmp_path, clock):
    path = str(tmp_path / "plain.db")
    db = _db(path)
    try:
        with pytest.raises(Invalid):
            office_move.import_office(db, b"not a zip", clock(), tmp_path / "media")

        def other_office(events):
            events[3]["row"]["office_id"] = "elsewhere"
        with pytest.raises(Invalid):
            office_move.import_office(db, _rewrite(moved["data"], other_office), clock(), tmp_path / "media")
        assert database.scalar(db, "SELECT COUNT(*) FROM offices") == 0
        assert database.scalar(db, "SELECT COUNT(*) FROM events") == 0
        office_move.import_office(db, moved["data"], clock(), tmp_path / "media")
        with pytest.raises(Conflict):
            office_move.import_office(db, moved["data"], clock(), tmp_path / "media")
    finally:
        db.close()


def test_the_readme_commands_move_an_office(moved, tmp_path):
    box, region = str(tmp_path / "box.db"), str(tmp_path / "r.db")
    assert _cli("demo", "--db", box, "--password", DEMO_PASSWORD).returncode == 0
    assert _cli("close-office", "demo", "--db", box).returncode == 0
    out = _cli("export-office", "demo", "--to", str(tmp_path / "demo.kezek"), "--db", box)
    assert out.returncode == 0, out.stderr
    assert _cli("create-office", "north", "--name-kk", "С", "--name-ru", "С", "--name-en", "N",
                "--db", region).returncode == 0
    imp = _cli("import-office", str(tmp_path / "demo.kezek"), "--db", region)
    assert imp.returncode == 0, imp.stderr
    assert "office demo imported" in imp.stdout
    assert _cli("reopen-office", "demo", "--db", region).returncode == 0
    assert _cli("verify-log", "--db", region).returncode == 0


def test_an_office_moves_from_sqlite_to_postgresql_and_back_with_a_verifying_log(moved, tmp_path, clock, pg_url):
    from kezek import verification
    from kezek.log import tree_check
    from kezek.moving import store as moving_store

    db = database.init_db(pg_url)
    try:
        config.create_office(db, "north", {"name_kk": "С", "name_ru": "С", "name_en": "North"}, clock())
        done = office_move.import_office(db, moved["data"], clock(), tmp_path / "media")
        assert done["events"] > 30
        report = verification.verify(db)
        assert report.ok, report.as_dict()
        ok, lines = tree_check.report(db, [str(tmp_path / "kept.note")], [moved["verifier"]], None,
                                      moving_store.moved_checkpoints(db))
        assert ok, lines
        pg_signer, _ = keyfile.ensure(tmp_path / "pg.key", "region.example")
        assert "demo" in [r["office_id"] for r in checkpoints.make_due(db, pg_signer, clock())]
        back = office_move.export_office(db, "demo", pg_signer, clock(), tmp_path / "media")
    finally:
        db.close()
    home = str(tmp_path / "home.db")
    db = _db(home)
    try:
        office_move.import_office(db, back, clock(), tmp_path / "media")
    finally:
        db.close()
    check = _cli("verify-log", "--db", home, "--log-key", str(tmp_path / "home.key"),
                 "--checkpoint", str(tmp_path / "kept.note"), "--key", moved["verifier"])
    assert check.returncode == 0, check.stdout + check.stderr
    assert "FAILED" not in check.stdout
