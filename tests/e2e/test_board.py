"""The open board in real Chromium: public, numbers only, updated live."""
from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

SERVER_CLOCK = "10:00"   # office time: the day's slots lie ahead whatever the hour (tests/e2e/clocked_server.py)
pytestmark = pytest.mark.e2e


def test_the_open_board_shows_waiting_and_served_counts_and_updates_live(live_server, new_page):
    op = live_server.session("operator1")
    first = live_server.issue(2)
    live_server.issue(2)
    op.post(f"{live_server.url}/api/v1/desks/3/call-next").raise_for_status()
    op.post(f"{live_server.url}/api/v1/tickets/{first['id']}/start").raise_for_status()
    op.post(f"{live_server.url}/api/v1/tickets/{first['id']}/finish").raise_for_status()

    page = new_page("tv")
    page.goto(f"{live_server.url}/board/demo?lang=ru")
    row = page.locator("#rows tr", has_text="Земельные отношения")
    expect(row.locator("td").nth(1)).to_have_text("1")        # waiting
    expect(row.locator("td").nth(3)).to_have_text("1")        # served today
    assert first["number"] not in page.content()               # numbers of people are not shown
    screenshot(page, "board_tv_ru")

    live_server.issue(2)                                       # queue.changed reaches the board
    expect(row.locator("td").nth(1)).to_have_text("2")

    phone = new_page("phone")
    phone.goto(f"{live_server.url}/board/")
    expect(phone.locator("#rows tr").first).to_be_visible()
    expect(phone.locator("th").first).to_have_text("Қызмет")
    screenshot(phone, "board_phone_kk")
    phone.click(".langs button[data-lang=en]")
    expect(phone.locator("#rows")).to_contain_text("Land relations")
    screenshot(phone, "board_phone_en")


def test_the_open_board_shows_free_booking_times_today_and_they_fall_after_a_booking(live_server, new_page):
    admin = live_server.session("admin")
    r = admin.put(live_server.url + "/api/v1/services/1/booking-rule",
                  json={"opens": "00:00", "closes": "23:59", "slot_minutes": 15, "capacity": 1})
    assert r.status_code == 200, r.text
    r = admin.patch(live_server.url + "/api/v1/booking-config/settings", json={"weekdays": [1, 2, 3, 4, 5, 6, 7]})
    assert r.status_code == 200, r.text
    before = free_today(live_server, 1)

    page = new_page("tv")
    page.goto(f"{live_server.url}/board/demo?lang=ru")
    row = page.locator("#slots tr[data-service='1']")
    expect(row.locator("td").nth(0)).to_contain_text("ЗАГС: регистрация рождения")
    expect(row.locator("td").nth(1)).to_have_text(str(before["free_slots"]))
    expect(row.locator("td").nth(2)).to_have_text(before["next_free"])
    expect(page.locator("#book-link")).to_have_attribute("href", "/book/?office=demo")
    screenshot(page, "board_slots_tv_ru")

    # A visitor books the next free time on the public API; the board shows one free time fewer
    # at its next refresh (here: the next queue change, else within 30 s).
    slot = next(s for s in requests.get(f"{live_server.url}/api/v1/booking/services/1/slots",
                                        params={"day": before["day"]}, timeout=5).json()["slots"]
                if s["free"] and s["time"] == before["next_free"])
    booked = requests.post(f"{live_server.url}/api/v1/bookings", json={"service": 1, "at": slot["at"]}, timeout=5)
    assert booked.status_code == 201, booked.text
    after = free_today(live_server, 1)
    assert after["free_slots"] < before["free_slots"] and after["next_free"] != before["next_free"]
    live_server.issue(2)
    expect(row.locator("td").nth(1)).to_have_text(str(after["free_slots"]))
    expect(row.locator("td").nth(2)).to_have_text(after["next_free"])

    phone = new_page("phone")
    phone.goto(f"{live_server.url}/board/")
    expect(phone.locator("#booking h2")).to_have_text("Бүгін алдын ала жазылуға бос уақыт")
    expect(phone.locator("#slots tr[data-service='1'] td").nth(1)).to_have_text(str(after["free_slots"]))
    phone.locator("#booking").scroll_into_view_if_needed()
    screenshot(phone, "board_slots_phone_kk")
    phone.click(".langs button[data-lang=en]")
    expect(phone.locator("#booking h2")).to_have_text("Free booking times today")
    phone.locator("#booking").scroll_into_view_if_needed()
    screenshot(phone, "board_slots_phone_en")
    assert phone.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), "the board scrolls sideways"


def free_today(server, service_id: int) -> dict:
    """The public figures the board shows for a service, with today's office-local day."""
    answer = requests.get(f"{server.url}/api/v1/slots/today", timeout=5).json()
    found = next(s for s in answer["services"] if s["service_id"] == service_id)
    return {**found, "day": server.now().date().isoformat()}
