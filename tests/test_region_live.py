"""Several server processes on one database and one Redis, behind HAProxy (deploy/haproxy.cfg): live pushes.

Real `server.py run` processes (gevent), a real redis-server and HAProxy (tests/region.py); the screens are
real Socket.IO clients over WebSocket, as kezek.js connects, either straight to one process or through
the balancer. Demo office: desk 1 serves А Е, desk 2 А (service 1 А).
"""
from __future__ import annotations

import gc
import os
import threading
import time
import uuid

import pytest
import requests
import socketio


from kezek.base import database
from region import Region

# Dropped links (a killed process, Redis's resync) leave the client library's old sockets to the GC, which
# reports them at a random later line: not this code's leak, so not an error here.
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]
А = 1
STORE = os.environ.get("KEZEK_TEST_STORE", "sqlite")   # as tests/conftest.py reads it


class Screen:
    """A hall display (or a scoped desk screen): what arrived, and the calls it shows (snapshot, then pushes)."""

    def __init__(self, url: str, auth: dict | None = None, cookie: str = "", reconnection: bool = False):
        self.lock = threading.RLock()
        self.received: list[tuple[str, object]] = []
        self.calls: list[str] = []      # the numbers it shows as called, newest first
        self.snapshots: list[float] = []   # when each snapshot arrived (time.monotonic())
        self.drops: list[float] = []
        self.client = socketio.Client(reconnection=reconnection, reconnection_delay=0.5, reconnection_delay_max=1)
        self.client.on("*", self._any)
        self.client.on("disconnect", self._dropped)
        self.client.connect(url, transports=["websocket"], wait_timeout=10, auth=auth or {"screen": "display"},
                            headers={"Cookie": cookie} if cookie else {})

    def _any(self, event, data=None):
        with self.lock:
            self.received.append((event, data))
            if event == "snapshot":
                self.snapshots.append(time.monotonic())
                self.calls = [c["number"] for c in data.get("calls", [])]
            elif event == "ticket.called":
                self.calls.insert(0, data["number"])

    def _dropped(self, *reason):
        with self.lock:
            self.drops.append(time.monotonic())
        if self.client.eio.ws is not None:   # the library leaves a dropped link's websocket to the GC
            self.client.eio.ws.close()

    def count(self, event: str, number: str | None = None) -> int:
        with self.lock:
            return sum(1 for name, data in self.received
                       if name == event and (number is None or (data or {}).get("number") == number))

    def last(self, event: str):
        with self.lock:
            found = [data for name, data in self.received if name == event]
            return found[-1] if found else None

    def close(self) -> None:
        self.client.disconnect()


