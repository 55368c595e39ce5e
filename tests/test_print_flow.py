"""Printing in the running office: a kiosk's ticket is printed after the answer, and a failed print loses nothing."""
from __future__ import annotations

import time

import pytest
import zxingcpp

from kezek.base import database
from kezek.base.clock import utcnow
from kezek.log import chain
from kezek.office import accounts
from kezek.printers import job_messages, routes
from kezek.printing import jobs as print_jobs
from kezek.web.live import printing as printing_web
from tests.escpos_raster import decode_paper
from tests.fakes.fake_printer import FakePrinter

WAIT_S = 20  # a bound for polling loops, not a speed claim


class Inbox:
    """Everything a Socket.IO test client received, kept across polls."""

    def __init__(self, sc):
        self.sc = sc
        self.seen: list[dict] = []

    def poll(self) -> list[dict]:
        self.seen += self.sc.get_received()
        return self.seen

    def named(self, name: str) -> list[dict]:
        return [m["args"][0] for m in self.poll() if m["name"] == name]

    def wait(self, name: str, match=lambda payload: True) -> dict:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            for payload in self.named(name):
                if match(payload):
                    return payload
            time.sleep(0.05)
        raise AssertionError(f"no {name} arrived; got {[m['name'] for m in self.seen]}")


def set_printer(app, url: str, device_id: int | None = None) -> None:
    db = database.open_db(app.config["DB"])
    try:
        accounts.update_device(db, device_id or app.demo["kiosk_id"], utcnow(), printer_url=url,
                               allow_local_printer=True)   # the fake printer listens on 127.0.0.1
    finally:
        db.close()


