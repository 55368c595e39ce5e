"""Scoped desk screens: a desk hears its own queue and changes (desk.queue), not the whole office's.

Demo office: desk 1 serves А Е, desk 2 А, desk 3 Б В, desk 4 В Г, desk 5 Г Д Е, desk 6 Ж
(services 1 А, 2 Б, 3 В, 4 Г, 5 Д, 6 Е, 7 Ж). The real server runs in a subprocess and the
screens are real Socket.IO clients over WebSocket, as operator.js connects.
"""
from __future__ import annotations

import threading
import time

import pytest
import requests
import socketio
from helpers import login

from e2e.conftest import LiveServer
from kezek.base import database
from kezek.queue import desk_feed, desks, tickets, transfers

А, Б, В, Г, Ж = 1, 2, 3, 4, 7
QUEUE_ITEM = {"id", "number", "service_id", "priority", "first_in_line", "appointment_at", "issued_at", "waited_s"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("desks"), env={"KEZEK_ISSUE_RATE_LIMIT": "0"})
    live.start()
    yield live
    live.stop()


class DeskScreen:
    """A desk's screen as operator.js keeps it: the snapshot, then each desk.queue newer than what it shows."""

    def __init__(self, server, desk_id: int, username: str = "operator1", reconnection: bool = False):
        self.desk_id, self.lock = desk_id, threading.RLock()
        self.received: list[tuple[str, object]] = []
        self.state: dict | None = None
        self.session = server.session(username)
        cookie = "; ".join(f"{k}={v}" for k, v in self.session.cookies.items())
        self.client = socketio.Client(reconnection=reconnection, reconnection_delay=0.2, reconnection_delay_max=0.5)
        self.client.on("*", self._any)
        self.client.on("disconnect", self._dropped)
        self.client.connect(server.url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10,
                            auth={"screen": "operator", "desk": desk_id, "scope": "desk"})

    def _any(self, event, data=None):
        with self.lock:
            self.received.append((event, data))
            if event == "snapshot":
                self.state = data
            elif event == "desk.queue" and self.state and data["seq"] >= self.state["seq"]:
                self.state = self.state | data

    def _dropped(self, *reason):
        # The client library leaves the websocket of a link the server dropped open until the GC finds it.
        if self.client.eio.ws is not None:
            self.client.eio.ws.close()

    def names(self) -> list[str]:
        with self.lock:
            return [name for name, _ in self.received]

    def take(self) -> list[tuple[str, object]]:
        with self.lock:
            got, self.received = self.received, []
            return got

    def waiting(self) -> list[str]:
        with self.lock:
            return [t["number"] for t in self.state["queue"]] if self.state else []

    def until(self, check, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if check(self):
                    return True
            time.sleep(0.02)
        return False

    def close(self):
        self.client.disconnect()
        self.session.close()


def clear_office(server):
    """Nobody waiting and every desk free (module-scoped server: each test starts clean)."""
    staff = server.session("admin")
    for desk in range(1, 7):
        staff.post(f"{server.url}/api/v1/desks/{desk}/resume", timeout=5)
        while staff.post(f"{server.url}/api/v1/desks/{desk}/call-next", timeout=5).status_code == 200:
            pass


def test_a_desk_screen_hears_its_own_queue_and_nothing_of_others(server):
    clear_office(server)
    six, three = DeskScreen(server, 6), DeskScreen(server, 3)
    try:
        assert six.state["scope"] == "desk" and six.state["desk_id"] == 6
        assert {s["id"] for s in six.state["services"]} >= {1, 2, 3, 4, 5, 6, 7}, "names for the transfer dialog"
        six.take(), three.take()
        mine = server.issue(Ж)
        assert six.until(lambda s: mine["number"] in s.waiting())
        theirs = server.issue(Б)
        assert three.until(lambda s: theirs["number"] in s.waiting())
        time.sleep(0.5)                                   # anything else on its way has arrived
        assert six.names() == ["desk.queue"], "a ticket of another desk's service sends desk 6 nothing"
        assert three.names() == ["desk.queue"]
        # A call at desk 3 moves desk 3 on; desk 6 hears nothing of it.
        six.take(), three.take()
        server.session("operator2").post(f"{server.url}/api/v1/desks/3/call-next", timeout=5).raise_for_status()
        assert three.until(lambda s: s.state["current"] and s.state["current"]["number"] == theirs["number"])
        assert three.waiting() == []
        time.sleep(0.5)
        assert six.names() == []
        assert "ticket.issued" not in three.names() and "queue.changed" not in three.names()
    finally:
        six.close(), three.close()


def test_what_a_desk_screen_receives_carries_no_token_and_no_private_field(server):
    clear_office(server)
    screen = DeskScreen(server, 1)
    try:
        tokens = [server.issue(А)["token"], server.issue(А, priority=True, priority_reason="disability")["token"],
                  server.issue(Б)["token"]]
        assert screen.until(lambda s: len(s.waiting()) == 2)
        staff = server.session("operator2")
        staff.post(f"{server.url}/api/v1/desks/2/call-next", timeout=5).raise_for_status()   # desk 2 takes one of А
        assert screen.until(lambda s: len(s.waiting()) == 1)
        got = screen.take()
        assert all(token not in repr(got) for token in tokens)
        queues = [data for name, data in got if name == "desk.queue"]
        assert queues and all(set(item) == QUEUE_ITEM for q in queues for item in q["queue"])
        assert "disability" not in repr(got), "the priority group is not shown in the list"
        assert all(q["current"] is None for q in queues), "another desk's visitor is not this desk's to see"
        assert all({s["id"] for s in q["services"]} == {1, 6} for q in queues), "its own services' counts only"
    finally:
        screen.close()


def test_a_screen_that_comes_back_after_a_restart_shows_what_happened_meanwhile(server):
    clear_office(server)
    screen = DeskScreen(server, 6, reconnection=True)
    try:
        server.issue(Ж)
        assert screen.until(lambda s: len(s.waiting()) == 1)
        server.stop()
        server.start()
        later = server.issue(Ж)
        server.session("operator1").post(f"{server.url}/api/v1/desks/6/call-next", timeout=5).raise_for_status()
        # Resynced by the reconnect's snapshot (and whatever desk.queue followed it): one called, one waiting.
        assert screen.until(lambda s: s.state["current"] is not None and s.waiting() == [later["number"]], 20)
        assert screen.names().count("snapshot") == 2, "the reconnect's snapshot"
        assert screen.until(lambda s: s.client.connected)
    finally:
        screen.close()


def test_the_read_after_an_action_is_the_desks_own_state(server):
    clear_office(server)
    server.issue(Ж)
    staff = server.session("operator1")
    own = staff.get(f"{server.url}/api/v1/desks/6/state?scope=desk", timeout=5).json()
    full = staff.get(f"{server.url}/api/v1/desks/6/state", timeout=5).json()
    assert own["scope"] == "desk" and "services" in own and "office" not in own
    assert [t["number"] for t in own["queue"]] == [t["number"] for t in full["queue"] if t["service_id"] == Ж]
    assert requests.get(f"{server.url}/api/v1/desks/6/state?scope=desk", timeout=5).status_code == 401



def test_an_admins_edits_reach_only_the_desks_they_concern(server):
    clear_office(server)
    six, three, one = DeskScreen(server, 6), DeskScreen(server, 3), DeskScreen(server, 1)
    admin = server.session("admin")
    try:
        for screen in (six, three, one):
            screen.take()
        # Ж's daily limit: desk 6 serves Ж and is told; desks 3 and 1 are not.
        admin.patch(f"{server.url}/api/v1/services/{Ж}", json={"daily_limit": 500}, timeout=5).raise_for_status()
        assert six.until(lambda s: "desk.queue" in s.names())
        # The kiosk's search words: no desk screen shows them.
        admin.put(f"{server.url}/api/v1/services/{Б}/synonyms", json={"synonyms": ["справка"]},
                  timeout=5).raise_for_status()
        time.sleep(0.5)
        assert three.names() == [] and one.names() == [], "a service edit of Ж and the kiosk's words: not theirs"
        # Desk 3 now serves Ж too: its screen gets its new queue (and name) at once, desk 1 nothing.
        waiting = server.issue(Ж)
        six.take(), three.take(), one.take()
        admin.patch(f"{server.url}/api/v1/desks/3", json={"name": "3A", "service_ids": [Б, В, Ж]},
                    timeout=5).raise_for_status()
        assert three.until(lambda s: waiting["number"] in s.waiting() and s.state["desk"]["name"] == "3A")
        assert six.until(lambda s: "desk.queue" in s.names()), "desk 6 shares Ж with it"
        time.sleep(0.5)
        assert one.names() == []
    finally:
        admin.patch(f"{server.url}/api/v1/desks/3", json={"name": "3", "service_ids": [Б, В]}, timeout=5)
        six.close(), three.close(), one.close()


def test_a_transfer_reaches_the_desk_it_left_and_those_that_may_call_it(server):
    clear_office(server)
    operator = server.session("operator2")
    screens = {d: DeskScreen(server, d) for d in (1, 2, 3, 5, 6)}
    try:
        moved = server.issue(Б)
        called = operator.post(f"{server.url}/api/v1/desks/3/call-next", timeout=5).json()
        assert called["number"] == moved["number"]
        time.sleep(0.5)
        for screen in screens.values():
            screen.take()
        operator.post(f"{server.url}/api/v1/tickets/{called['id']}/transfer", json={"service": Ж},
                      timeout=5).raise_for_status()
        assert screens[6].until(lambda s: moved["number"] in s.waiting()), "Ж's desk has it in its queue"
        assert screens[3].until(lambda s: s.state["current"] is None), "the desk it left is free"
        time.sleep(0.5)
        assert [d for d, s in screens.items() if s.names()] == [3, 6], "desks 1, 2 and 5 hear nothing of it"
        # Sent to desk 2 by name (it does not serve Ж): desk 2 may call it now, and is told.
        called = operator.post(f"{server.url}/api/v1/desks/6/call-next", timeout=5).json()
        time.sleep(0.5)
        for screen in screens.values():
            screen.take()
        operator.post(f"{server.url}/api/v1/tickets/{called['id']}/transfer", json={"desk": 2},
                      timeout=5).raise_for_status()
        assert screens[2].until(lambda s: moved["number"] in s.waiting())
        time.sleep(0.5)
        assert sorted(d for d, s in screens.items() if s.names()) == [2, 6]
    finally:
        for screen in screens.values():
            screen.close()

# --- in process: the engine's part ---------------------------------------------------------------

def test_the_list_is_the_order_the_desk_calls_in(db, clock):
    for service, extra in [(А, {}), (Е := 6, {}), (А, {"priority": True, "priority_reason": "elderly"}), (Е, {}),
                           (А, {})]:
        tickets.issue(db, service, clock(), **extra)
        clock.advance(seconds=30)
    listed = [t["number"] for t in desk_feed.desk_state(db, 1, clock())["queue"]]
    called = []
    while (outcome := tickets.call_next(db, 1, clock())).ticket:
        called.append(outcome.ticket["display_number"])
    assert listed == called


def test_only_desks_serving_a_changed_service_or_the_desk_itself_are_touched(db, clock):
    issued = tickets.issue(db, Г, clock())
    marks = desk_feed.touched(issued.events)
    assert desk_feed.desks_touched(db, "demo", marks["demo"], {1, 2, 3, 4, 5, 6}) == [4, 5]
    called = tickets.call_next(db, 5, clock())
    assert desk_feed.desks_touched(db, "demo", desk_feed.touched(called.events)["demo"], {1, 2, 3, 4, 5, 6}) == [4, 5]
    assert desk_feed.desks_touched(db, "demo", desk_feed.touched(called.events)["demo"], {1, 2, 3, 6}) == []
    paused = desks.pause(db, 3, "break", clock())      # no ticket moves, but its services' estimates do
    assert desk_feed.desks_touched(db, "demo", desk_feed.touched(paused.events)["demo"], {1, 2, 3, 4, 5, 6}) == [3, 4]


def test_a_transfer_to_a_clerk_touches_the_desk_where_that_clerk_sits(db, clock):
    users = {u["username"]: u["id"] for u in database.rows(db, "SELECT id, username FROM users")}
    tickets.issue(db, Б, clock())
    held = tickets.call_next(db, 3, clock(), user_id=users["operator1"]).ticket
    tickets.issue(db, Ж, clock())
    tickets.call_next(db, 6, clock(), user_id=users["operator2"])      # operator2 sits at desk 6
    moved = transfers.transfer(db, held["id"], None, clock(), to_user_id=users["operator2"])
    mark = desk_feed.touched(moved.events)["demo"]
    assert desk_feed.desks_touched(db, "demo", mark, {1, 2, 3, 4, 5, 6}) == [3, 6], \
        "the desk it left (and Б's own), and the clerk's; not every desk"


def test_in_process_socket_a_scoped_desk_is_not_in_the_office_room(app, client, kiosk_headers, socket_client):
    c = app.test_client()
    login(c, "operator1")
    scoped = socket_client({"screen": "operator", "desk": 6, "scope": "desk"}, flask_client=c)
    legacy = socket_client({"screen": "operator", "desk": 6}, flask_client=c)
    scoped.get_received(), legacy.get_received()
    client.post("/api/v1/tickets", json={"service": А}, headers=kiosk_headers)
    assert scoped.get_received() == []
    assert "ticket.issued" in [m["name"] for m in legacy.get_received()], "without scope: as before"
