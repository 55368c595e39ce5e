"""The screen above a desk in real Chromium: it follows its desk's calls and pauses, and recovers by itself."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot, wait_js

pytestmark = pytest.mark.e2e

SIZES = {"tablet": (1280, 800), "small": (1024, 600)}
SAY = {"kk": ("Кіріңіз", "Үзілісте"), "ru": ("Проходите", "Перерыв"), "en": ("Please come in", "Paused")}
BOX = """() => { const r = document.getElementById('desk-number').getBoundingClientRect();
  return {h: r.height, top: r.top, bottom: r.bottom, left: r.left, right: r.right, vw: innerWidth, vh: innerHeight,
          font: parseFloat(getComputedStyle(document.getElementById('desk-number')).fontSize),
          scroll: document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth}; }"""


@pytest.fixture(scope="module")
def operator(live_server):
    return live_server.session("operator1")


def open_desk(new_page, live_server, desk: int, query: str = "", size: str = "tablet"):
    page = new_page(SIZES[size])
    page.goto(f"{live_server.url}/display/desk/{desk}{query}")
    wait_js(page, "() => window.kezekDesk && kezekDesk.state.snapshots > 0")
    page.evaluate("window.kezekNoReload = true")   # gone if the page ever reloads
    return page


@pytest.mark.parametrize("size", ["tablet", "small"])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_desk_screen_follows_its_desks_calls_and_pauses(new_page, live_server, operator, lang, size):
    desk = {"kk": 3, "ru": 4, "en": 5}[lang]
    page = open_desk(new_page, live_server, desk, f"?lang={lang}", size)
    assert page.get_attribute("#desk", "data-state") in ("free", "called", "serving")
    service = {3: 2, 4: 3, 5: 4}[desk]
    ticket = live_server.issue(service)
    r = operator.post(f"{live_server.url}/api/v1/desks/{desk}/call-next", timeout=10)
    assert r.status_code == 200
    number = r.json()["number"]
    wait_js(page, "n => document.getElementById('desk-number').textContent === n", number)
    assert page.get_attribute("#desk", "data-state") == "called"
    assert page.inner_text("#desk-say") == SAY[lang][0]
    box = page.evaluate(BOX)
    assert not box["scroll"] and box["top"] >= 0 and box["bottom"] <= box["vh"] and box["right"] <= box["vw"]
    assert box["h"] >= box["vh"] * 0.25, box          # large: a quarter of the screen's height at least
    page.wait_for_timeout(3500)   # the blink ends
    screenshot(page, f"desk_display_called_{size}_{lang}")
    # Finished, then paused with a reason the screen never shows.
    operator.post(f"{live_server.url}/api/v1/tickets/{ticket['id']}/start", timeout=10)
    operator.post(f"{live_server.url}/api/v1/tickets/{ticket['id']}/finish", timeout=10)
    wait_js(page, "() => document.getElementById('desk').dataset.state === 'free'")
    operator.post(f"{live_server.url}/api/v1/desks/{desk}/pause", json={"reason": "врачқа барамын"}, timeout=10)
    try:
        wait_js(page, "() => document.getElementById('desk').dataset.state === 'paused'")
        assert page.inner_text("#desk-say") == SAY[lang][1]
        assert "врач" not in page.content()
        screenshot(page, f"desk_display_paused_{size}_{lang}")
    finally:
        operator.post(f"{live_server.url}/api/v1/desks/{desk}/resume", timeout=10)
    wait_js(page, "() => document.getElementById('desk').dataset.state === 'free'")
    screenshot(page, f"desk_display_free_{size}_{lang}")


def test_the_desk_screen_ignores_other_desks(new_page, live_server, operator):
    page = open_desk(new_page, live_server, 6, "?lang=kk")
    live_server.issue(1)
    assert operator.post(f"{live_server.url}/api/v1/desks/2/call-next", timeout=10).status_code == 200
    page.wait_for_timeout(1500)
    assert page.text_content("#desk-number") == ""
    assert page.evaluate("kezekDesk.arrivals.length") == 0


def test_after_a_server_restart_the_desk_screen_shows_the_next_call_without_a_reload(new_page, live_server, operator):
    page = open_desk(new_page, live_server, 2, "?lang=kk")
    live_server.stop()
    wait_js(page, "() => document.body.classList.contains('desk-offline')", timeout=30000)
    live_server.start()
    session = live_server.session("operator1")
    live_server.issue(1)
    r = session.post(f"{live_server.url}/api/v1/desks/2/call-next", timeout=10)
    assert r.status_code == 200
    wait_js(page, "n => document.getElementById('desk-number').textContent === n", r.json()["number"], timeout=40000)
    assert page.evaluate("window.kezekNoReload === true")
    assert not page.evaluate("document.body.classList.contains('desk-offline')")
