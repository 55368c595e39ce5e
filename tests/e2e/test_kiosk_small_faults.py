"""#19's kiosk faults in real Chromium: no printer is a normal ticket, "You are next", an early check-in may
take a regular ticket, a wrong booking code stays for correction, А with one waiting shows its estimate."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_admin import sign_in
from tests.e2e.test_kiosk import LANG_BUTTONS, assert_fits, open_kiosk, ticket_on_screen

SERVER_CLOCK = "10:00"   # office time: the day's slots lie ahead whatever the hour (tests/e2e/clocked_server.py)
pytestmark = pytest.mark.e2e

NEXT = {"kk": "Келесі кезек — сіздікі", "ru": "Вы следующий в очереди", "en": "You are next"}
NOT_FOUND = {"kk": "Брондау табылмады", "ru": "Бронь не найдена", "en": "Booking not found"}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_no_printer_gives_a_normal_ticket_and_nobody_ahead_says_you_are_next(live_server, new_page, lang):
    page = open_kiosk(new_page("kiosk_portrait"), live_server)
    page.get_by_role("button", name=LANG_BUTTONS[lang], exact=True).click()
    service = 7 - ["kk", "ru", "en"].index(lang)          # Ж, Е, Д: one each, nobody waiting before
    assert requests.get(live_server.url + "/api/v1/services", timeout=5).json()["services"][service - 1]["waiting"] == 0
    page.locator(f'#services [data-service-id="{service}"]').click()
    page.locator('#screen-priority [data-priority=""]').click()
    ticket = ticket_on_screen(page, live_server)
    assert ticket["people_ahead"] == 0
    expect(page.locator("#ticket-ahead")).to_have_text(NEXT[lang])
    expect(page.locator("#print-status")).to_have_attribute("data-state", "screen")   # not the amber warning
    expect(page.locator("#btn-reprint")).to_be_hidden()
    expect(page.locator("#ticket-desks")).to_be_visible()
    assert_fits(page)
    screenshot(page, f"kiosk-ticket-no-printer-{lang}")


def test_a_wrong_booking_code_stays_selected_and_the_next_digit_starts_again(live_server, new_page):
    page = open_kiosk(new_page("kiosk_landscape"), live_server)
    page.get_by_role("button", name="English", exact=True).click()
    page.locator("#screen-services .btn-booking").click()
    for digit in "12345678":
        page.locator(f"#keypad [data-key='{digit}']").click()
    page.locator("#btn-check-in").click()
    expect(page.locator("#notice-text")).to_contain_text(NOT_FOUND["en"])
    page.locator('#notice [data-action="dismiss"]').click()
    cells = page.locator("#code-cells .code-cell")
    assert [cells.nth(i).inner_text() for i in range(8)] == list("12345678")   # kept, to correct
    expect(page.locator("#code-cells")).to_have_class("code-cells wrong")
    screenshot(page, "kiosk-checkin-wrong-code-en")
    page.locator("#keypad [data-key='erase']").click()                          # Erase corrects the last digit
    assert [cells.nth(i).inner_text() for i in range(8)] == list("1234567") + [""]
    page.locator("#keypad [data-key='9']").click()
    page.locator("#btn-check-in").click()
    expect(page.locator("#notice-text")).to_contain_text(NOT_FOUND["en"])
    page.locator('#notice [data-action="dismiss"]').click()
    page.locator("#keypad [data-key='5']").click()                              # a digit starts a new code
    assert [cells.nth(i).inner_text() for i in range(8)] == ["5"] + [""] * 7


def test_checking_in_too_early_offers_a_regular_ticket(live_server, new_page):
    now = live_server.now()
    admin = live_server.session("admin")
    admin.put(live_server.url + "/api/v1/services/1/booking-rule", json={
        "opens": "00:00", "closes": "23:59", "slot_minutes": 15, "capacity": 5, "days_ahead": 7}).raise_for_status()
    admin.patch(live_server.url + "/api/v1/booking-config/settings", json={"weekdays": [1, 2, 3, 4, 5, 6, 7]})
    today = now.date().isoformat()
    slots = requests.get(f"{live_server.url}/api/v1/booking/services/1/slots?day={today}", timeout=5).json()["slots"]
    later = [s for s in slots if s.get("free", 1) and datetime.fromisoformat(s["at"].replace("Z", "+00:00"))
             > now + timedelta(hours=2)]
    booking = requests.post(f"{live_server.url}/api/v1/bookings", json={"service": 1, "at": later[0]["at"]},
                            timeout=5).json()
    page = open_kiosk(new_page("kiosk_portrait"), live_server)
    page.get_by_role("button", name="Русский", exact=True).click()
    page.locator("#screen-services .btn-booking").click()
    page.keyboard.type(booking["code"])
    page.keyboard.press("Enter")
    expect(page.locator("#screen-late")).to_be_visible()
    expect(page.locator("#late-title")).to_contain_text("Вы пришли рано")
    expect(page.locator("#btn-late-ticket")).to_be_visible()
    assert_fits(page)
    screenshot(page, "kiosk-checkin-early-ru")
    page.locator("#btn-late-ticket").click()
    page.locator('#screen-priority [data-priority=""]').click()
    ticket = ticket_on_screen(page, live_server)
    assert ticket["service_id"] == 1 and ticket["lang"] == "ru"
    # The booking stays: the visitor may still come back at its time.
    assert requests.get(f"{live_server.url}/api/v1/bookings/{booking['code']}", timeout=5).json()["status"] == "booked"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_an_admin_sets_search_words_other_bodies_and_most_asked_and_the_kiosks_catalogue_has_them(live_server, new_page, lang):
    page = new_page((1366, 768))
    sign_in(page, live_server.url, "admin", lang)
    page.click("[data-tab=services]")
    card = page.locator("#kiosk-finding")
    expect(card).to_be_visible()
    card.locator("#kf-service").select_option("2")
    words = {"kk": "жер телімі", "ru": "участок", "en": "plot of land"}[lang]
    card.locator("[name=synonyms]").fill(words)
    card.locator("[name=bodies]").fill("ХҚКО | ЦОН | Public Service Centre")
    card.locator("#kiosk-words-form button[type=submit]").click()
    expect(card.locator("#kiosk-words-form [data-status]")).not_to_be_empty()
    card.locator("[name=prefixes]").fill("Б Q")                       # a prefix that does not exist
    card.locator("#kiosk-top-form button[type=submit]").click()
    expect(card.locator('#kiosk-top-form [data-error-for="service_ids"]')).to_contain_text("Q")
    card.locator("[name=prefixes]").fill("Б А")
    card.locator("#kiosk-top-form button[type=submit]").click()
    expect(card.locator("#kiosk-top-form [data-status]")).not_to_be_empty()
    card.scroll_into_view_if_needed()
    screenshot(page, f"admin-kiosk-finding-{lang}")
    seen = requests.get(live_server.url + "/api/v1/kiosk/catalogue", timeout=5).json()
    assert seen["synonyms"]["2"] == [words] and seen["most_asked"] == [2, 1]
    assert seen["bodies"]["2"] == [{"group_kk": "ХҚКО", "group_ru": "ЦОН", "group_en": "Public Service Centre"}]
    requests_session = live_server.session("admin")
    requests_session.put(live_server.url + "/api/v1/kiosk/most-asked", json={"service_ids": []}).raise_for_status()
