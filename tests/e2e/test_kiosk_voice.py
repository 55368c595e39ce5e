"""The kiosk's voice guide in real Chromium: the USB numeric keypad alone, kk/ru/en, to a ticket; what it said."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_check, screenshot, wait_js
from tests.e2e.test_kiosk import assert_fits, open_kiosk, short_idle_server, ticket_on_screen  # noqa: F401
from tests.e2e.test_kiosk_big_office import big_server  # noqa: F401  (the 20-body, 120-service office)

pytestmark = pytest.mark.e2e

LANG_INDEX = {"kk": 0, "ru": 1, "en": 2}
PAPER = ["Photograph this code", "Осы кодты суретке түсіріңіз", "Сфотографируйте этот код",
         "Printing your ticket…", "Талон басылып жатыр…", "Печать талона…",
         # no printer at this kiosk: the ticket on screen is the ticket (#19)
         "Scan the code: it opens your ticket on your phone.", "Кодты сканерлеңіз: талоныңыз телефоныңызда ашылады.",
         "Отсканируйте код: талон откроется на вашем телефоне."]
AHEAD = {"kk": "Сіздің алдыңызда", "ru": "Перед вами", "en": "People ahead of you"}
NEXT = {"kk": "Келесі кезек — сіздікі", "ru": "Вы следующий в очереди", "en": "You are next"}


def spoken(page) -> list[dict]:
    return page.evaluate("window.kezekKioskSpoken.slice()")


def press(page, key: str, times: int = 1) -> None:
    """Press a keypad key and listen, as a visitor does: until the kiosk starts saying something new."""
    for _ in range(times):
        count = page.evaluate("window.kezekKioskSpoken.length")
        page.keyboard.press(key)
        wait_js(page, "n => window.kezekKioskSpoken.length > n", count)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_keypad_alone_gets_a_ticket_and_the_kiosk_says_each_step(live_server, new_page, lang):
    page = open_kiosk(new_page("kiosk_portrait"), live_server)
    press(page, "Numpad5")                                   # any key starts the voice guide
    expect(page.locator('#kiosk-tools [data-mode="voice"]')).to_have_attribute("aria-pressed", "true")
    press(page, "Numpad2", LANG_INDEX[lang] + 1)             # down to the language
    assert page.evaluate("document.activeElement.dataset.lang") == lang
    press(page, "NumpadEnter")
    expect(page.locator("#screen-services")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "services-title"   # focus on the new heading
    axe_check(page, f"kiosk-voice-services-{lang}")
    press(page, "Numpad2", 2)                                # Back, then the first service
    service_name = page.evaluate("document.activeElement.querySelector('.svc-name').textContent")
    press(page, "NumpadEnter")
    expect(page.locator("#screen-priority")).to_be_visible()
    press(page, "Numpad2", 2)                                # Back, then "Get a ticket"
    assert page.evaluate("document.activeElement.dataset.priority") == ""
    press(page, "NumpadEnter")
    ticket = ticket_on_screen(page, live_server)
    assert page.evaluate("document.activeElement.id") == "ticket-label"
    wait_js(page, "p => window.kezekKioskSpoken.some(e => p.includes(e.text))", PAPER)
    axe_check(page, f"kiosk-voice-ticket-{lang}")
    screenshot(page, f"kiosk-voice-ticket-{lang}")

    said = spoken(page)
    texts = [e["text"] for e in said]
    assert all("error" not in e for e in said), said
    assert all(e["said"] for e in said), "every phrase came back from the server's speech"
    lang_names = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
    assert lang_names[lang] in texts
    assert service_name in texts                               # the service, when chosen and on the ticket
    at = texts.index(ticket["number"])                         # the ticket screen's part, in order
    ticket_part = said[at - 1:]
    assert ticket_part[0]["screen"] == "ticket"
    assert [e["lang"] for e in ticket_part] == [lang] * len(ticket_part)
    assert ticket_part[2]["text"] == service_name
    assert ticket_part[3]["text"].startswith(AHEAD[lang]) or ticket_part[3]["text"] == NEXT[lang]
    assert any(e["text"] in PAPER for e in ticket_part[4:]), ticket_part   # where the paper comes out
    # The number is read as words, not as letters and digits.
    assert not any(ch.isdigit() for ch in ticket_part[1]["said"]), ticket_part[1]


def test_i_need_help_reaches_the_operator_and_the_kiosk_says_someone_is_coming(live_server, new_page):
    from tests.e2e.test_operator import open_desk
    desk = open_desk(new_page, live_server, 1)
    kiosk = open_kiosk(new_page("kiosk_landscape"), live_server)
    kiosk.get_by_role("button", name="Русский", exact=True).click()
    kiosk.keyboard.press("NumpadMultiply")                    # the keypad's "I need help" key
    expect(kiosk.locator("#help-text")).to_have_text("Помощь идёт: сотрудник вызван.")
    alert = desk.locator("#help-calls .kezek-help-call")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("a visitor needs help")
    screenshot(desk, "operator-help-call")
    alert.get_by_role("button", name="I am going").click()
    expect(kiosk.locator("#help-text")).to_have_text("К вам уже идёт сотрудник.")
    expect(alert).to_have_count(0)
    wait_js(kiosk, "t => window.kezekKioskSpoken.some(e => e.text === t && e.lang === 'ru')",
            "К вам уже идёт сотрудник.")
    screenshot(kiosk, "kiosk-help-coming-landscape")


def test_need_more_time_warns_before_the_reset_and_gives_the_time_again(short_idle_server, new_page):
    page = open_kiosk(new_page("kiosk_portrait"), short_idle_server)   # idle 3 s
    page.get_by_role("button", name="English", exact=True).click()
    warning = page.locator("#more-time")
    expect(warning).to_be_visible(timeout=10_000)
    expect(page.locator("#more-time-left")).to_contain_text("Back to the start in")
    expect(page.locator("#screen-services")).to_be_visible()           # nothing was reset yet
    screenshot(page, "kiosk-more-time-portrait")
    page.get_by_role("button", name="More time").click()
    expect(warning).to_be_hidden()
    page.wait_for_timeout(2000)
    expect(page.locator("#screen-services")).to_be_visible()           # the time was given again
    expect(warning).to_be_visible(timeout=10_000)                       # and warned again before the reset
    expect(page.locator("#screen-start")).to_be_visible(timeout=15_000)
    expect(warning).to_be_hidden()


def test_larger_text_and_high_contrast_in_one_touch_and_reset_for_the_next_visitor(live_server, new_page):
    for size in ("kiosk_portrait", "kiosk_landscape"):
        page = open_kiosk(new_page(size), live_server)
        page.locator('#kiosk-tools [data-mode="large"]').click()
        page.locator('#kiosk-tools [data-mode="contrast"]').click()
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
        assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > 1.25 * 0.023 * min(
            page.viewport_size["width"], page.viewport_size["height"])       # the text is larger
        assert_fits(page)                                                    # and everything still fits
        screenshot(page, f"kiosk-modes-start-{size}")
        page.get_by_role("button", name="English", exact=True).click()
        expect(page.locator("#screen-services")).to_be_visible()
        assert_fits(page)
        screenshot(page, f"kiosk-modes-services-{size}")
        page.locator('#services .service[data-service-id="1"]').click()
        page.locator('#screen-priority [data-priority=""]').click()
        expect(page.locator("#screen-ticket")).to_be_visible()
        assert_fits(page)
        screenshot(page, f"kiosk-modes-ticket-{size}")
        page.locator("#screen-ticket [data-action=home]").click()
        expect(page.locator("#screen-start")).to_be_visible()
        assert page.evaluate("document.documentElement.className") == ""   # the next visitor: plain kiosk
        page.locator('#kiosk-tools [data-mode="large"]').click()
        page.get_by_role("button", name="English", exact=True).click()
        page.locator("#screen-services [data-action=back]").click()
        expect(page.locator("#screen-start")).to_be_visible()
        assert page.evaluate("document.documentElement.className") == ""   # the next visitor: plain kiosk


def press_until(page, key: str, expression: str, limit: int = 60) -> None:
    """Press `key` (listening each time) until `expression` is true of the focused element."""
    for _ in range(limit):
        if page.evaluate(f"(el => Boolean({expression}))(document.activeElement)"):
            return
        press(page, key)
    raise AssertionError(f"never reached: {expression}")


def test_the_keypad_reaches_bodies_pages_and_search_of_a_big_office_and_each_is_spoken(big_server, new_page):
    page = open_kiosk(new_page("kiosk_portrait"), big_server, big_server.big.kiosk_token)
    press(page, "Numpad5")                                   # the voice guide starts
    press(page, "Numpad2")                                   # Қазақша
    press(page, "NumpadEnter")
    expect(page.locator("#screen-services")).to_be_visible()
    wait_js(page, "() => window.kezekKioskSpoken.some(e => e.text === 'Бет: 1 / 4' || /^Бет: 1 \\//.test(e.text))")
    # A body card says its name and how many services it holds.
    press_until(page, "Numpad2", "el.dataset.group !== undefined")
    body = page.evaluate("document.activeElement.querySelector('.svc-name').textContent")
    wait_js(page, "b => window.kezekKioskSpoken.slice(-2).map(e => e.text).join('|') === b + '|Қызметтер: 6'", body)
    # The next page, chosen and spoken.
    press_until(page, "Numpad2", "el.dataset.page === '1'")
    press(page, "NumpadEnter")
    wait_js(page, "() => window.kezekKioskSpoken.some(e => /^Бет: 2 \\//.test(e.text))")
    press_until(page, "Numpad8", "el.dataset.group !== undefined")
    body = page.evaluate("document.activeElement.querySelector('.svc-name').textContent")
    press(page, "NumpadEnter")
    expect(page.locator("#services-title")).to_have_text(body)
    assert spoken(page)[-1]["text"] == body or body in [e["text"] for e in spoken(page)[-3:]]
    # Back to the start of the finder, then search: the keyboard's letters are spoken and so is what was found.
    press(page, "NumpadDecimal")
    press_until(page, "Numpad8", "el.dataset.nav === 'search'")
    press(page, "NumpadEnter")
    expect(page.locator("#screen-search")).to_be_visible()
    wait_js(page, "() => window.kezekKioskSpoken.some(e => e.text === 'Іздеу')")
    for letter in "паспорт":                                  # 2 moves on, wrapping round the screen's options
        press_until(page, "Numpad2", f"el.dataset.char === '{letter}'", limit=80)
        press(page, "NumpadEnter")
    wait_js(page, "() => window.kezekKioskSpoken.slice(-2).map(e => e.text).join('|') === 'Т|Табылды: 2'")
    said = spoken(page)
    assert all("error" not in e for e in said), [e for e in said if "error" in e]
    press_until(page, "Numpad8", "el.dataset.serviceId")
    press(page, "NumpadEnter")
    expect(page.locator("#screen-priority")).to_be_visible()
    press_until(page, "Numpad2", "el.dataset.priority === ''")
    press(page, "NumpadEnter")
    ticket_on_screen(page, big_server)
    screenshot(page, "kiosk-voice-big-ticket-kk")
