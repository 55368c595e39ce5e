"""What to bring, in real Chromium: the kiosk's "i" on a service card (no ticket taken), the ticket page and the
booking page show the visitor's service's description and documents, in kk, ru and en."""
from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, screenshot, wait_js
from tests.e2e.test_kiosk import WAIT_MS, open_kiosk

pytestmark = pytest.mark.e2e
LANG_BUTTONS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
TITLE = {"kk": "Өзіңізбен бірге алыңыз", "ru": "Что взять с собой", "en": "What to bring"}
INFO = {"description": {"kk": "Туу, неке, қайтыс болуды тіркеу және куәліктің телнұсқасы",
                        "ru": "Регистрация рождения, брака, смерти и дубликаты свидетельств",
                        "en": "Registering a birth, a marriage or a death, and duplicate certificates"},
        "documents": [{"kk": "Жеке куәлік", "ru": "Удостоверение личности", "en": "Identity card"},
                      {"kk": "Бұрынғы куәлік (бар болса)", "ru": "Прежнее свидетельство (если есть)",
                       "en": "The old certificate (if any)"},
                      {"kk": "Мемлекеттік баж төленгені туралы түбіртек", "ru": "Квитанция об оплате госпошлины",
                       "en": "Receipt for the state fee"}]}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = LiveServer(tmp_path_factory.mktemp("info"), clock="10:00")   # the day's slots lie ahead
    s.start()
    admin = s.session("admin")
    assert admin.put(f"{s.url}/api/v1/services/1/info", json=INFO, timeout=10).status_code == 200
    yield s
    s.stop()


def waiting(server, service: int) -> int:
    services = requests.get(server.url + "/api/v1/services", timeout=5).json()["services"]
    return next(s["waiting"] for s in services if s["id"] == service)


@pytest.mark.parametrize("size", ["kiosk_portrait", "kiosk_landscape"])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_kiosk_shows_what_to_bring_behind_an_i_without_taking_a_ticket(server, new_page, size, lang):
    page = open_kiosk(new_page(size), server)
    page.get_by_role("button", name=LANG_BUTTONS[lang], exact=True).click()
    button = page.locator('#services .kinfo-button[data-info-for="1"]')
    expect(button).to_be_visible(timeout=WAIT_MS)
    # Only the service that has something to say gets an "i". (The "i"s are placed again a
    # frame after the grid is redrawn, e.g. by the language change or a queue update.)
    expect(page.locator("#services .kinfo-button")).to_have_count(1)
    card = page.locator('#services .service[data-service-id="1"]').bounding_box()
    box = button.bounding_box()
    assert card["x"] < box["x"] and box["x"] + box["width"] <= card["x"] + card["width"] + 1
    assert card["y"] <= box["y"] and box["y"] + box["height"] <= card["y"] + card["height"] + 1
    assert box["height"] >= 90   # as large as every kiosk button
    screenshot(page, f"kiosk-info-button-{lang}-{size}")
    before = waiting(server, 1)
    button.click()
    dialog = page.locator("#kiosk-info")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(TITLE[lang])
    expect(dialog).to_contain_text(INFO["description"][lang])
    for doc in INFO["documents"]:
        expect(dialog.locator("li", has_text=doc[lang])).to_be_visible()
    screenshot(page, f"kiosk-info-{lang}-{size}")
    page.locator("#kiosk-info-close").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#screen-services")).to_be_visible()   # still choosing: nothing was taken
    assert waiting(server, 1) == before


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_ticket_page_shows_what_to_bring_for_the_visitor_s_service(server, new_page, lang):
    ticket = server.issue(1, lang=lang)
    page = new_page("phone")
    page.goto(ticket["url"])
    section = page.locator("#service-info")
    expect(section).to_be_visible(timeout=WAIT_MS)
    expect(section).to_contain_text(TITLE[lang])
    for doc in INFO["documents"]:
        expect(section).to_contain_text(doc[lang])
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    section.scroll_into_view_if_needed()
    screenshot(page, f"ticket-info-{lang}")
    # A service without information shows nothing of the kind.
    other = new_page("phone")
    other.goto(server.issue(2, lang=lang)["url"])
    wait_js(other, "() => document.getElementById('service') !== null")
    other.wait_for_timeout(500)
    assert other.locator("#service-info").is_hidden()


def test_the_booking_page_shows_what_to_bring_before_and_after_booking(server, new_page):
    admin = server.session("admin")
    r = admin.put(server.url + "/api/v1/services/1/booking-rule",
                  json={"opens": "00:00", "closes": "23:59", "slot_minutes": 15, "capacity": 5, "days_ahead": 7})
    assert r.status_code == 200, r.text
    r = admin.patch(server.url + "/api/v1/booking-config/settings", json={"weekdays": [1, 2, 3, 4, 5, 6, 7]})
    assert r.status_code == 200, r.text
    page = new_page("phone")
    page.goto(f"{server.url}/book/?lang=ru")
    expect(page.locator("#step-services")).to_be_visible(timeout=WAIT_MS)
    page.locator("#services .service").first.click()
    expect(page.locator("#times .time").first).to_be_visible(timeout=WAIT_MS)
    page.locator("#times .time").first.click()
    expect(page.locator("#confirm-info")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#confirm-info")).to_contain_text("Удостоверение личности")
    page.fill("#phone", "+7 701 000 00 09")
    page.locator("#btn-book").click()
    expect(page.locator("#step-booking")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#booking-info")).to_contain_text(TITLE["ru"])
    page.locator("button[data-lang='kk']").click()
    expect(page.locator("#booking-info")).to_contain_text("Жеке куәлік")
    page.locator("#booking-info").scroll_into_view_if_needed()
    screenshot(page, "book-info-kk")