def until(check, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def issue(base: str, kiosk_token: str, service: int = А) -> dict:
    """A kiosk's ticket, retried with one Idempotency-Key until answered (as the kiosk retries a dropped answer)."""
    key = uuid.uuid4().hex
    for _ in range(100):
        try:
            r = requests.post(base + "/api/v1/tickets", json={"service": service}, timeout=5,
                              headers={"Authorization": f"Bearer {kiosk_token}", "Idempotency-Key": key})
            if r.status_code in (200, 201):
                return r.json()
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise AssertionError("the ticket was never answered")


def call_next(session: requests.Session, base: str, desk: int) -> dict | None:
    r = session.post(f"{base}/api/v1/desks/{desk}/call-next", headers={"Idempotency-Key": uuid.uuid4().hex},
                     timeout=10)
    assert r.status_code in (200, 204), r.text
    return r.json() if r.status_code == 200 else None


def cookie_of(session: requests.Session) -> str:
    return "; ".join(f"{k}={v}" for k, v in session.cookies.items())


def _collect_dropped_links() -> None:
    """Hand the dropped links' sockets to the GC here, under this module's filters: left for later, the
    collector reported them in whichever test ran next (test_region_monitor errored on one in CI)."""
    for _ in range(3):
        gc.collect()
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def _no_socket_left_behind():
    yield
    _collect_dropped_links()


@pytest.fixture(scope="module")
def region(request, tmp_path_factory):
    """Three processes on one SQLite file, or (KEZEK_TEST_STORE=postgresql) one PostgreSQL database."""
    tmp = tmp_path_factory.mktemp("region")
    if STORE == "postgresql":
        cluster = request.getfixturevalue("pg_cluster_session")
        url = cluster.new_database()
        with Region(tmp, processes=3, db=url, env={"KEZEK_DATA_DIR": str(tmp)}) as r:
            yield r
        _collect_dropped_links()
        cluster.drop_database(url)
        return
    with Region(tmp, processes=3) as r:
        yield r
    _collect_dropped_links()


def test_a_call_through_one_process_reaches_every_screen_on_every_process_once(region):
    kiosk = region.demo["kiosk_token"]
    screens = [Screen(s.url) for s in region.servers for _ in range(2)] + [Screen(region.url) for _ in range(2)]
    operator = region.session("operator1", base=region.servers[0].url)
    # Scoped desk screens of desk 2 only on the processes that commit nothing here: their desk.queue must
    # come from process 1, where no screen of desk 2 is connected.
    desk_screens = [Screen(s.url, {"screen": "operator", "desk": 2, "scope": "desk"}, cookie_of(operator))
                    for s in region.servers[1:]]
    try:
        first, marker = issue(region.servers[0].url, kiosk), issue(region.servers[0].url, kiosk)
        assert until(lambda: all(first["number"] in [t["number"] for t in (d.last("desk.queue") or {}).get("queue", [])]
                                 for d in desk_screens))
        called = call_next(operator, region.servers[0].url, 1)       # through process 1 only
        assert called["number"] == first["number"]
        assert until(lambda: all(s.count("ticket.called", first["number"]) for s in screens))
        # Another call after it: once every screen has that one, nothing more of the first is on its way.
        assert call_next(operator, region.servers[0].url, 1)["number"] == marker["number"]
        assert until(lambda: all(s.count("ticket.called", marker["number"]) for s in screens))
        assert [s.count("ticket.called", first["number"]) for s in screens] == [1] * len(screens)
        # The other processes' desk screens show desk 2's queue without the called tickets.
        assert until(lambda: all((d.last("desk.queue") or {}).get("queue") == [] for d in desk_screens))
    finally:
        for s in screens + desk_screens:
            s.close()


def test_queue_counts_pushed_from_several_processes_end_true_on_every_screen(region):
    kiosk = region.demo["kiosk_token"]
    screens = [Screen(s.url) for s in region.servers]
    try:
        for i in range(9):   # a burst across the three processes, well within one push delay each
            issue(region.servers[i % 3].url, kiosk)
        truth = requests.get(region.url + "/api/v1/services", timeout=5).json()
        waiting = {s["id"]: s["waiting"] for s in (truth["services"] if isinstance(truth, dict) else truth)}

        def shown(screen):
            last = screen.last("queue.changed")
            return last and {s["id"]: s["waiting"] for s in last["services"]} == waiting

        assert until(lambda: all(shown(s) for s in screens))
        pushes = [s.count("queue.changed") for s in screens]
        print(f"queue.changed pushes per screen for 9 tickets from 3 processes: {pushes}")
        assert len(set(pushes)) == 1   # every screen heard the same pushes, whichever process it is on
    finally:
        for s in screens:
            s.close()


def test_screens_resync_after_redis_restarts_and_pushes_resume(region):
    kiosk = region.demo["kiosk_token"]
    screens = [Screen(s.url, reconnection=True) for s in region.servers] + \
              [Screen(region.url, reconnection=True) for _ in range(3)]
    operator = region.session("operator2", base=region.servers[1].url)
    try:
        issue(region.url, kiosk)
        region.redis.stop()
        called = call_next(operator, region.servers[1].url, 2)   # committed while Redis is away: its push is lost
        region.redis.start()
        # Each process drops its screens once subscribed again; their new snapshot has the call.
        assert until(lambda: all(called["number"] in s.calls and s.drops and s.snapshots[-1] > s.drops[-1]
                                 and s.client.connected for s in screens), 60)
        # Only the committing process's own screens heard it pushed (python-socketio hands an emit to them first).
        assert all(s.count("ticket.called", called["number"]) <= 1 for s in screens)
        issue(region.url, kiosk)
        again = call_next(operator, region.servers[1].url, 2)
        assert until(lambda: all(s.count("ticket.called", again["number"]) == 1 for s in screens))
        assert all(s.calls[0] == again["number"] for s in screens)
    finally:
        for s in screens:
            s.close()


def test_sigkill_of_one_process_under_load_loses_no_ticket_and_its_screens_come_back_true(region):
    kiosk = region.demo["kiosk_token"]
    victim = region.servers[2]
    watched = [Screen(victim.url, reconnection=True) for _ in range(4)]   # lose their process
    # Their reconnection goes through the balancer, as a screen configured with the region's address.
    for s in watched:
        s.client.connection_url = region.url
    others = [Screen(region.servers[0].url, reconnection=True), Screen(region.url, reconnection=True)]
    acknowledged: list[dict] = []
    stop = threading.Event()

    def kiosk_load():
        while not stop.is_set():
            acknowledged.append(issue(region.url, kiosk))

    def desk_load(desk: int, session: requests.Session):
        while not stop.is_set():
            try:
                call_next(session, region.url, desk)
            except (requests.RequestException, AssertionError):
                time.sleep(0.05)   # the request died with the process: the clerk clicks again
            time.sleep(0.05)

    loads = [threading.Thread(target=kiosk_load), threading.Thread(target=kiosk_load),
             threading.Thread(target=desk_load, args=(1, region.session("operator1"))),   # signed in before the kill
             threading.Thread(target=desk_load, args=(2, region.session("operator2")))]
    try:
        for t in loads:
            t.start()
        assert until(lambda: len(acknowledged) >= 10)
        killed_at = time.monotonic()
        victim.kill()
        assert until(lambda: all(s.drops and s.snapshots and s.snapshots[-1] > killed_at for s in watched), 60)
        back = max(s.snapshots[-1] for s in watched) - killed_at
        print(f"SIGKILL under load: the killed process's {len(watched)} screens had a fresh snapshot from another"
              f" process after {back:.2f} s (at most)")
        time.sleep(1)
        stop.set()
        for t in loads:
            t.join(30)
        # No acknowledged ticket lost, no number given twice.
        db = database.open_db(region.db)
        try:
            for t in acknowledged:
                row = db.execute("SELECT display_number FROM tickets WHERE token = ?", (t["token"],)).fetchone()
                assert row is not None and row[0] == t["number"], t
            assert len({t["number"] for t in acknowledged}) == len({t["token"] for t in acknowledged})
            twice = db.execute("SELECT service_id, day, number FROM tickets GROUP BY service_id, day, number"
                               " HAVING COUNT(*) > 1").fetchall()
            assert twice == []
        finally:
            db.close()
        # One more call: every screen, moved or not, then shows what the office shows.
        last = issue(region.url, kiosk)
        session = region.session("operator1")
        while (called := call_next(session, region.url, 1)) and called["number"] != last["number"]:
            pass
        truth = [c["number"] for c in requests.get(region.url + "/api/v1/state", timeout=5).json()["calls"]]
        for s in watched + others:
            assert until(lambda: s.calls[:len(truth)] == truth), (s.calls[:8], truth)
    finally:
        stop.set()
        for s in watched + others:
            s.close()
        victim.start()
