"""The booking page's day list on a phone: only the days the office is open, all of them in view, no sideways strip."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e
SERVER_CLOCK = "10:00"   # office time: the day's slots lie ahead whatever the hour (tests/e2e/clocked_server.py)
DAYS_AHEAD = 13
CHOOSE_DAY = {"kk": "Күнді таңдаңыз", "ru": "Выберите день", "en": "Choose a day"}

# Every day card inside the screen, and the list itself never wider than its box.
DAYS_FIT = """() => {
  const box = document.getElementById('days');
  const out = Array.from(box.querySelectorAll('.day'), (el) => el.getBoundingClientRect())
    .filter((r) => r.left < -1 || r.right > innerWidth + 1).length;
  return {outside: out, scroll: box.scrollWidth - box.clientWidth, page: document.scrollingElement.scrollWidth - innerWidth};
}"""


@pytest.fixture(scope="module")
def office(live_server):
    """Service А books on weekdays only, 13 days ahead; the first weekday after tomorrow is a holiday."""
    admin = live_server.session("admin")
    r = admin.put(live_server.url + "/api/v1/services/1/booking-rule",
                  json={"opens": "00:00", "closes": "23:59", "slot_minutes": 30, "capacity": 2,
                        "days_ahead": DAYS_AHEAD})
    assert r.status_code == 200, r.text
    r = admin.patch(live_server.url + "/api/v1/booking-config/settings", json={"weekdays": [1, 2, 3, 4, 5]})
    assert r.status_code == 200, r.text
    today = live_server.now().date()
    holiday = next(today + timedelta(days=n) for n in range(2, 9) if (today + timedelta(days=n)).isoweekday() <= 5)
    r = admin.post(live_server.url + "/api/v1/booking-config/holidays", json={"day": holiday.isoformat(),
                                                                               "name": "e2e holiday"})
    assert r.status_code == 201, r.text
    live_server.holiday = holiday
    live_server.today = today
    return live_server


def open_days(page, server, lang):
    page.goto(f"{server.url}/book/?lang={lang}")
    page.locator("#services .service[data-service-id='1']").click()
    expect(page.locator("#step-slots h2").first).to_have_text(CHOOSE_DAY[lang])
    expect(page.locator("#days .day").first).to_be_visible()
    return [date.fromisoformat(d) for d in page.eval_on_selector_all("#days .day", "els => els.map(e => e.dataset.day)")]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_day_list_leaves_out_closed_days(office, new_page, lang):
    page = new_page("phone")
    listed = open_days(page, office, lang)
    expected = [office.today + timedelta(days=n) for n in range(DAYS_AHEAD + 1)]
    expected = [d for d in expected if d.isoweekday() <= 5 and d != office.holiday]
    assert listed == expected, f"listed {listed}"
    screenshot(page, f"book-days-{lang}")


@pytest.mark.parametrize("size", [(360, 740), (320, 640), (412, 915)])
def test_every_day_is_in_view_without_a_sideways_strip(office, new_page, size):
    page = new_page(size)
    open_days(page, office, "kk")
    fit = page.evaluate(DAYS_FIT)
    assert fit == {"outside": 0, "scroll": 0, "page": 0}, fit


def test_the_booking_page_keeps_the_language_the_visitor_chose_on_the_board(office, new_page):
    page = new_page("phone", locale="ru-RU")                        # the phone speaks Russian: the page does not care
    page.goto(f"{office.url}/book/")
    expect(page.locator("#step-services h1")).to_have_text("Алдын ала жазылу")
    page.goto(f"{office.url}/board/")
    page.get_by_role("button", name="English").click()
    page.goto(f"{office.url}/book/")
    expect(page.locator("#step-services h1")).to_have_text("Book a visit")
    page.reload()
    expect(page.locator("#step-services h1")).to_have_text("Book a visit")
