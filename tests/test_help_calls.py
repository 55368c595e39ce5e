"""'I need help' on a kiosk: operators and the monitor hear it live, it is logged, staff acknowledge it."""
from __future__ import annotations

import json

from helpers import login

from kezek.base import database


def received(sc, name):
    return [m["args"][0] for m in sc.get_received() if m["name"] == name]


def test_a_kiosk_call_for_help_reaches_operators_and_is_acknowledged(app, client, kiosk_headers, operator,
                                                                      socket_client):
    op_client, op_headers = operator
    staff = socket_client({"screen": "operator"}, flask_client=op_client)
    kiosk = socket_client({"screen": "kiosk", "token": app.demo["kiosk_token"]})
    display = socket_client({"screen": "display"})
    staff.get_received(), kiosk.get_received(), display.get_received()

    asked = client.post("/api/v1/help", json={"lang": "ru"}, headers=kiosk_headers)
    assert asked.status_code == 201
    call = asked.get_json()
    alerts = received(staff, "help.requested")
    assert [a["id"] for a in alerts] == [call["id"]] and alerts[0]["kiosk"] == call["kiosk"]
    assert received(display, "help.requested") == []        # the hall never hears about a person
    assert op_client.get("/api/v1/help", headers=op_headers).get_json()["calls"][0]["id"] == call["id"]

    # A second press is the same call, not a second one.
    again = client.post("/api/v1/help", json={}, headers=kiosk_headers).get_json()
    assert again["id"] == call["id"]

    done = op_client.post(f"/api/v1/help/{call['id']}/acknowledge", headers=op_headers)
    assert done.status_code == 200 and done.get_json()["acknowledged_by"] == "operator1"
    assert [a["id"] for a in received(kiosk, "help.acknowledged")] == [call["id"]]
    assert op_client.get("/api/v1/help", headers=op_headers).get_json()["calls"] == []
    assert op_client.post(f"/api/v1/help/{call['id']}/acknowledge", headers=op_headers).status_code == 409

    conn = database.open_db(app.config["DB"])
    rows = conn.execute("SELECT name, device_id, user_id, details FROM events WHERE name LIKE 'help.%' "
                        "ORDER BY id").fetchall()
    conn.close()
    assert [r[0] for r in rows] == ["help.requested", "help.acknowledged"]
    assert json.loads(rows[0][3])["lang"] == "ru" and rows[1][2] is not None


def test_only_a_kiosk_asks_and_only_staff_of_the_office_answer(app, client, kiosk_headers, operator):
    op_client, op_headers = operator
    assert client.post("/api/v1/help", json={}).status_code == 401
    assert op_client.post("/api/v1/help", json={}, headers=op_headers).status_code == 403
    call = client.post("/api/v1/help", json={}, headers=kiosk_headers).get_json()
    assert client.post(f"/api/v1/help/{call['id']}/acknowledge", headers=kiosk_headers).status_code == 403
    assert client.get("/api/v1/help").status_code == 401
    # Without the session's CSRF token a page write is refused.
    assert op_client.post(f"/api/v1/help/{call['id']}/acknowledge").status_code == 403
    assert op_client.post("/api/v1/help/999999/acknowledge", headers=op_headers).status_code == 404
    assert client.post("/api/v1/help", json={"lang": "xx"}, headers=kiosk_headers).status_code in (400, 422)


def test_the_manager_monitor_hears_the_call(app, client, kiosk_headers, socket_client):
    manager = app.test_client()
    login(manager, "manager")
    monitor = socket_client({"screen": "operator"}, flask_client=manager)
    monitor.get_received()
    client.post("/api/v1/help", json={}, headers=kiosk_headers)
    assert len(received(monitor, "help.requested")) == 1
