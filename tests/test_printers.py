"""Ticket printers: URLs, status, and no ticket printed later for someone who has left."""
import time
from datetime import datetime, timezone

import pytest
import zxingcpp

from kezek.base import i18n
from kezek.printers.drawing import TicketPrint, render_ticket
from kezek.printers.driver import CLEAR_BUFFERS, parse_printer_url, print_ticket, printer_status
from tests.escpos_raster import decode_paper
from tests.fakes.fake_printer import FakePrinter

# A behaviour bound (the kiosk must not hang), generous on purpose: not a benchmark.
FEW_SECONDS = 8


@pytest.fixture(scope="module", autouse=True)
def catalogues():
    i18n.compile_catalogues()


def ticket(**changes) -> TicketPrint:
    values = dict(office_name="Бостандық ауданы ХҚКО", number="Қ042", service_name="Әлеуметтік көмек",
                  people_ahead=3, estimated_wait_s=540,
                  issued_at=datetime(2026, 3, 2, 4, 5, tzinfo=timezone.utc), timezone="Asia/Almaty",
                  url="https://kezek.example.kz/t/Zq81mXb2Lr7NcV0pYt5a", lang="kk")
    values.update(changes)
    return TicketPrint(**values)


def test_printer_urls_name_the_connection_and_the_paper():
    tcp = parse_printer_url("tcp://192.168.1.50")
    assert (tcp.kind, tcp.target, tcp.port, tcp.paper_width, tcp.status) == ("tcp", "192.168.1.50", 9100, 576, True)
    usb = parse_printer_url("usb://04B8:0E15?profile=TM-T20II&out_ep=0x01")
    assert (usb.kind, usb.target, usb.paper_width, usb.options) == ("usb", "04b8:0e15", 576, {"out_ep": 1})
    serial = parse_printer_url("serial:///dev/ttyUSB0?baudrate=19200&width=384")
    assert (serial.target, serial.options, serial.layout_width) == ("/dev/ttyUSB0", {"baudrate": 19200}, 384)
    lp = parse_printer_url("file:///dev/usb/lp0")
    assert (lp.kind, lp.target, lp.status) == ("file", "/dev/usb/lp0", False)
    cups = parse_printer_url("cups://Kiosk_Printer?cut=partial")
    assert (cups.kind, cups.target, cups.cut) == ("cups", "Kiosk_Printer", "partial")
    assert parse_printer_url("none").kind == parse_printer_url("").kind == "none"


def test_the_profile_chooses_the_layout_for_its_paper():
    assert parse_printer_url("tcp://p?profile=TM-T88V").layout_width == 512  # 180 dpi
    assert parse_printer_url("tcp://p?profile=ZJ-5870").layout_width == 384  # 58 mm
    assert parse_printer_url("tcp://p?profile=CT-S651").paper_width == 640
    assert parse_printer_url("tcp://p?profile=CT-S651").layout_width == 576
    assert parse_printer_url("tcp://p?profile=TM-T88V&width=576").layout_width == 576


@pytest.mark.parametrize("url", ["lpt://x", "tcp://", "usb://4b8", "tcp://p?paper=80",
                                 "tcp://p?profile=NoSuchModel", "tcp://p?width=200", "serial://ttyUSB0",
                                 "tcp://p?timeout=60", "tcp://p?status=maybe"])
def test_a_wrong_printer_url_is_refused_with_a_reason(url):
    with pytest.raises(ValueError):
        parse_printer_url(url)


def test_a_ticket_comes_out_exactly_as_rendered_and_its_qr_opens_the_ticket_page():
    with FakePrinter("ok") as fake:
        result = print_ticket(parse_printer_url(fake.url), ticket())
        fake.wait_quiet()
        data = fake.data()
    assert result.ok and result.status.state == "ok", result
    paper = decode_paper(data)
    assert paper.tobytes() == render_ticket(ticket(), 576).tobytes()
    assert [c.text for c in zxingcpp.read_barcodes(paper.convert("L"))] == [ticket().url]
    assert data.rfind(b"\x1dV") > data.rfind(b"\x1dv0")  # cut after the picture
    assert CLEAR_BUFFERS not in data


