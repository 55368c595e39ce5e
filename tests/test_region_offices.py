"""Offices as first-class: a region admin creates, renames, closes and reopens them; office admins stay in theirs."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import DEMO_PASSWORD, login

from kezek.base import database
from kezek.bookings import slots

ROOT = Path(__file__).resolve().parents[1]
NEW_OFFICE = {"id": "baikonyr", "name_kk": "Байқоңыр ауданы ХҚКО", "name_ru": "ЦОН района Байконур",
              "name_en": "Baikonyr District Front Office", "timezone": "Asia/Almaty"}


def _signed_in(app, username):
    c = app.test_client()
    return c, login(c, username)


def _kiosk(app, office):
    return {"Authorization": f"Bearer {app.demo['offices'][office]['kiosk_token']}"}


def _issue(app, office):
    c = app.test_client()
    service = c.get(f"/api/v1/services?office={office}").get_json()["services"][0]["id"]
    return c.post("/api/v1/tickets", json={"service": service}, headers=_kiosk(app, office))


def _office_ids(app):
    db = database.open_db(app.config["DB"])
    try:
        return [r["id"] for r in database.rows(db, "SELECT id FROM offices ORDER BY id")]
    finally:
        db.close()


def test_a_region_admin_creates_an_office_and_an_office_admin_cannot(region_app):
    c, headers = _signed_in(region_app, "admin")
    r = c.post("/api/v1/offices", json=NEW_OFFICE, headers=headers)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    assert "baikonyr" not in _office_ids(region_app)

    c, headers = _signed_in(region_app, "region")
    r = c.post("/api/v1/offices", json=NEW_OFFICE, headers=headers)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["name_en"] == NEW_OFFICE["name_en"] and r.get_json()["closed_at"] is None
    # The region admin works in it at once: its list, its services, its holidays.
    listed = [o["id"] for o in c.get("/api/v1/offices").get_json()["offices"]]
    assert listed == ["baikonyr", "demo", "esil", "saryarka"]
    made = c.post("/api/v1/services?office=baikonyr", headers=headers, json={
        "prefix": "А", "name_kk": "АХАЖ", "name_ru": "ЗАГС", "name_en": "Civil registration"})
    assert made.status_code == 201, made.get_json()
    again = c.post("/api/v1/offices", json=NEW_OFFICE, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "office_exists"
    bad = c.post("/api/v1/offices", json={**NEW_OFFICE, "id": "Not An Id!"}, headers=headers)
    assert bad.status_code in (400, 422) and bad.get_json()["error"]["code"] == "bad_office_id"
    assert _office_ids(region_app) == ["baikonyr", "demo", "esil", "saryarka"]


def test_an_office_admin_renames_only_their_office_and_the_region_admin_any(region_app):
    c, headers = _signed_in(region_app, "admin-esil")
    assert c.patch("/api/v1/offices/demo", json={"name_en": "Taken over"}, headers=headers).status_code == 404
    assert c.get("/api/v1/monitor?office=demo").status_code == 403
    r = c.patch("/api/v1/offices/esil", json={"name_en": "Esil Front Office"}, headers=headers)
    assert r.status_code == 200 and r.get_json()["name_en"] == "Esil Front Office"

    c, headers = _signed_in(region_app, "region")
    r = c.patch("/api/v1/offices/demo", json={"name_kk": "Алмалы ХҚКО", "name_ru": "ЦОН Алмалы"}, headers=headers)
    assert r.status_code == 200 and r.get_json()["name_kk"] == "Алмалы ХҚКО"
    assert c.get("/api/v1/board?office=demo").get_json()["office"]["name_ru"] == "ЦОН Алмалы"


def test_closing_an_office_stops_its_kiosks_and_bookings_and_keeps_its_history(region_app, clock):
    assert _issue(region_app, "esil").status_code == 201
    c, headers = _signed_in(region_app, "admin-esil")
    assert c.post("/api/v1/offices/esil/close", headers=headers).status_code == 403   # an office admin cannot

    c, headers = _signed_in(region_app, "region")
    r = c.post("/api/v1/offices/esil/close", headers=headers)
    assert r.status_code == 200 and r.get_json()["closed_at"]
    refused = _issue(region_app, "esil")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "office_closed"
    assert _issue(region_app, "demo").status_code == 201            # the others issue on
    services = c.get("/api/v1/services?office=esil").get_json()["services"]
    assert services and all(not s["available"] and s["closed_for"] == "office" for s in services)
    # History stays readable: the report counts the ticket; the audit says who closed it.
    stats = c.get("/api/v1/stats?office=esil").get_json()
    assert stats["totals"]["issued"] == 1
    names = [e["name"] for e in c.get("/api/v1/audit?office=esil").get_json()["events"]]
    assert names[0] == "office.closed"
    again = c.post("/api/v1/offices/esil/close", headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "office_closed"
    # A booking in a closed office is refused too.
    db = database.open_db(region_app.config["DB"])
    try:
        service = database.scalar(db, "SELECT id FROM services WHERE office_id = 'esil' ORDER BY id")
        from kezek.bookings import rules
        rules.set_rule(db, service, {"enabled": True, "slot_minutes": 15, "capacity": 1, "days_ahead": 14}, clock())
        at = next(s.at for s in slots.day_slots(db, service, "2026-11-24", clock()) if s.free)
    finally:
        db.close()
    booked = region_app.test_client().post("/api/v1/bookings?office=esil", json={"service": service, "at": at})
    assert booked.status_code == 409 and booked.get_json()["error"]["code"] == "office_closed", booked.get_json()

    r = c.post("/api/v1/offices/esil/reopen", headers=headers)
    assert r.status_code == 200 and r.get_json()["closed_at"] is None
    assert _issue(region_app, "esil").status_code == 201
    assert region_app.test_client().post("/api/v1/bookings?office=esil", json={"service": service, "at": at}).status_code == 201


def test_the_kiosk_of_a_closed_office_shows_every_service_closed(region_app):
    c, headers = _signed_in(region_app, "region")
    before = region_app.test_client().get("/api/v1/services", headers=_kiosk(region_app, "esil")).get_json()
    c.post("/api/v1/offices/esil/close", headers=headers)
    after = region_app.test_client().get("/api/v1/services", headers=_kiosk(region_app, "esil")).get_json()
    assert all(s["available"] for s in before["services"])
    assert all(s["unavailable_reason"] == "closed" and s["closed_for"] == "office" for s in after["services"])


def test_only_a_region_admin_makes_or_changes_a_region_admin(region_app):
    c, headers = _signed_in(region_app, "admin")
    r = c.post("/api/v1/users", json={"username": "sneaky", "role": "region_admin"}, headers=headers)
    assert r.status_code == 403
    region = next(u for u in c.get("/api/v1/users").get_json()["users"] if u["username"] == "region")
    assert region["role"] == "region_admin"
    for change in ({"password": "taken-over-123"}, {"active": False}, {"role": "operator"}):
        assert c.patch(f"/api/v1/users/{region['id']}", json=change, headers=headers).status_code == 403, change
    me = c.get("/api/v1/me").get_json()["user"]
    assert c.patch(f"/api/v1/users/{me['id']}", json={"role": "region_admin"}, headers=headers).status_code == 403
    _signed_in(region_app, "region")     # the region admin still signs in with the old password

    c, headers = _signed_in(region_app, "region")
    r = c.post("/api/v1/users", json={"username": "deputy", "role": "region_admin", "password": "deputy-pass-1"},
               headers=headers)
    assert r.status_code == 201 and r.get_json()["user"]["role"] == "region_admin"
    assert r.get_json()["user"]["offices"] == ["demo", "esil", "saryarka"]
    deputy = r.get_json()["user"]["id"]
    r = c.patch(f"/api/v1/users/{deputy}", json={"role": "admin"}, headers=headers)
    assert r.status_code == 200 and r.get_json()["user"]["role"] == "admin"
    # Demoted: an admin of the offices kept, and no longer able to create one.
    dc = region_app.test_client()
    dh = login(dc, "deputy", "deputy-pass-1")
    assert dc.post("/api/v1/offices", json=NEW_OFFICE, headers=dh).status_code == 403


def test_the_region_admin_role_survives_a_new_office(region_app):
    c, headers = _signed_in(region_app, "region")
    c.post("/api/v1/offices", json=NEW_OFFICE, headers=headers)
    assert "baikonyr" in c.get("/api/v1/me").get_json()["user"]["offices"]
    a, ah = _signed_in(region_app, "admin")
    assert "baikonyr" not in a.get("/api/v1/me").get_json()["user"]["offices"]
    assert a.get("/api/v1/stats?office=baikonyr").status_code == 403


def _cli(*args, db):
    return subprocess.run([sys.executable, "server.py", *args, "--db", db], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_the_office_commands_create_rename_close_and_reopen(db_path):
    db = db_path                              # a SQLite file, or (KEZEK_TEST_STORE) a region's PostgreSQL
    made = _cli("create-office", "abay-cso", "--name-kk", "Абай ХҚКО", "--name-ru", "ЦОН Абай", "--name-en",
                "Abay Front Office", db=db)
    assert made.returncode == 0, made.stderr
    renamed = _cli("rename-office", "abay-cso", "--name-en", "Abay District Front Office", db=db)
    assert renamed.returncode == 0 and "Abay District Front Office" in renamed.stdout
    closed = _cli("close-office", "abay-cso", db=db)
    assert closed.returncode == 0 and "closed since" in closed.stdout
    assert _cli("close-office", "abay-cso", db=db).returncode == 1
    assert _cli("close-office", "nowhere", db=db).returncode == 1
    assert _cli("reopen-office", "abay-cso", db=db).returncode == 0
    user = _cli("create-user", "oblast", "--role", "region_admin", "--password", "oblast-pass-1", db=db)
    assert user.returncode == 0 and "region_admin" in user.stdout
    assert _cli("verify-log", db=db).returncode == 0


def test_the_demo_region_has_three_offices_and_a_region_admin(db_path):
    db = db_path
    r = _cli("demo", "--region", "--password", DEMO_PASSWORD, db=db)
    assert r.returncode == 0, r.stderr
    assert "region" in r.stdout and "admin-esil" in r.stdout
    handle = database.open_db(db)
    try:
        assert [row["id"] for row in database.rows(handle, "SELECT id FROM offices ORDER BY id")] == \
            ["demo", "esil", "saryarka"]
        assert database.scalar(handle, "SELECT COUNT(*) FROM region_admins") == 1
    finally:
        handle.close()