def issue(client, headers, service=1, **extra):
    response = client.post("/api/v1/tickets", json={"service": service, **extra}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def log_rows(app, name: str, ticket_id: int | None = None) -> list[dict]:
    db = database.open_db(app.config["DB"])
    try:
        return chain.list_events(db, "demo", name=name, ticket_id=ticket_id)
    finally:
        db.close()


def printer_row(app) -> dict:
    db = database.open_db(app.config["DB"])
    try:
        return print_jobs.printer_state(db, accounts.get_device(db, app.demo["kiosk_id"]))
    finally:
        db.close()


@pytest.fixture
def kiosk(app, socket_client):
    return Inbox(socket_client({"screen": "kiosk", "token": app.demo["kiosk_token"]}))


@pytest.fixture
def operators(operator, socket_client):
    op, _ = operator
    return Inbox(socket_client({"screen": "operator"}, flask_client=op))


@pytest.mark.parametrize("mode, printer_state", [("paper_out", "paper_out"), ("cover_open", "cover_open"),
                                                 ("silent", "unknown"), ("refused", "offline")])
def test_a_printer_that_cannot_print_leaves_the_ticket_issued_and_the_failure_visible(
        app, client, kiosk_headers, kiosk, operators, mode, printer_state):
    with FakePrinter(mode) as fake:
        set_printer(app, fake.url)
        ticket = issue(client, kiosk_headers)
        assert ticket["print"] == {"state": "pending"}
        printed = kiosk.wait("ticket.printed")
        changed = operators.wait("printer.changed")
        fake.wait_quiet()
        assert decode_paper(fake.data()) is None
    assert printed["ticket_id"] == ticket["id"] and printed["number"] == ticket["number"]
    assert printed["ok"] is False and printed["state"] == printer_state and printed["detail"]
    assert changed == {"device_id": app.demo["kiosk_id"], "name": "Kiosk 1 (demo)", "state": printer_state,
                       "detail": changed["detail"]}
    assert kiosk.wait("printer.changed")["state"] == printer_state
    assert client.get(f"/api/v1/tickets/{ticket['token']}").get_json()["status"] == "waiting"
    assert printer_row(app)["state"] == printer_state
    [row] = log_rows(app, "ticket.print_failed", ticket["id"])
    assert row["device_id"] == app.demo["kiosk_id"] and row["details"]["state"] == printer_state
    assert not log_rows(app, "ticket.printed")


@pytest.mark.parametrize("mode", ["paper_out", "cover_open"])
def test_after_paper_out_the_next_ticket_is_shown_on_screen_at_once_and_never_sent(
        app, client, kiosk_headers, kiosk, mode):
    with FakePrinter(mode) as fake:
        set_printer(app, fake.url)
        issue(client, kiosk_headers)
        kiosk.wait("ticket.printed")
        before = fake.connections
        second = issue(client, kiosk_headers)
        assert second["print"] == {"state": "unavailable"}
        deadline = time.monotonic() + WAIT_S
        while not log_rows(app, "ticket.print_failed", second["id"]) and time.monotonic() < deadline:
            time.sleep(0.05)
        fake.set_mode("ok")  # paper loaded: still nothing may come out for the visitor who left
        fake.wait_quiet(0.5)
        assert fake.connections == before and decode_paper(fake.data()) is None
    [row] = log_rows(app, "ticket.print_failed", second["id"])
    assert row["details"]["state"] == mode and row["details"]["detail"].startswith("not sent")
    assert client.get(f"/api/v1/tickets/{second['token']}").get_json()["status"] == "waiting"
    assert [p["ticket_id"] for p in kiosk.named("ticket.printed")] == [second["id"] - 1]


def test_the_kiosk_is_answered_before_a_silent_printer_gives_up(app, client, kiosk_headers, kiosk):
    with FakePrinter("silent") as fake:
        set_printer(app, fake.url)
        ticket = issue(client, kiosk_headers)
        # The answer is in hand; the job (which waits for the printer's status) has not ended.
        assert ticket["print"] == {"state": "pending"}
        assert kiosk.named("ticket.printed") == []
        assert log_rows(app, "ticket.print_failed") == []
        assert kiosk.wait("ticket.printed")["ok"] is False
    assert len(log_rows(app, "ticket.print_failed", ticket["id"])) == 1


def test_a_good_print_is_the_ticket_with_a_qr_code_of_its_page(app, client, kiosk_headers, kiosk):
    with FakePrinter("ok") as fake:
        set_printer(app, fake.url)
        ticket = issue(client, kiosk_headers, lang="ru")
        printed = kiosk.wait("ticket.printed")
        fake.wait_quiet()
        paper = decode_paper(fake.data())
    assert printed == {"ticket_id": ticket["id"], "number": ticket["number"], "ok": True, "state": "ok", "detail": ""}
    assert paper is not None and paper.width == 576
    assert [c.text for c in zxingcpp.read_barcodes(paper.convert("L"))] == [ticket["url"]]
    assert printer_row(app)["state"] == "ok"
    [row] = log_rows(app, "ticket.printed", ticket["id"])
    assert row["details"]["reprint"] is False


def test_the_printed_ticket_is_in_the_visitors_language(app, client, kiosk_headers, kiosk):
    db = database.open_db(app.config["DB"])
    try:
        with FakePrinter("ok") as fake:
            set_printer(app, fake.url)
            ticket = issue(client, kiosk_headers, lang="en")
            kiosk.wait("ticket.printed")
            fake.wait_quiet()
            paper = decode_paper(fake.data())
        from kezek.printers.drawing import render_ticket
        from kezek.queue import store as queue_store
        expected = print_jobs.ticket_print(db, queue_store.ticket(db, ticket["id"]), ticket["url"], app.config["CLOCK"]())
    finally:
        db.close()
    assert expected.office_name == "Almaly District Akimat Front Office"
    assert expected.service_name == "Civil registration: births, marriages, deaths"
    assert paper.tobytes() == render_ticket(expected, 576).tobytes()


def test_reprint_prints_again_once_per_key_and_only_live_tickets_of_this_kiosk(
        app, client, kiosk_headers, kiosk, operator, admin):
    with FakePrinter("ok") as fake:
        set_printer(app, fake.url)
        ticket = issue(client, kiosk_headers)
        kiosk.wait("ticket.printed")
        headers = {**kiosk_headers, "Idempotency-Key": "reprint-1"}
        first = client.post(f"/api/v1/tickets/{ticket['id']}/reprint", headers=headers)
        assert first.status_code == 202 and first.get_json()["print"] == {"state": "pending"}
        retry = client.post(f"/api/v1/tickets/{ticket['id']}/reprint", headers=headers)
        assert retry.status_code == 202 and retry.headers.get("Idempotent-Replayed") == "true"
        deadline = time.monotonic() + WAIT_S
        while len(kiosk.named("ticket.printed")) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        fake.wait_quiet(0.5)
        assert fake.data().count(b"\x1dV") == 2  # cut twice: the first print and one reprint, not three
    assert [p["ok"] for p in kiosk.named("ticket.printed")] == [True, True]
    assert [r["details"]["reprint"] for r in log_rows(app, "ticket.printed", ticket["id"])] == [True, False]

    admin_client, admin_headers = admin
    other = admin_client.post("/api/v1/devices", json={"kind": "kiosk", "name": "Kiosk 2"}, headers=admin_headers)
    other_headers = {"Authorization": f"Bearer {other.get_json()['token']}"}
    assert client.post(f"/api/v1/tickets/{ticket['id']}/reprint", headers=other_headers).status_code == 404
    op, op_headers = operator
    assert op.post(f"/api/v1/tickets/{ticket['id']}/reprint", headers=op_headers).status_code == 403

    for step in ("desks/1/call-next", f"tickets/{ticket['id']}/start", f"tickets/{ticket['id']}/finish"):
        assert op.post(f"/api/v1/{step}", headers=op_headers).status_code == 200
    finished = client.post(f"/api/v1/tickets/{ticket['id']}/reprint", headers=kiosk_headers)
    assert finished.status_code == 409 and finished.get_json()["error"]["code"] == "not_reprintable"


def test_a_kiosk_without_a_printer_is_told_so_and_nothing_is_logged(app, client, kiosk_headers, kiosk):
    set_printer(app, "none")
    ticket = issue(client, kiosk_headers)
    assert ticket["print"] == {"state": "none"}
    time.sleep(0.3)
    assert kiosk.named("ticket.printed") == []
    assert log_rows(app, "ticket.print_failed") == [] and log_rows(app, "ticket.printed") == []


def test_an_operator_issued_ticket_has_no_print_state(client, operator):
    op, headers = operator
    response = op.post("/api/v1/tickets", json={"service": 1}, headers=headers)
    assert response.status_code == 201 and "print" not in response.get_json()


@pytest.mark.parametrize("url, route", [
    ("tcp://10.0.5.21:9100", "server"), ("cups://Kiosk", "server"), ("usb://04b8:0e15", "agent"),
    ("serial:///dev/ttyUSB0", "agent"), ("file:///dev/usb/lp0", "agent"), ("agent", "agent"),
    ("tcp://10.0.5.21?via=agent&profile=TM-T20II", "agent"), ("cups://Kiosk?via=server", "server"),
    ("none", "none"), ("", "none")])
def test_the_printer_url_says_whether_the_server_or_the_agent_prints(url, route):
    found = routes.printer_route(url)
    assert found.route == route and found.error is None
    if found.spec is not None:
        assert "via" not in found.spec.url


def test_a_bad_printer_url_is_refused_when_set(app, admin):
    c, h = admin
    r = c.patch(f"/api/v1/devices/{app.demo['kiosk_id']}", json={"printer_url": "lpt://nowhere"}, headers=h)
    assert r.status_code == 422 and r.get_json()["error"]["details"]["field"] == "printer_url"


def test_a_bad_printer_url_makes_printing_unavailable_and_says_why(app, client, kiosk_headers):
    # A URL stored before it was checked (an older database, an edit by hand) must not break issuing.
    db = database.open_db(app.config["DB"])
    try:
        with database.transaction(db):
            db.execute("UPDATE devices SET printer_url = 'lpt://nowhere' WHERE id = ?", (app.demo["kiosk_id"],))
    finally:
        db.close()
    ticket = issue(client, kiosk_headers)
    assert ticket["print"] == {"state": "unavailable"}
    deadline = time.monotonic() + WAIT_S
    while not log_rows(app, "ticket.print_failed") and time.monotonic() < deadline:
        time.sleep(0.05)
    [row] = log_rows(app, "ticket.print_failed", ticket["id"])
    assert "bad printer URL" in row["details"]["detail"]


def test_an_agent_printer_without_an_agent_is_unavailable(app, client, kiosk_headers, kiosk):
    set_printer(app, "usb://04b8:0e15")
    ticket = issue(client, kiosk_headers)
    assert ticket["print"] == {"state": "unavailable"}
    deadline = time.monotonic() + WAIT_S
    while not log_rows(app, "ticket.print_failed") and time.monotonic() < deadline:
        time.sleep(0.05)
    [row] = log_rows(app, "ticket.print_failed", ticket["id"])
    assert row["details"]["state"] == "no_agent"


def test_the_agent_gets_the_job_and_its_acknowledgement_reaches_the_kiosk(
        app, client, kiosk_headers, kiosk, operators, socket_client):
    set_printer(app, "usb://04b8:0e15")
    agent = Inbox(socket_client({"screen": "print-agent", "token": app.demo["kiosk_token"]}))
    snapshot = agent.wait("snapshot")
    assert snapshot["route"] == "agent" and snapshot["job_ttl_s"] == printing_web.JOB_TTL_S
    ticket = issue(client, kiosk_headers, lang="kk")
    assert ticket["print"] == {"state": "pending"}
    job = agent.wait("print.job")
    assert job["ticket_id"] == ticket["id"] and job["ticket"]["url"] == ticket["url"]
    paper = job_messages.ticket_from_payload(job["ticket"])
    assert paper.number == ticket["number"] and paper.lang == "kk"
    agent.sc.emit("print.ack", {"job_id": job["job_id"], "ticket_id": ticket["id"], "ok": True,
                                "state": "paper_near_end", "detail": "paper is running out"})
    printed = kiosk.wait("ticket.printed")
    assert printed["ok"] is True and printed["state"] == "paper_near_end"
    assert operators.wait("printer.changed", lambda p: p["state"] == "paper_near_end")
    assert len(log_rows(app, "ticket.printed", ticket["id"])) == 1


def test_an_agent_that_does_not_answer_leaves_the_on_screen_ticket(
        app, client, kiosk_headers, kiosk, socket_client):
    app.config["PRINT_ACK_TIMEOUT_S"] = 1
    set_printer(app, "agent")
    agent = Inbox(socket_client({"screen": "print-agent", "token": app.demo["kiosk_token"]}))
    agent.wait("snapshot")
    ticket = issue(client, kiosk_headers)
    assert ticket["print"] == {"state": "pending"}
    agent.wait("print.job")
    printed = kiosk.wait("ticket.printed")
    assert printed["ok"] is False and printed["state"] == "timeout"
    assert client.get(f"/api/v1/tickets/{ticket['token']}").get_json()["status"] == "waiting"
    [row] = log_rows(app, "ticket.print_failed", ticket["id"])
    assert row["details"]["state"] == "timeout"


def test_the_agents_status_reports_and_its_leaving_reach_the_operators(
        app, client, kiosk_headers, operators, socket_client):
    set_printer(app, "usb://04b8:0e15")
    agent = Inbox(socket_client({"screen": "print-agent", "token": app.demo["kiosk_token"]}))
    agent.wait("snapshot")
    agent.sc.emit("printer.status", {"state": "paper_out", "detail": "out of paper"})
    assert operators.wait("printer.changed")["state"] == "paper_out"
    assert issue(client, kiosk_headers)["print"] == {"state": "unavailable"}
    agent.sc.emit("printer.status", {"state": "ok", "detail": ""})
    operators.wait("printer.changed", lambda p: p["state"] == "ok")
    assert issue(client, kiosk_headers)["print"] == {"state": "pending"}
    agent.sc.disconnect()
    gone = operators.wait("printer.changed", lambda p: p["state"] == "offline")
    assert gone["detail"] == print_jobs.AGENT_GONE
    assert issue(client, kiosk_headers)["print"] == {"state": "unavailable"}


def test_a_print_agent_needs_a_kiosk_token(app, socket_client):
    bad = socket_client({"screen": "print-agent", "token": "nope"})
    assert not bad.is_connected()
    display = socket_client({"screen": "print-agent", "token": app.demo["display_token"]})
    assert not display.is_connected()


def test_polling_finds_paper_out_and_back_and_tells_operators_and_the_kiosk(
        app, client, kiosk_headers, kiosk, operators):
    with FakePrinter("ok") as fake:
        set_printer(app, fake.url)
        assert [e.data["state"] for e in printing_web.poll_once(app)] == ["ok"]
        assert printing_web.poll_once(app) == []  # unchanged: nothing pushed
        fake.set_mode("paper_out")
        printing_web.poll_once(app)
        assert operators.wait("printer.changed", lambda p: p["state"] == "paper_out")
        assert kiosk.wait("printer.changed", lambda p: p["state"] == "paper_out")
        assert issue(client, kiosk_headers)["print"] == {"state": "unavailable"}
        fake.set_mode("ok")
        printing_web.poll_once(app)
        assert operators.wait("printer.changed", lambda p: p["state"] == "ok")
        assert issue(client, kiosk_headers)["print"] == {"state": "pending"}
        kiosk.wait("ticket.printed", lambda p: p["ok"])
    assert [r["details"]["state"] for r in log_rows(app, "printer.changed")] == ["ok", "paper_out", "ok"]


def test_switching_from_an_agent_to_a_network_printer_prints_at_once(app, client, kiosk_headers, kiosk, socket_client):
    set_printer(app, "usb://04b8:0e15")
    socket_client({"screen": "print-agent", "token": app.demo["kiosk_token"]}).disconnect()
    assert printer_row(app)["detail"] == print_jobs.AGENT_GONE
    with FakePrinter("ok") as fake:
        set_printer(app, fake.url)
        assert issue(client, kiosk_headers)["print"] == {"state": "pending"}
        assert kiosk.wait("ticket.printed")["ok"] is True
