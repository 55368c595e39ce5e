"""The hall display in real Chromium: live calls, the voice queue, recovery after drops and restarts."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import axe_check, wait_js

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
SIZES = {"tv": (1920, 1080), "tv_portrait": (1080, 1920)}
# An unattended TV is started with the autoplay flag, so announcements play without a tap.
TV_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--autoplay-policy=no-user-gesture-required"]
WAIT_MS = 60000


@pytest.fixture(scope="module")
def tv_browser(browser):
    """A second Chromium with the TV's autoplay flag, from the shared fixture's Playwright
    (only one sync Playwright may run in a process)."""
    b = browser.browser_type.launch(executable_path=CHROMIUM, args=TV_ARGS, headless=True)
    yield b
    b.close()


@pytest.fixture
def tv(tv_browser, live_server):
    """tv(query="", size="tv") -> a display page that has its first snapshot."""
    contexts = []

    def open_display(query: str = "", size: str = "tv", browser=None):
        width, height = SIZES[size]
        context = (browser or tv_browser).new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/display/{query}")
        wait_js(page, "() => window.kezekDisplay && kezekDisplay.state.snapshots > 0", timeout=WAIT_MS)
        page.evaluate("window.kezekNoReload = true")  # gone if the page ever reloads
        return page

    yield open_display
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def operator(live_server):
    return live_server.session("operator1")


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    axe_check(page, name)


def call_next(live_server, operator, desk: int, service: int) -> dict:
    """Issue a ticket for `service` and call the next visitor to `desk`; returns the called ticket."""
    live_server.issue(service)
    response = operator.post(f"{live_server.url}/api/v1/desks/{desk}/call-next", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def wait_shown_now(page, number: str) -> None:
    wait_js(page, "n => document.getElementById('now').dataset.number === n", arg=number,
                           timeout=WAIT_MS)


def spoken_langs(page, number: str) -> list[str]:
    return page.evaluate("n => kezekDisplay.announced.filter(a => a.number === n).map(a => a.lang)", number)


def wait_announced(page, number: str, times: int = 1) -> None:
    """Wait until `number` has been announced (kk then ru) `times` times and the queue is idle."""
    wait_js(page, "([n, k]) => kezekDisplay.announced.filter(a => a.number === n && a.endedAt).length >= 2 * k"
        " && kezekDisplay.queueLength() === 0", arg=[number, times], timeout=WAIT_MS)


def test_an_operators_call_appears_on_the_display_and_is_announced(tv, live_server, operator):
    page = tv()
    assert page.evaluate("kezekDisplay.soundOn()")
    ticket = call_next(live_server, operator, desk=2, service=1)
    wait_shown_now(page, ticket["number"])
    assert page.inner_text("#now-number") == ticket["number"]
    assert page.inner_text("#now-desk") == "2"
    assert "2-терезеге келіңіз" in page.inner_text("#now-say")
    wait_announced(page, ticket["number"])
    assert spoken_langs(page, ticket["number"]) == ["kk", "ru"]
    assert page.evaluate("kezekDisplay.speech()") is True
    assert page.evaluate("window.kezekNoReload")


def test_two_quick_calls_are_both_shown_and_announced_in_order_without_overlap(tv, live_server, operator):
    page = tv()
    first = call_next(live_server, operator, desk=3, service=2)
    second = call_next(live_server, operator, desk=6, service=7)
    wait_shown_now(page, second["number"])
    assert page.locator(f"#recent li[data-number='{first['number']}']").inner_text().split() == [
        first["number"], "3"]
    wait_announced(page, second["number"])
    record = page.evaluate("kezekDisplay.announced.filter(a => !a.test)")
    assert [(a["number"], a["lang"]) for a in record] == [
        (first["number"], "kk"), (first["number"], "ru"), (second["number"], "kk"), (second["number"], "ru")]
    for before, after in zip(record, record[1:]):
        assert after["startedAt"] >= before["endedAt"], "two announcements overlapped"


def test_a_recall_is_shown_again_and_announced_again(tv, live_server, operator):
    page = tv()
    ticket = call_next(live_server, operator, desk=4, service=4)
    later = call_next(live_server, operator, desk=5, service=5)
    wait_shown_now(page, later["number"])
    wait_announced(page, ticket["number"])
    response = operator.post(f"{live_server.url}/api/v1/tickets/{ticket['id']}/recall", timeout=10)
    assert response.status_code == 200, response.text
    wait_shown_now(page, ticket["number"])  # the recalled ticket is the newest call again
    wait_announced(page, ticket["number"], times=2)
    assert spoken_langs(page, ticket["number"]) == ["kk", "ru", "kk", "ru"]


def test_calls_made_during_a_network_drop_are_shown_and_announced_after_it(tv, live_server, operator):
    page = tv()
    page.context.set_offline(True)
    page.wait_for_selector("#kezek-offline:not([hidden])", timeout=WAIT_MS)
    missed = call_next(live_server, operator, desk=1, service=6)
    page.wait_for_timeout(500)
    assert page.evaluate("document.getElementById('now').dataset.number") != missed["number"]
    page.context.set_offline(False)
    wait_shown_now(page, missed["number"])
    page.wait_for_selector("#kezek-offline", state="hidden", timeout=WAIT_MS)
    wait_announced(page, missed["number"])
    assert page.evaluate("window.kezekNoReload")


def test_after_a_server_restart_the_display_shows_the_calls_without_a_reload(tv, live_server, operator):
    page = tv("?viewing_m=3")   # a small office: several recent calls fit at the letters 3 m need
    before = call_next(live_server, operator, desk=2, service=1)
    wait_shown_now(page, before["number"])
    live_server.stop()
    page.wait_for_selector("#kezek-offline:not([hidden])", timeout=WAIT_MS)
    screenshot(page, "display_offline_tv")
    live_server.start()
    # Calls made at once after the start, likely before the display is back.
    op = live_server.session("operator1")
    first = call_next(live_server, op, desk=3, service=3)
    second = call_next(live_server, op, desk=6, service=7)
    wait_shown_now(page, second["number"])
    assert page.locator(f"#recent li[data-number='{first['number']}']").count() == 1
    assert page.locator(f"#recent li[data-number='{before['number']}']").count() == 1
    page.wait_for_selector("#kezek-offline", state="hidden", timeout=WAIT_MS)
    wait_announced(page, second["number"])
    assert page.evaluate("window.kezekNoReload")


def test_a_paired_display_shows_only_its_services_in_its_language(tv, live_server, operator):
    admin = live_server.session("admin")
    device = f"{live_server.url}/api/v1/devices/{live_server.demo['display_id']}"
    settings = {"services": [7], "lang": "ru", "voice": ["ru"]}
    assert admin.patch(device, json={"settings": settings}, timeout=10).status_code == 200
    for service in (7, 1):   # the waiting part shows the services people wait for: one of its own, one not
        live_server.issue(service)
    try:
        page = tv(f"?token={live_server.demo['display_token']}")
        assert "token=" not in page.url  # the token is kept in the browser, not in the address bar
        assert page.text_content(".display-brand [data-i18n]") == "Электронная очередь"
        assert [li.get_attribute("data-service") for li in page.query_selector_all("#waiting li")] == ["7"]
        other = call_next(live_server, operator, desk=2, service=1)
        mine = call_next(live_server, operator, desk=6, service=7)
        wait_shown_now(page, mine["number"])
        wait_announced_once = "n => kezekDisplay.announced.some(a => a.number === n && a.endedAt)"
        wait_js(page, wait_announced_once, arg=mine["number"], timeout=WAIT_MS)
        assert spoken_langs(page, mine["number"]) == ["ru"]
        assert page.locator(f"#recent li[data-number='{other['number']}']").count() == 0
        assert spoken_langs(page, other["number"]) == []
        page.reload()  # still paired: the token came from localStorage
        wait_js(page, "() => kezekDisplay.state.snapshots > 0 && kezekDisplay.state.device !== null",
                               timeout=WAIT_MS)
        assert page.evaluate("kezekDisplay.state.device.id") == live_server.demo["display_id"]
    finally:
        admin.patch(device, json={"settings": {}}, timeout=10)


def test_without_sound_the_hall_sees_a_small_sign_and_staff_find_the_controls_by_a_long_press(tv, browser):
    page = tv(browser=browser)  # the shared browser: a TV nobody set up for sound
    if page.evaluate("kezekDisplay.soundOn()"):
        pytest.skip("this Chromium allows sound without a gesture")
    # The public footer holds no buttons: only a small "sound off" sign.
    assert page.is_visible("#sound-sign") and page.inner_text("#sound-sign-text") == "Дыбыс өшірулі"
    assert page.is_hidden("#sound-enable") and page.is_hidden("#sound-test")
    sign = page.locator("#sound-sign").bounding_box()
    assert sign["height"] < 1080 * 0.04 and sign["width"] < 1920 * 0.15, sign
    screenshot(page, "display_sound_off_tv_kk")
    page.mouse.click(960, 540)                  # a tap is the gesture sound waits for; it opens nothing
    wait_js(page, "() => kezekDisplay.soundOn()", timeout=WAIT_MS)
    page.wait_for_timeout(1800)
    assert page.is_hidden("#staff") and page.is_hidden("#sound-sign")
    page.mouse.move(960, 540)
    page.mouse.down()
    page.wait_for_timeout(1800)                 # a long press: the staff's panel
    page.mouse.up()
    assert page.is_visible("#staff") and page.inner_text("#sound-state") == "Дыбыс қосулы"
    screenshot(page, "display_staff_panel_tv_kk")
    page.click("#sound-test")
    wait_js(page, "() => kezekDisplay.announced.filter(a => a.test && a.endedAt).length === 2",
                           timeout=WAIT_MS)
    page.click("#staff-close")
    assert page.is_hidden("#staff")


@pytest.mark.parametrize("lang,labels", [
    ("kk", ("Электрондық кезек", "Соңғы шақырулар", "Күтуде")),
    ("ru", ("Электронная очередь", "Последние вызовы", "Ожидают")),
    ("en", ("Electronic queue", "Recent calls", "Waiting")),
])
@pytest.mark.parametrize("size", ["tv", "tv_portrait"])
def test_screenshots_at_tv_size_in_every_language(tv, live_server, operator, lang, labels, size):
    if lang == "kk" and size == "tv":
        for desk, service in ((1, 1), (3, 2), (4, 3), (5, 4)):
            call_next(live_server, operator, desk, service)
        for service in (1, 1, 2, 4, 5, 7):
            live_server.issue(service)
    page = tv(f"?lang={lang}&viewing_m=3", size=size)   # a small office: several recent calls fit
    assert (page.text_content(".display-brand [data-i18n]"), page.text_content(".display-recent .display-section-title"),
            page.text_content(".display-waiting .display-section-title")) == labels
    assert page.inner_text("#clock-time")
    assert page.locator("#recent li").count() >= 3
    # Everything fits: nothing spills out of the screen.
    overflow = page.evaluate("document.documentElement.scrollWidth > innerWidth"
                             " || document.documentElement.scrollHeight > innerHeight")
    assert not overflow
    page.wait_for_timeout(3500)  # let the blink of a new call end
    screenshot(page, f"display_{size}_{lang}")
