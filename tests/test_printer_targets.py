"""What the server itself prints to: network printers only, never its own files, loopback or other ports."""
from __future__ import annotations

import socket
import time

import pytest
from helpers import DEMO_PASSWORD, login

from kezek import demo
from kezek.base import database
from kezek.log import chain
from kezek.web.app import create_app
from tests.fakes.fake_printer import FakePrinter


@pytest.fixture
def strict_app(db_path, clock):
    """The app as it runs in an office: no printer on the server itself is allowed."""
    application = create_app({"DB": db_path, "TESTING": True, "SECRET_KEY": "test-secret",
                              "ASYNC_MODE": "threading", "CLOCK": clock, "PUBLIC_URL": "http://kezek.test",
                              "QUEUE_PUSH_DELAY_S": 0, "PRINTER_ALLOW_LOCAL": 0})
    handle = database.init_db(db_path)
    application.demo = demo.load_demo(handle, clock(), password=DEMO_PASSWORD)
    handle.close()
    return application


def _patch(app, url: str):
    c = app.test_client()
    headers = login(c, "admin")
    return c.patch(f"/api/v1/devices/{app.demo['kiosk_id']}", json={"printer_url": url}, headers=headers)


def _stored_url(app) -> str:
    db = database.open_db(app.config["DB"])
    try:
        return database.scalar(db, "SELECT printer_url FROM devices WHERE id = ?", (app.demo["kiosk_id"],))
    finally:
        db.close()


def _own_lan_address() -> str | None:
    """This machine's address on its network (no packet is sent: UDP connect only picks the route)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


@pytest.mark.parametrize("kind_url", ["file://{db}-wal?via=server", "file://{db}?via=server",
                                      "serial://{db}-wal?via=server", "usb://04b8:0e15?via=server"])
def test_an_admin_cannot_make_the_server_write_printer_bytes_into_a_file(strict_app, kind_url):
    """Finding 1: `file://…/kezek.db-wal?via=server` let the next ticket overwrite the WAL."""
    url = kind_url.format(db=strict_app.config["DB"])
    before = _stored_url(strict_app)
    r = _patch(strict_app, url)
    assert r.status_code == 422, r.get_json()
    error = r.get_json()["error"]
    assert error["code"] == "bad_printer_url" and "print agent" in error["message"]
    assert "via=server" in error["message"]
    assert _stored_url(strict_app) == before


def test_a_file_url_stored_before_the_fix_writes_nothing_on_the_server(strict_app, tmp_path):
    """A database from before the check (or written behind the API): the kiosk's ticket still prints nothing."""
    victim = tmp_path / "victim.bin"
    victim.write_bytes(b"precious")
    db = database.open_db(strict_app.config["DB"])
    db.execute("UPDATE devices SET printer_url = ? WHERE id = ?", (f"file://{victim}?via=server",
                                                                  strict_app.demo["kiosk_id"]))
    db.close()
    c = strict_app.test_client()
    r = c.post("/api/v1/tickets", json={"service": 1},
               headers={"Authorization": f"Bearer {strict_app.demo['kiosk_token']}"})
    assert r.status_code == 201 and r.get_json()["print"]["state"] == "unavailable"
    time.sleep(0.5)
    assert victim.read_bytes() == b"precious"
    handle = database.open_db(strict_app.config["DB"])
    try:
        assert chain.verify(handle).ok
    finally:
        handle.close()


@pytest.mark.parametrize("url", ["tcp://127.0.0.1:9100", "tcp://127.8.9.10", "tcp://localhost:9100",
                                 "tcp://LOCALHOST.", "tcp://[::1]:9100", "tcp://0.0.0.0:9100", "tcp://[::]:9100",
                                 "tcp://[::ffff:127.0.0.1]:9100", "tcp://2130706433:9100"])
def test_the_server_does_not_print_to_its_own_loopback(strict_app, url):
    r = _patch(strict_app, url)
    assert r.status_code == 422, (url, r.get_json())
    assert "server itself" in r.get_json()["error"]["message"]


def test_the_server_does_not_print_to_its_own_network_address(strict_app):
    own = _own_lan_address()
    if own is None:
        pytest.skip("this machine has no network address besides loopback")
    r = _patch(strict_app, f"tcp://{own}:9100")
    assert r.status_code == 422 and "own addresses" in r.get_json()["error"]["message"]


def test_only_the_printer_ports_the_office_allows(strict_app):
    for port in (22, 25, 80, 443, 5432, 6379, 9101):
        r = _patch(strict_app, f"tcp://192.0.2.10:{port}")
        assert r.status_code == 422 and "9100" in r.get_json()["error"]["message"], port
    assert _patch(strict_app, "tcp://192.0.2.10:9100").status_code == 200
    assert _patch(strict_app, "tcp://192.0.2.10").status_code == 200   # 9100 by default
    c = strict_app.test_client()
    headers = login(c, "admin")
    r = c.patch("/api/v1/offices/demo", json={"printer_ports": [9100, 9101]}, headers=headers)
    assert r.status_code == 200 and r.get_json()["printer_ports"] == [9100, 9101]
    assert _patch(strict_app, "tcp://192.0.2.10:9101").status_code == 200
    assert c.patch("/api/v1/offices/demo", json={"printer_ports": ["22"]}, headers=headers).status_code == 422


def test_a_printer_that_turns_out_to_be_the_server_itself_is_not_connected_to(strict_app):
    """Checked again when connecting: the stored URL (or the name's address) may have changed since it was set."""
    fake = FakePrinter("ok")
    try:
        db = database.open_db(strict_app.config["DB"])
        db.execute("UPDATE devices SET printer_url = ? WHERE id = ?", (fake.url, strict_app.demo["kiosk_id"]))
        db.close()
        c = strict_app.test_client()
        r = c.post("/api/v1/tickets", json={"service": 1},
                   headers={"Authorization": f"Bearer {strict_app.demo['kiosk_token']}"})
        assert r.status_code == 201
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            handle = database.open_db(strict_app.config["DB"])
            try:
                failed = chain.list_events(handle, "demo", name="ticket.print_failed")
            finally:
                handle.close()
            if failed:
                break
            time.sleep(0.05)
        assert failed and "server itself" in failed[0]["details"]["detail"]
        assert fake.connections == 0 and fake.data() == b""
    finally:
        fake.close()


def test_a_network_printer_still_prints(app):
    """The office's own setting (conftest: a printer simulator on this machine allowed) keeps printing working."""
    assert _patch(app, "tcp://127.0.0.1:9100").status_code == 200
    assert _stored_url(app) == "tcp://127.0.0.1:9100"
