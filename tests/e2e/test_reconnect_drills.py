"""Drill: kiosk, hall display, operator desk and ticket page open together; the server goes down,
the office moves on without it, the server comes back — every screen shows the truth by itself."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from kezek.base import database
from kezek.base.clock import utcnow
from kezek.queue import tickets
from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, screenshot, wait_js

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
WAIT_MS = 45000
Б, Г = 2, 4          # services; desk 3 serves Б and В, desk 5 serves Г Д Е (demo office)
DOWN_S = 15          # a real restart or network drop lasts a while: screens must keep on trying


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # The kiosk stays on its services screen for the whole drill (it goes home after 20 s idle).
    s = LiveServer(tmp_path_factory.mktemp("drills"), env={"KEZEK_KIOSK_IDLE_S": "3600"})
    s.start()
    yield s
    s.stop()


def _no_reload(page) -> None:
    page.evaluate("window.kezekDrill = true")   # gone if the page ever reloads


def _still_same_page(page) -> bool:
    return page.evaluate("window.kezekDrill === true")


def _open_screens(server, new_page, mine):
    kiosk = new_page("kiosk_portrait")
    kiosk.goto(f"{server.url}/kiosk/?token={server.demo['kiosk_token']}")
    expect(kiosk.locator("#screen-start")).to_be_visible(timeout=WAIT_MS)
    kiosk.get_by_role("button", name="English", exact=True).click()
    expect(kiosk.locator(f'#services [data-service-id="{Б}"]')).to_be_visible(timeout=WAIT_MS)

    display = new_page("tv")
    display.goto(f"{server.url}/display/")
    wait_js(display, "() => window.kezekDisplay && kezekDisplay.state.snapshots > 0", timeout=WAIT_MS)

    desk = new_page("desk")
    desk.goto(f"{server.url}/operator/?lang=en")
    desk.wait_for_selector("#op-login-form", state="visible", timeout=WAIT_MS)
    desk.fill("#op-username", "operator2")
    desk.fill("#op-password", DEMO_PASSWORD)
    desk.click("#op-login-submit")
    desk.click('.op-desk-choice[data-desk="3"]', timeout=WAIT_MS)
    desk.wait_for_selector('body[data-desk-state="idle"]', state="attached", timeout=WAIT_MS)

    phone = new_page("phone")
    phone.goto(mine["url"] + "?lang=en")
    expect(phone.locator("#number")).to_have_text(mine["number"], timeout=WAIT_MS)
    pages = {"kiosk": kiosk, "display": display, "operator": desk, "ticket": phone}
    for page in pages.values():
        _no_reload(page)
    return pages


def _waiting_on_kiosk(kiosk, service: int, n: int) -> None:
    expect(kiosk.locator(f'#services [data-service-id="{service}"] .svc-meta')).to_have_text(
        re.compile(rf"\b{n}\b") if n else re.compile(r"No queue"), timeout=WAIT_MS)


def _waiting_on_display(display, service: int, n: int) -> None:
    expect(display.locator(f'#waiting li[data-service="{service}"] .display-waiting-count')).to_have_text(
        str(n), timeout=WAIT_MS)


def test_every_screen_recovers_the_true_state_after_a_restart_by_itself(server, new_page):
    # Only the visitor's ticket waits for Б; Г has two waiting.
    mine = server.issue(Б)
    others = [server.issue(Г) for _ in range(2)]
    pages = _open_screens(server, new_page, mine)
    _waiting_on_kiosk(pages["kiosk"], Б, 1)
    _waiting_on_display(pages["display"], Б, 1)
    expect(pages["operator"].locator("#op-in-queue")).to_have_text("In queue: 1", timeout=WAIT_MS)
    for name, page in pages.items():
        screenshot(page, f"drill-{name}-before")          # each screenshot runs axe-core on the screen as it is

    server.stop()
    expect(pages["kiosk"].locator("#screen-offline")).to_be_visible(timeout=WAIT_MS)
    pages["display"].wait_for_selector("#kezek-offline:not([hidden])", timeout=WAIT_MS)
    pages["operator"].wait_for_selector("#kezek-offline:not([hidden])", timeout=WAIT_MS)
    for name, page in pages.items():
        screenshot(page, f"drill-{name}-offline")

    # While the server is down the office goes on (another server process, or a restored backup):
    # three more Б tickets, the visitor is called to desk 3, a Г ticket is served at desk 5.
    db = database.open_db(server.db)
    try:
        for _ in range(3):
            tickets.issue(db, Б, utcnow())
        called = tickets.call_next(db, 3, utcnow()).ticket
        tickets.call_next(db, 5, utcnow())
    finally:
        db.close()
    assert called["token"] == mine["token"]
    time.sleep(DOWN_S)

    server.start()
    kiosk, display, desk, phone = pages["kiosk"], pages["display"], pages["operator"], pages["ticket"]
    expect(kiosk.locator("#screen-offline")).to_be_hidden(timeout=WAIT_MS)
    _waiting_on_kiosk(kiosk, Б, 3)
    _waiting_on_kiosk(kiosk, Г, 1)
    # Both calls made while it was down: the newest big, the visitor's among the recent ones.
    expect(display.locator("#now-number")).to_have_text(others[0]["number"], timeout=WAIT_MS)
    expect(display.locator(f"#recent li[data-number='{mine['number']}']")).to_have_count(1, timeout=WAIT_MS)
    _waiting_on_display(display, Б, 3)
    _waiting_on_display(display, Г, 1)
    expect(desk.locator("#op-current-number")).to_have_text(mine["number"], timeout=WAIT_MS)
    expect(desk.locator("#op-in-queue")).to_have_text("In queue: 3", timeout=WAIT_MS)
    expect(phone.locator("#go")).to_have_text("Please go to desk 3", timeout=WAIT_MS)
    for name, page in pages.items():
        expect(page.locator("#kezek-offline")).to_be_hidden(timeout=WAIT_MS)
        screenshot(page, f"drill-{name}-recovered")

    # After the reconnect the screens are in their rooms again: live pushes arrive.
    staff = server.session("operator2")
    nxt = staff.post(f"{server.url}/api/v1/desks/3/call-next", timeout=10).json()
    expect(desk.locator("#op-current-number")).to_have_text(nxt["number"], timeout=WAIT_MS)
    expect(display.locator("#now-number")).to_have_text(nxt["number"], timeout=WAIT_MS)
    _waiting_on_kiosk(kiosk, Б, 2)
    expect(phone.locator("#go")).to_be_hidden(timeout=WAIT_MS)   # the visitor missed the call: no-show
    expect(phone.locator("#ended-title")).to_be_visible(timeout=WAIT_MS)
    for name, page in pages.items():
        assert _still_same_page(page), f"the {name} page reloaded"
        screenshot(page, f"drill-{name}-after")
