"""The regional monitor over Socket.IO: a region admin's screen gets every office's figures pushed after a change;
an office admin's, an operator's or an anonymous socket is refused and gets nothing."""
from __future__ import annotations

import pytest
from helpers import login

from kezek.base import database
from kezek.web.live import region_push


@pytest.fixture
def sockets(region_app, region_socket_client):
    def make(username=None, auth=None):
        flask_client = region_app.test_client()
        if username:
            login(flask_client, username)
        return region_socket_client(auth or {"screen": "region-monitor"}, flask_client)
    return make


def _issue(app, office):
    c = app.test_client()
    kiosk = {"Authorization": f"Bearer {app.demo['offices'][office]['kiosk_token']}"}
    service = c.get("/api/v1/services", headers=kiosk).get_json()["services"][0]["id"]
    r = c.post("/api/v1/tickets", json={"service": service}, headers=kiosk)
    assert r.status_code == 201
    return r.get_json()


def _waiting(payload) -> dict:
    return {o["id"]: o["waiting"] for o in payload["offices"]}


def test_a_region_admins_monitor_gets_every_offices_figures_pushed_after_a_change(region_app, sockets):
    screen = sockets("region")
    assert screen.is_connected()
    first = screen.get_received()
    assert [m["name"] for m in first] == ["snapshot"]
    assert _waiting(first[0]["args"][0]) == {"demo": 0, "esil": 0, "saryarka": 0}
    _issue(region_app, "esil")
    _issue(region_app, "saryarka")
    pushed = [m["args"][0] for m in screen.get_received() if m["name"] == "region.monitor"]
    assert pushed and _waiting(pushed[-1]) == {"demo": 0, "esil": 1, "saryarka": 1}
    # The same figures as the API's answer at that moment.
    c = region_app.test_client()
    login(c, "region")
    assert pushed[-1]["offices"] == c.get("/api/v1/region/monitor").get_json()["offices"]


@pytest.mark.parametrize("username", [None, "admin", "admin-esil", "manager", "operator1"])
def test_anyone_but_a_region_admin_is_refused_and_hears_nothing(region_app, sockets, username):
    watcher = sockets("region")      # a region admin watches meanwhile: pushes do go out
    other = sockets(username)
    assert not other.is_connected()
    _issue(region_app, "demo")
    assert any(m["name"] == "region.monitor" for m in watcher.get_received())
    # An office's own screens do not get the region's figures either.
    display = sockets(auth={"screen": "display", "office": "demo"})
    assert display.is_connected()
    _issue(region_app, "esil")
    assert not any(m["name"] == "region.monitor" for m in display.get_received())


def test_a_region_admin_demoted_loses_the_live_monitor(region_app, sockets):
    screen = sockets("region")
    assert screen.is_connected()
    db = database.open_db(region_app.config["DB"])
    try:
        region_id = database.scalar(db, "SELECT id FROM users WHERE username = 'region'")
    finally:
        db.close()
    c = region_app.test_client()
    h = login(c, "region")
    other = c.post("/api/v1/users", json={"username": "region2", "password": "region-pass-12345",
                                          "role": "region_admin", "full_name": "R"}, headers=h)
    assert other.status_code == 201, other.get_json()
    c2 = region_app.test_client()
    h2 = login(c2, "region2", "region-pass-12345")
    r = c2.patch(f"/api/v1/users/{region_id}", json={"role": "admin"}, headers=h2)
    assert r.status_code == 200, r.get_json()
    assert not screen.is_connected()
    pushes = region_push.stats["pushes"]
    _issue(region_app, "demo")
    assert region_push.stats["pushes"] == pushes    # nobody watching in this process: nothing counted
