"""Appointments in real Chromium: book on the phone, check in at the kiosk with the code, be called, see the report."""
from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, screenshot, wait_js
from tests.e2e.test_kiosk import WAIT_MS, assert_fits, open_kiosk

pytestmark = pytest.mark.e2e
SERVER_CLOCK = "10:00"   # office time: the day's slots lie ahead whatever the hour (tests/e2e/clocked_server.py)
LANGS = ("kk", "ru", "en")
BOOKED = {"kk": "Сіз жазылдыңыз", "ru": "Вы записаны", "en": "Booked"}
I_HAVE = {"kk": "Менде алдын ала жазылу бар", "ru": "У меня есть запись", "en": "I have a booking"}
LANG_BUTTONS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
ANOTHER_DAY = {"kk": "Сол күні келіңіз", "ru": "Приходите в этот день", "en": "Please come back that day"}
# Today's first free time is under the office's 30 minutes of lead time: it queues as a walk-in, and both say so.
SOON = {"kk": "жалпы кезекте күтесіз", "ru": "в общей очереди", "en": "wait in the common queue"}


@pytest.fixture(scope="module")
def office(live_server):
    """Service А takes bookings all day, every day, 15-minute slots, five bookings a slot."""
    admin = live_server.session("admin")
    r = admin.put(live_server.url + "/api/v1/services/1/booking-rule",
                  json={"opens": "00:00", "closes": "23:59", "slot_minutes": 15, "capacity": 5, "days_ahead": 7})
    assert r.status_code == 200, r.text
    r = admin.patch(live_server.url + "/api/v1/booking-config/settings", json={"weekdays": [1, 2, 3, 4, 5, 6, 7]})
    assert r.status_code == 200, r.text
    return live_server


