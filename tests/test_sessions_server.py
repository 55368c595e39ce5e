"""Sessions kept on the server (logout, disabling, a new password end them at once; absolute and idle expiry;
Secure cookies behind https) and an admin's scope over users of several offices."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import DEMO_PASSWORD, login

from kezek import demo
from kezek.base import database
from kezek.office import accounts, config
from kezek.web.app import create_app


def _cookie(c) -> str:
    return c.get_cookie("kezek_session").value


def _with_cookie(app, value: str):
    thief = app.test_client()
    thief.set_cookie("kezek_session", value)
    return thief


def _user_id(app, name: str) -> int:
    db = database.open_db(app.config["DB"])
    try:
        return database.scalar(db, "SELECT id FROM users WHERE username = ?", (name,))
    finally:
        db.close()


def test_after_logout_the_old_cookie_opens_nothing_and_pauses_no_desk(app):
    """Finding 5: the cookie kept from before logout still paused a desk."""
    c = app.test_client()
    headers = login(c, "operator1")
    kept = _cookie(c)
    assert c.post("/api/v1/logout", headers=headers).status_code == 200
    thief = _with_cookie(app, kept)
    assert thief.get("/api/v1/me").status_code == 401
    r = thief.post("/api/v1/desks/1/pause", json={"reason": "gone"}, headers=headers)
    assert r.status_code == 401
    other = app.test_client()
    login(other, "operator2")
    assert other.get("/api/v1/desks/1/state").get_json()["desk"]["paused"] is False


def test_logout_drops_that_browsers_live_operator_screen(app, socket_client):
    c = app.test_client()
    headers = login(c, "operator1")
    screen = socket_client({"screen": "operator"}, flask_client=c)
    elsewhere_client = app.test_client()
    login(elsewhere_client, "operator1")
    elsewhere = socket_client({"screen": "operator"}, flask_client=elsewhere_client)
    assert screen.is_connected() and elsewhere.is_connected()
    c.post("/api/v1/logout", headers=headers)
    assert not screen.is_connected()
    assert elsewhere.is_connected()   # signing out on one PC leaves the user's other desk alone


def test_disabling_a_user_ends_their_sessions_at_once(app, admin):
    admin_client, admin_headers = admin
    c = app.test_client()
    login(c, "operator1")
    kept = _cookie(c)
    r = admin_client.patch(f"/api/v1/users/{_user_id(app, 'operator1')}", json={"active": False},
                           headers=admin_headers)
    assert r.status_code == 200
    admin_client.patch(f"/api/v1/users/{_user_id(app, 'operator1')}", json={"active": True}, headers=admin_headers)
    assert _with_cookie(app, kept).get("/api/v1/me").status_code == 401   # enabled again: the old session stays over


def test_the_session_ends_at_its_absolute_lifetime_however_busy(app, clock):
    """Finding 5: the expiry slid with every request."""
    c = app.test_client()
    login(c, "operator1")
    hours = app.config["SESSION_HOURS"]
    for _ in range(hours * 2 - 1):
        clock.advance(minutes=30)
        assert c.get("/api/v1/me").status_code == 200
    clock.advance(minutes=31)
    assert c.get("/api/v1/me").status_code == 401


def test_an_unused_session_ends_after_the_idle_timeout(app, clock):
    c = app.test_client()
    login(c, "operator1")
    idle = app.config["SESSION_IDLE_MINUTES"]
    clock.advance(minutes=idle - 2)
    assert c.get("/api/v1/me").status_code == 200   # used: its idle clock starts again
    clock.advance(minutes=idle - 2)
    assert c.get("/api/v1/me").status_code == 200
    clock.advance(minutes=idle + 1)
    assert c.get("/api/v1/me").status_code == 401


def test_an_idle_session_cannot_open_the_operator_screen(app, clock, socket_client):
    c = app.test_client()
    login(c, "operator1")
    clock.advance(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    screen = socket_client({"screen": "operator"}, flask_client=c)
    assert not screen.is_connected()


def test_the_cookie_holds_only_the_sessions_id_and_the_database_only_its_hash(app):
    c = app.test_client()
    login(c, "operator1")
    with c.session_transaction() as sess:
        contents = dict(sess)
    assert set(contents) - {"_permanent"} == {"sid"}
    raw = b"".join(Path(app.config["DB"] + end).read_bytes() for end in ("", "-wal") if Path(app.config["DB"] + end).exists())
    assert contents["sid"].encode() not in raw   # a copied database or backup opens no session


@pytest.mark.parametrize("public_url, secure", [("https://queue.example.kz", True), ("http://kezek.test", False)])
def test_the_session_cookie_is_secure_whenever_the_public_address_is_https(db_path, clock, public_url, secure):
    app = create_app({"DB": db_path, "TESTING": True, "SECRET_KEY": "s", "ASYNC_MODE": "threading",
                      "CLOCK": clock, "PUBLIC_URL": public_url})
    handle = database.init_db(db_path)
    demo.load_demo(handle, clock(), password=DEMO_PASSWORD)
    handle.close()
    c = app.test_client()
    r = c.post("/api/v1/login", json={"username": "operator1", "password": DEMO_PASSWORD},
               base_url="https://queue.example.kz")
    assert r.status_code == 200
    assert ("Secure" in r.headers["Set-Cookie"]) is secure


@pytest.fixture
def two_offices(app, clock):
    """Office B ('north') with its own admin, and a clerk who works in both A ('demo') and B."""
    db = database.open_db(app.config["DB"])
    try:
        config.create_office(db, "north", {"name_kk": "Солтүстік", "name_ru": "Север", "name_en": "North"}, clock())
        accounts.create_user(db, "north-admin", "admin", clock(), password="north-pass-1", offices=["north"])
        shared, _ = accounts.create_user(db, "shared-clerk", "operator", clock(), password="shared-pass-1",
                                         offices=["demo", "north"])
        accounts.create_user(db, "both-admin", "admin", clock(), password="both-pass-1", offices=["demo", "north"])
    finally:
        db.close()
    return shared


@pytest.mark.parametrize("change", [{"password": "taken-over-1"}, {"role": "admin"}, {"active": False}])
def test_an_admin_of_one_office_cannot_change_a_user_who_also_works_in_another(app, two_offices, change):
    """Finding 3: the admin of B reset the password of a clerk of A and B, then signed in as them in A."""
    for admin_name, password in (("north-admin", "north-pass-1"), ("admin", DEMO_PASSWORD)):
        c = app.test_client()
        headers = login(c, admin_name, password)
        r = c.patch(f"/api/v1/users/{two_offices['id']}", json=change, headers=headers)
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "out_of_scope", admin_name
    clerk = app.test_client()
    assert clerk.post("/api/v1/login", json={"username": "shared-clerk", "password": "taken-over-1"}).status_code == 401
    login(clerk, "shared-clerk", "shared-pass-1")
    assert clerk.get("/api/v1/me").get_json()["role"] == "operator"


def test_an_admin_of_all_the_users_offices_may_change_them(app, two_offices):
    c = app.test_client()
    headers = login(c, "both-admin", "both-pass-1")
    r = c.patch(f"/api/v1/users/{two_offices['id']}", json={"password": "a-new-pass-1"}, headers=headers)
    assert r.status_code == 200
    login(app.test_client(), "shared-clerk", "a-new-pass-1")


def test_an_admin_of_one_office_cannot_touch_another_offices_devices_or_office(app, two_offices):
    c = app.test_client()
    headers = login(c, "north-admin", "north-pass-1")
    kiosk = app.demo["kiosk_id"]
    assert c.patch(f"/api/v1/devices/{kiosk}", json={"name": "mine"}, headers=headers).status_code == 404
    assert c.delete(f"/api/v1/devices/{kiosk}", headers=headers).status_code == 404
    assert c.patch("/api/v1/offices/demo", json={"name_en": "Mine"}, headers=headers).status_code == 404
    assert c.patch("/api/v1/offices/demo", json={"printer_ports": [22]}, headers=headers).status_code == 404
