"""The print agent on a kiosk PC prints its kiosk's tickets from the real server, and never a stale one."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import socketio
import zxingcpp
from e2e.conftest import LiveServer

from kezek.base import database
from kezek.log import chain
from kezek.web.live.printing import JOB_TTL_S
from tests.escpos_raster import decode_paper
from tests.fakes.fake_printer import FakePrinter

pytestmark = pytest.mark.slow   # the real server and an agent process

ROOT = Path(__file__).resolve().parents[1]
WAIT_S = 30  # a bound for polling loops, not a speed claim


def wait_until(check, what: str, seconds: float = WAIT_S):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("agent"))
    live.start()
    admin = live.session("admin")
    # The kiosk's printer is on its own USB port: only the agent on the kiosk PC reaches it.
    r = admin.patch(f"{live.url}/api/v1/devices/{live.demo['kiosk_id']}", json={"printer_url": "usb://04b8:0e15"},
                    timeout=5)
    assert r.status_code == 200, r.text
    yield live
    live.stop()


@pytest.fixture
def fake():
    with FakePrinter("ok") as printer:
        yield printer


@pytest.fixture
def agent(server, fake, tmp_path):
    """`server.py print-agent` in a subprocess, printing on the fake printer; its log file."""
    log = tmp_path / "agent.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "server.py", "print-agent", "--server", server.url,
                                 "--token", server.demo["kiosk_token"], "--printer", fake.url],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    proc.log = log
    try:
        # Once connected the agent reads its printer's status: the fake printer sees the query.
        wait_until(lambda: fake.queries, "the agent to connect and report its printer")
        yield proc
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def kiosk_events(server):
    """The kiosk screen's live events, over a real Socket.IO connection."""
    client = socketio.Client(reconnection=False)
    received: list[tuple[str, dict]] = []
    client.on("*", lambda name, data=None: received.append((name, data)))
    client.connect(server.url, auth={"screen": "kiosk", "token": server.demo["kiosk_token"]},
                   transports=["websocket"], wait_timeout=5)
    yield received
    client.disconnect()
    if client.eio.ws is not None:   # the server was stopped under it: close what the dropped link left open
        client.eio.ws.close()


def printed_for(events, ticket_id):
    return [data for name, data in events if name == "ticket.printed" and data["ticket_id"] == ticket_id]


def log_rows(server, name: str, ticket_id: int) -> list[dict]:
    db = database.open_db(server.db)
    try:
        return chain.list_events(db, "demo", name=name, ticket_id=ticket_id)
    finally:
        db.close()


def test_the_agent_prints_its_kiosks_tickets_end_to_end(server, fake, agent, kiosk_events):
    ticket = server.issue(1, lang="kk")
    assert ticket["print"] == {"state": "pending"}
    [printed] = wait_until(lambda: printed_for(kiosk_events, ticket["id"]), "ticket.printed")
    assert printed["ok"] is True and printed["state"] == "ok" and printed["number"] == ticket["number"]
    fake.wait_quiet()
    paper = decode_paper(fake.data())
    assert paper is not None and paper.width == 576
    assert [c.text for c in zxingcpp.read_barcodes(paper.convert("L"))] == [ticket["url"]]
    assert len(log_rows(server, "ticket.printed", ticket["id"])) == 1

    # The agent keeps working after the server restarts, without anyone touching it.
    server.stop()
    asked = len(fake.queries)
    server.start()
    wait_until(lambda: len(fake.queries) > asked, "the agent to reconnect:\n" + agent.log.read_text())
    again = server.issue(2, lang="ru")
    assert again["print"] == {"state": "pending"}
    wait_until(lambda: log_rows(server, "ticket.printed", again["id"]), "the second ticket to be printed")
    fake.wait_quiet()
    assert fake.data().count(b"\x1dV") == 2


def test_a_job_that_reaches_the_agent_too_late_is_not_printed(server, fake, agent, kiosk_events):
    before = fake.data()
    os.kill(agent.pid, signal.SIGSTOP)  # the kiosk PC freezes: the job waits in its network buffer
    try:
        ticket = server.issue(3)
        assert ticket["print"] == {"state": "pending"}
        [printed] = wait_until(lambda: printed_for(kiosk_events, ticket["id"]), "the server to give up")
        assert printed["ok"] is False and printed["state"] == "timeout"
        time.sleep(JOB_TTL_S + 1 - 8)  # the server gave up after ~8 s; now the job is older than its TTL
    finally:
        os.kill(agent.pid, signal.SIGCONT)
    wait_until(lambda: "dropped" in agent.log.read_text(), "the agent to drop the old job")
    fake.wait_quiet(0.5)
    assert fake.data()[:len(before)] == before
    assert decode_paper(fake.data()[len(before):]) is None  # status queries only: no paper came out
    assert requests.get(f"{server.url}/api/v1/tickets/{ticket['token']}", timeout=5).json()["status"] == "waiting"
    rows = log_rows(server, "ticket.print_failed", ticket["id"])[::-1]
    assert rows[0]["details"]["state"] == "timeout"
    # If the agent was still connected when it woke, its late "expired" answer is logged too.
    assert [(r["details"]["state"], r["details"]["late"]) for r in rows[1:]] in ([], [("expired", True)])
    assert not log_rows(server, "ticket.printed", ticket["id"])


def test_the_real_server_prints_on_a_network_printer_itself(server, fake, kiosk_events):
    admin = server.session("admin")
    url = f"{server.url}/api/v1/devices/{server.demo['kiosk_id']}"
    assert admin.patch(url, json={"printer_url": fake.url}, timeout=5).status_code == 200
    try:
        ticket = server.issue(4, lang="en")
        assert ticket["print"] == {"state": "pending"}
        [printed] = wait_until(lambda: printed_for(kiosk_events, ticket["id"]), "ticket.printed")
        assert printed["ok"] is True and printed["state"] == "ok"
        fake.wait_quiet()
        paper = decode_paper(fake.data())
        assert [c.text for c in zxingcpp.read_barcodes(paper.convert("L"))] == [ticket["url"]]
    finally:
        admin.patch(url, json={"printer_url": "usb://04b8:0e15"}, timeout=5)
