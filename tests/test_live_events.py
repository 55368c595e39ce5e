"""Each screen's socket gets its snapshot on connect and its events after each change."""
from __future__ import annotations

from pathlib import Path

from helpers import login

from kezek.base.events import EVENTS

ROOT = Path(__file__).resolve().parents[1]


def names(sc):
    return [m["name"] for m in sc.get_received()]


def test_kiosk_gets_services_and_queue_changes(app, client, kiosk_headers, socket_client):
    kiosk = socket_client({"screen": "kiosk", "token": app.demo["kiosk_token"]})
    snap = kiosk.get_received()[0]
    assert snap["name"] == "snapshot"
    services = snap["args"][0]["services"]
    assert len(services) == 7 and all("waiting" in s and "available" in s for s in services)
    client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers)
    changes = [m for m in kiosk.get_received() if m["name"] == "queue.changed"]
    waiting = {s["id"]: s["waiting"] for s in changes[-1]["args"][0]["services"]}
    assert waiting[1] == 1


def test_board_gets_counts_only(app, client, kiosk_headers, socket_client):
    board = socket_client({"screen": "board"})
    assert names(board) == ["snapshot"]
    t = client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).get_json()
    received = board.get_received()
    assert [m["name"] for m in received] == ["queue.changed"]
    assert t["token"] not in repr(received)


def test_operator_desk_room_gets_its_desk_changes(app, client, kiosk_headers, socket_client):
    c = app.test_client()
    h = login(c, "operator1")
    desk1 = socket_client({"screen": "operator", "desk": 1}, flask_client=c)
    desk1.get_received()
    client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers)
    assert "ticket.issued" in names(desk1)
    c.post("/api/v1/desks/1/call-next", headers=h)
    got = desk1.get_received()
    desk_events = [m["args"][0]["desk"] for m in got if m["name"] == "desk.changed"]
    assert desk_events and desk_events[-1]["current"] == "А001"
    assert all("token" not in m["args"][0].get("ticket", {}) for m in got if m["name"].startswith("ticket."))


def test_display_sees_recall_pause_and_finish_without_tokens(app, client, kiosk_headers, operator, socket_client):
    display = socket_client({"screen": "display"})
    display.get_received()
    op, h = operator
    t = client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).get_json()
    op.post("/api/v1/desks/1/call-next", headers=h)
    op.post(f"/api/v1/tickets/{t['id']}/recall", headers=h)
    op.post(f"/api/v1/tickets/{t['id']}/start", headers=h)
    op.post(f"/api/v1/tickets/{t['id']}/finish", headers=h)
    op.post("/api/v1/desks/1/pause", json={"reason": "lunch"}, headers=h)
    received = display.get_received()
    got = [m["name"] for m in received]
    for name in ("ticket.called", "ticket.recalled", "ticket.started", "ticket.finished", "desk.changed"):
        assert name in got
    recalled = next(m for m in received if m["name"] == "ticket.recalled")["args"][0]
    assert recalled["number"] == "А001" and recalled["recalls"] == 1
    assert t["token"] not in repr(received)
    assert "lunch" not in repr(received), "pause reasons stay with staff"


def test_display_snapshot_after_reconnect_shows_calls_made_meanwhile(app, client, kiosk_headers, operator,
                                                                     socket_client):
    display = socket_client({"screen": "display"})
    display.disconnect()
    op, h = operator
    client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers)
    op.post("/api/v1/desks/1/call-next", headers=h)
    again = socket_client({"screen": "display"})
    snap = again.get_received()[0]["args"][0]
    assert snap["calls"][0]["number"] == "А001" and snap["calls"][0]["desk"] == "1"


def test_every_event_name_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in EVENTS if f"`{name}`" not in readme]
    assert not missing, f"README.md does not document: {missing}"