def test_a_180_dpi_printer_gets_the_512_dot_ticket():
    with FakePrinter("ok") as fake:
        result = print_ticket(parse_printer_url(fake.url + "?profile=TM-T88V"), ticket(lang="ru"))
        fake.wait_quiet()
        paper = decode_paper(fake.data())
    assert result.ok
    assert paper.tobytes() == render_ticket(ticket(lang="ru"), 512).tobytes()


def test_paper_near_end_still_prints_and_says_so():
    with FakePrinter("paper_near_end") as fake:
        result = print_ticket(parse_printer_url(fake.url), ticket())
        fake.wait_quiet()
        assert decode_paper(fake.data()) is not None
    assert result.ok and result.status.state == "paper_near_end"


@pytest.mark.parametrize("mode, state", [("paper_out", "paper_out"), ("cover_open", "cover_open"),
                                         ("silent", "unknown"), ("refused", "offline")])
def test_a_printer_that_cannot_print_gets_no_job_and_the_kiosk_is_told_quickly(mode, state):
    with FakePrinter(mode) as fake:
        started = time.monotonic()
        result = print_ticket(parse_printer_url(fake.url), ticket())
        elapsed = time.monotonic() - started
        # Paper is loaded / the cover is shut: nothing must come out for the visitor who left.
        if mode in ("paper_out", "cover_open"):
            fake.set_mode("ok")
        fake.wait_quiet(0.5)
        data = fake.data()
    assert not result.ok
    assert result.status.state == state, result
    assert result.error
    assert elapsed < FEW_SECONDS
    assert decode_paper(data) is None
    assert data.replace(b"\x10\x04\x01", b"").replace(b"\x10\x04\x02", b"").replace(b"\x10\x04\x04", b"") == b""


def test_paper_running_out_mid_ticket_is_reported_and_the_rest_is_dropped():
    with FakePrinter("ok", runs_out_at=20_000) as fake:
        result = print_ticket(parse_printer_url(fake.url), ticket())
        fake.wait_quiet()
        data = fake.data()
    assert not result.ok and result.status.state == "paper_out"
    assert data.endswith(CLEAR_BUFFERS)


@pytest.mark.parametrize("mode, state", [("ok", "ok"), ("paper_near_end", "paper_near_end"),
                                         ("paper_out", "paper_out"), ("cover_open", "cover_open"),
                                         ("silent", "unknown"), ("refused", "offline")])
def test_printer_status_reports_what_the_printer_says(mode, state):
    with FakePrinter(mode) as fake:
        status = printer_status(parse_printer_url(fake.url))
        fake.wait_quiet()
        assert decode_paper(fake.data()) is None
    assert status.state == state


def test_changing_the_paper_makes_the_printer_ready_again():
    with FakePrinter("paper_out") as fake:
        spec = parse_printer_url(fake.url)
        assert not print_ticket(spec, ticket()).ok
        fake.set_mode("ok")
        assert print_ticket(spec, ticket()).ok
        fake.wait_quiet()
        assert decode_paper(fake.data()).height == render_ticket(ticket(), 576).height


def test_no_printer_is_reported_at_once_without_trying():
    spec = parse_printer_url("none")
    result = print_ticket(spec, ticket())
    assert not result.ok and result.status.state == "none"
    assert printer_status(spec).state == "none"


def test_a_missing_device_file_is_offline_not_an_exception(tmp_path):
    spec = parse_printer_url(f"file://{tmp_path}/no-such-dir/lp0")
    result = print_ticket(spec, ticket())
    assert not result.ok and result.status.state == "offline" and result.error


def test_a_device_file_printer_is_sent_the_job_blind(tmp_path):
    device = tmp_path / "lp0"
    result = print_ticket(parse_printer_url(f"file://{device}?width=384"), ticket())
    assert result.ok and result.status.state == "unknown"
    assert decode_paper(device.read_bytes()).tobytes() == render_ticket(ticket(), 384).tobytes()