def book_on_phone(page, server, lang) -> dict:
    page.goto(f"{server.url}/book/?lang={lang}")
    expect(page.locator("#step-services")).to_be_visible(timeout=WAIT_MS)
    screenshot(page, f"book-{lang}-1-services")
    page.locator("#services .service").first.click()
    expect(page.locator("#times .time").first).to_be_visible(timeout=WAIT_MS)
    chosen = page.locator("#days .day.chosen")
    assert chosen.get_attribute("data-day") == server.now().date().isoformat()
    screenshot(page, f"book-{lang}-2-slots")
    time = page.locator("#times .time").first.inner_text()
    page.locator("#times .time").first.click()
    expect(page.locator("#step-confirm")).to_be_visible()
    expect(page.locator("#confirm-walk-in")).to_contain_text(SOON[lang])
    page.fill("#phone", "+7 701 000 00 0" + str(LANGS.index(lang)))
    screenshot(page, f"book-{lang}-3-confirm")
    page.locator("#btn-book").click()
    expect(page.locator("#step-booking")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#booking-state")).to_have_text(BOOKED[lang])
    code = page.locator("#booking-code").inner_text().replace(" ", "")
    assert len(code) == 8 and code.isdigit()
    assert page.url.endswith(f"/book/{code}")
    assert page.locator("#booking-time").inner_text() == time
    expect(page.locator("#booking-walk-in")).to_contain_text(SOON[lang])
    wait_js(page, "document.getElementById('booking-qr').naturalWidth > 0")
    screenshot(page, f"book-{lang}-4-booking")
    page.screenshot(path=str(SCREENSHOTS / f"book-{lang}-5-booking-full.png"), full_page=True)
    fits = page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    assert fits, "the booking page scrolls sideways on a phone"
    return {"code": code, "time": time}


def test_book_on_the_phone_check_in_at_the_kiosk_be_called_and_counted(office, new_page):
    server = office
    booked = {lang: book_on_phone(new_page("phone"), server, lang) for lang in LANGS}

    # The booking's own page, opened again from its address, shows it; moving and cancelling live there.
    again = new_page("phone")
    again.goto(f"{server.url}/book/{booked['en']['code']}?lang=en")
    expect(again.locator("#booking-code")).to_have_text(booked["en"]["code"][:4] + " " + booked["en"]["code"][4:])
    expect(again.locator("#btn-cancel")).to_be_visible()

    tickets = {}
    for lang, size in (("kk", "kiosk_portrait"), ("ru", "kiosk_landscape"), ("en", "kiosk_portrait")):
        page = open_kiosk(new_page(size), server)
        if lang == "kk":
            page.get_by_role("button", name=I_HAVE["kk"]).click()                 # from the start screen
        else:
            page.get_by_role("button", name=LANG_BUTTONS[lang]).click()
            page.locator("#screen-services .btn-booking").click()                  # from the services screen
        expect(page.locator("#screen-booking")).to_be_visible()
        code = booked[lang]["code"]
        if lang == "ru":
            # A USB scanner types the QR's address and Enter.
            page.keyboard.type(f"{server.url}/book/{code}")
            screenshot(page, f"kiosk-checkin-{lang}-keypad")
            page.keyboard.press("Enter")
        else:
            for digit in code:
                page.locator(f"#keypad [data-key='{digit}']").click()
            expect(page.locator("#code-cells .code-cell").nth(7)).to_have_text(code[7])
            assert_fits(page)
            screenshot(page, f"kiosk-checkin-{lang}-keypad")
            page.locator("#btn-check-in").click()
        expect(page.locator("#screen-ticket")).to_be_visible(timeout=WAIT_MS)
        expect(page.locator("#ticket-appointment")).to_contain_text(booked[lang]["time"])
        expect(page.locator("#ticket-walk-in")).to_contain_text(SOON[lang])
        expect(page.locator("#ticket-walk-in")).to_contain_text("30")
        # The QR image has loaded (no wait_for_function: the page's CSP forbids string evaluation).
        expect(page.locator("#ticket-qr")).to_have_js_property("complete", True)
        assert page.locator("#ticket-qr").evaluate("img => img.naturalWidth") > 0
        tickets[lang] = page.locator("#ticket-number").inner_text()
        assert tickets[lang].startswith("А")
        screenshot(page, f"kiosk-checkin-{lang}-ticket")

    # Too early: a booking for tomorrow says which day and time to come back.
    tomorrow = requests.get(f"{server.url}/api/v1/booking/services/1/days", timeout=5).json()["days"][1]["day"]
    slot = requests.get(f"{server.url}/api/v1/booking/services/1/slots?day={tomorrow}", timeout=5).json()["slots"][40]
    later = requests.post(f"{server.url}/api/v1/bookings", json={"service": 1, "at": slot["at"]}, timeout=5).json()
    for lang in LANGS:
        page = open_kiosk(new_page("kiosk_portrait"), server)
        page.get_by_role("button", name=LANG_BUTTONS[lang]).click()
        page.locator("#screen-services .btn-booking").click()
        page.keyboard.type(later["code"])
        page.keyboard.press("Enter")
        expect(page.locator("#notice-text")).to_contain_text(ANOTHER_DAY[lang], timeout=WAIT_MS)
        expect(page.locator("#notice-text")).to_contain_text(".".join(reversed(tomorrow.split("-"))))
        expect(page.locator("#notice-text")).to_contain_text(later["time"])
        screenshot(page, f"kiosk-checkin-{lang}-too-early")

    # On the booking's own page: change the time, then cancel; the slot is free again.
    page = new_page("phone")
    page.goto(f"{server.url}/book/{later['code']}?lang=ru")
    expect(page.locator("#booking-time")).to_have_text(later["time"])
    page.locator("#btn-move").click()
    expect(page.locator("#times .time").first).to_be_visible(timeout=WAIT_MS)
    page.locator(f"#days .day[data-day='{tomorrow}']").click()
    expect(page.locator(f"#times .time[data-at='{later['at']}']")).to_be_visible(timeout=WAIT_MS)
    target = page.locator("#times .time").nth(41)
    new_time = target.inner_text()
    target.click()
    expect(page.locator("#btn-book")).to_have_text("Перенести на это время")
    page.locator("#btn-book").click()
    expect(page.locator("#booking-time")).to_have_text(new_time, timeout=WAIT_MS)
    page.locator("#btn-cancel").click()
    page.locator("#btn-cancel-yes").click()
    expect(page.locator("#booking-state")).to_have_text("Запись отменена.", timeout=WAIT_MS)
    screenshot(page, "book-ru-6-cancelled")
    cancelled = requests.get(f"{server.url}/api/v1/bookings/{later['code']}", timeout=5).json()
    assert cancelled["status"] == "cancelled" and cancelled["time"] == new_time

    # Called at the desk: booked too late to go ahead, they queue by arrival (nobody walked in).
    operator = server.session("operator1")
    called = operator.post(f"{server.url}/api/v1/desks/2/call-next", json={}, timeout=5)
    assert called.status_code == 200 and called.json()["number"] == tickets["kk"]
    assert operator.post(f"{server.url}/api/v1/tickets/{called.json()['id']}/start", json={}).status_code == 200
    assert operator.post(f"{server.url}/api/v1/tickets/{called.json()['id']}/finish", json={}).status_code == 200

    # The bookings report counts them.
    report = server.session("manager").get(f"{server.url}/api/v1/stats/bookings?to={tomorrow}", timeout=5).json()
    total = report["total"]
    assert total["checked_in"] == 3 and total["bookings"] == 4 and total["cancelled"] == 1
    assert total["booked_visits"] == 3
    assert total["visits"] == 3 and total["booked_share"] == 1.0
    assert total["punctuality"]["called"] == 1
