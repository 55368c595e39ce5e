"""A visitor's ticket through the API: issue, call, start, finish — and the live events."""
from __future__ import annotations

from helpers import login


def issue(client, headers, service=1, **extra):
    return client.post("/api/v1/tickets", json={"service": service, **extra}, headers=headers)


def test_kiosk_issues_a_ticket_with_number_url_and_estimate(client, kiosk_headers):
    r = issue(client, kiosk_headers, lang="ru")
    assert r.status_code == 201
    t = r.get_json()
    assert t["number"] == "А001" and t["status"] == "waiting" and t["lang"] == "ru"
    assert t["url"] == f"http://kezek.test/t/{t['token']}"
    for key in ("id", "token", "service_id", "priority", "people_ahead", "estimated_wait_s", "desk_id", "issued_at"):
        assert key in t
    second = issue(client, kiosk_headers).get_json()
    assert second["number"] == "А002" and second["people_ahead"] == 1


def test_operator_calls_starts_and_finishes(client, kiosk_headers, operator):
    op, h = operator
    t = issue(client, kiosk_headers).get_json()
    called = op.post("/api/v1/desks/1/call-next", headers=h)
    assert called.status_code == 200 and called.get_json()["id"] == t["id"]
    assert called.get_json()["status"] == "called" and called.get_json()["desk"] == "1"
    assert op.post(f"/api/v1/tickets/{t['id']}/start", headers=h).get_json()["status"] == "serving"
    assert op.post(f"/api/v1/tickets/{t['id']}/finish", headers=h).get_json()["status"] == "done"
    assert op.post("/api/v1/desks/1/call-next", headers=h).status_code == 204
    public = client.get(f"/api/v1/tickets/{t['token']}").get_json()
    assert public["status"] == "done" and "id" not in public


def test_display_socket_gets_snapshot_then_the_call_without_tokens(app, client, kiosk_headers, operator, socket_client):
    display = socket_client({"screen": "display"})
    first = display.get_received()
    assert first[0]["name"] == "snapshot"
    assert {"office", "services", "desks", "calls"} <= set(first[0]["args"][0])
    t = issue(client, kiosk_headers).get_json()
    op, h = operator
    op.post("/api/v1/desks/1/call-next", headers=h)
    received = display.get_received()
    calls = [m for m in received if m["name"] == "ticket.called"]
    assert calls and calls[0]["args"][0]["number"] == t["number"] and calls[0]["args"][0]["desk"] == "1"
    assert t["token"] not in repr(received)
    assert any(m["name"] == "queue.changed" for m in received)


def test_ticket_socket_follows_its_own_ticket(app, client, kiosk_headers, operator, socket_client):
    t = issue(client, kiosk_headers).get_json()
    ticket_socket = socket_client({"screen": "ticket", "token": t["token"]})
    snap = ticket_socket.get_received()[0]
    assert snap["name"] == "snapshot" and snap["args"][0]["ticket"]["number"] == t["number"]
    op, h = operator
    op.post("/api/v1/desks/1/call-next", headers=h)
    names = [m["name"] for m in ticket_socket.get_received()]
    assert "ticket.called" in names


def test_operator_socket_needs_a_session(app, socket_client):
    refused = socket_client({"screen": "operator"})
    assert not refused.is_connected()
    c = app.test_client()
    login(c, "operator1")
    accepted = socket_client({"screen": "operator", "desk": 1}, flask_client=c)
    assert accepted.is_connected()
    snap = accepted.get_received()[0]
    assert snap["name"] == "snapshot" and snap["args"][0]["desk"]["name"] == "1"


def test_unknown_screen_and_bad_tokens_are_refused(app, socket_client):
    assert not socket_client({"screen": "nonsense"}).is_connected()
    assert not socket_client({"screen": "kiosk", "token": "wrong"}).is_connected()
    assert not socket_client({"screen": "ticket", "token": "wrong"}).is_connected()
    assert socket_client({"screen": "kiosk", "token": app.demo["kiosk_token"]}).is_connected()
