"""The day's checkpoint printed on a kiosk's printer for the notice board: its QR code is the whole signed note."""
from __future__ import annotations

import zxingcpp
from helpers import login
from test_transparency_log import check_note

from kezek.base import database
from kezek.base.clock import utcnow
from kezek.office import accounts
from kezek.web.live import checkpointing
from tests.escpos_raster import decode_paper
from tests.fakes.fake_printer import FakePrinter


def set_printer(app, url: str) -> None:
    db = database.open_db(app.config["DB"])
    try:
        accounts.update_device(db, app.demo["kiosk_id"], utcnow(), printer_url=url, allow_local_printer=True)
    finally:
        db.close()


def test_the_days_checkpoint_prints_with_a_qr_code_of_the_signed_note(app, client, kiosk_headers, clock):
    assert client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).status_code == 201
    checkpointing.checkpoint_once(app)
    clock.advance(hours=14, minutes=1)                 # past midnight in Almaty: 2026-11-23 closes
    checkpointing.checkpoint_once(app)
    c = app.test_client()
    headers = login(c, "admin")
    with FakePrinter("ok") as fake:
        set_printer(app, fake.url)
        answer = c.post("/api/v1/log/print", json={"device": app.demo["kiosk_id"]}, headers=headers)
        fake.wait_quiet()
        paper = decode_paper(fake.data())
    assert answer.status_code == 200 and answer.get_json()["printed"] is True
    assert answer.get_json()["checkpoint"]["day"] == "2026-11-23"
    [note] = [code.text for code in zxingcpp.read_barcodes(paper.convert("L"))]
    key = client.get("/api/v1/log/key").get_data(as_text=True)
    origin, size, _root = check_note(note, key)          # a phone's photo of the notice board verifies
    assert origin == "kezek.test/demo" and size == answer.get_json()["checkpoint"]["size"]


def test_printing_the_checkpoint_is_for_admins_on_a_network_printer(app, client, operator):
    checkpointing.checkpoint_once(app)
    c, headers = operator
    assert c.post("/api/v1/log/print", json={"device": app.demo["kiosk_id"]}, headers=headers).status_code == 403
    admin = app.test_client()
    h = login(admin, "admin")
    set_printer(app, "usb://04b8:0e15")                  # the kiosk PC's agent drives it, not the server
    refused = admin.post("/api/v1/log/print", json={"device": app.demo["kiosk_id"]}, headers=h)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "printer_not_driven_here"
    assert admin.post("/api/v1/log/print", json={"device": 999}, headers=h).status_code == 404
