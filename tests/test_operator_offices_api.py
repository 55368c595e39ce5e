"""A clerk who works in two offices: /me names both, and the desk screen's calls work in the one chosen."""
from __future__ import annotations

import pytest
from helpers import login

from kezek.base import database
from kezek.office import accounts, config

NORTH = {"name_kk": "Солтүстік кеңсе", "name_ru": "Северный офис", "name_en": "North office"}


@pytest.fixture
def north(app, clock):
    """A second office with one service (prefix С), one desk, a kiosk, and a clerk of both offices."""
    db = database.open_db(app.config["DB"])
    try:
        config.create_office(db, "north", NORTH, clock())
        service = config.create_service(db, "north", {"prefix": "С", "name_kk": "Салық", "name_ru": "Налоги",
                                                      "name_en": "Taxes"}, clock())
        desk = config.create_desk(db, "north", {"name": "N1", "service_ids": [service["id"]]}, clock())
        _, kiosk_token = accounts.create_device(db, "north", "kiosk", "North kiosk", clock())
        accounts.create_user(db, "clerk2", "operator", clock(), password="demo-pass-123", offices=["demo", "north"])
    finally:
        db.close()
    return {"service": service, "desk": desk, "kiosk": {"Authorization": f"Bearer {kiosk_token}"}}


def test_me_names_each_office_of_the_user_and_no_other(app, north):
    c = app.test_client()
    login(c, "clerk2")
    offices = c.get("/api/v1/me").get_json()["offices"]
    assert [o["id"] for o in offices] == ["demo", "north"]
    assert offices[1] == {"id": "north", **NORTH}
    # operator1 works in the demo office only: the north office's name is not theirs to see.
    c1 = app.test_client()
    login(c1, "operator1")
    assert [o["id"] for o in c1.get("/api/v1/me").get_json()["offices"]] == ["demo"]


def test_a_clerk_of_two_offices_names_the_office_and_gets_its_desks_and_services(app, north):
    c = app.test_client()
    login(c, "clerk2")
    unnamed = c.get("/api/v1/desks")
    assert unnamed.status_code >= 400 and unnamed.get_json()["error"]["code"] == "office_required"
    desks = c.get("/api/v1/desks?office=north").get_json()["desks"]
    assert [d["name"] for d in desks] == ["N1"]
    services = c.get("/api/v1/services?office=north").get_json()["services"]
    assert [s["prefix"] for s in services] == ["С"]
    assert len(c.get("/api/v1/desks?office=demo").get_json()["desks"]) == 6


def test_a_one_office_operator_cannot_name_another_office(app, north):
    c = app.test_client()
    login(c, "operator1")
    assert c.get("/api/v1/desks").status_code == 200
    assert c.get("/api/v1/desks?office=north").status_code == 403


def test_the_operator_socket_of_the_chosen_office_hears_that_office_only(app, client, north, kiosk_headers,
                                                                          socket_client):
    c = app.test_client()
    h = login(c, "clerk2")
    desk = north["desk"]["id"]
    # Without the office the server cannot tell which office's rooms to join; with the wrong one, the desk is not there.
    assert not socket_client({"screen": "operator", "desk": desk}, flask_client=c).is_connected()
    assert not socket_client({"screen": "operator", "desk": desk, "office": "demo"}, flask_client=c).is_connected()
    screen = socket_client({"screen": "operator", "desk": desk, "office": "north"}, flask_client=c)
    assert screen.is_connected()
    snapshot = screen.get_received()[0]["args"][0]
    assert snapshot["desk"]["id"] == desk and [s["prefix"] for s in snapshot["services"]] == ["С"]
    client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers)   # the demo office
    assert not [m for m in screen.get_received() if m["name"] == "ticket.issued"]
    t = client.post("/api/v1/tickets", json={"service": north["service"]["id"]}, headers=north["kiosk"]).get_json()
    assert t["number"] == "С001"
    assert [m for m in screen.get_received() if m["name"] == "ticket.issued"]
    called = c.post(f"/api/v1/desks/{desk}/call-next", headers=h).get_json()
    assert called["number"] == "С001"
    assert [m for m in screen.get_received() if m["name"] == "ticket.called"]


def test_booking_for_a_caller_in_the_chosen_office(app, north):
    c = app.test_client()
    login(c, "clerk2")
    assert c.get("/api/v1/booking/services").status_code >= 400
    demo = c.get("/api/v1/booking/services?office=demo").get_json()
    assert demo["office"]["id"] == "demo" and [s["prefix"] for s in demo["services"]] == ["А", "Ж"]
    north_answer = c.get("/api/v1/booking/services?office=north").get_json()
    assert north_answer["office"]["id"] == "north" and north_answer["services"] == []
