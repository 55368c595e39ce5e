"""Bookings in the admin screen, real Chromium: set a service's booking rule and the office's booking
settings (bad values refused next to the field), add a holiday and a closed time, then a visitor books,
checks in and is served, and the bookings report shows it."""
from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, SCREENSHOTS, screenshot
from tests.e2e.test_admin import sign_in

SERVER_CLOCK = "10:00"   # office time: the day's slots lie ahead whatever the hour (tests/e2e/clocked_server.py)
pytestmark = pytest.mark.e2e
HOUSING = 3          # В, "Housing and utilities": takes no bookings in the demo; desk 3 serves it




def test_admin_sets_a_booking_rule_then_a_booked_visit_shows_in_the_bookings_report(live_server, new_page):
    page = new_page("desk")
    sign_in(page, live_server.url, "admin")
    page.click("[data-tab=bookings]")
    row = page.locator(f"#b-rules tr[data-service='{HOUSING}']")
    expect(row.locator("td").nth(1)).to_have_text("no")
    row.get_by_role("button", name="Edit").click()
    form = page.locator("#rule-form")
    form.locator("[name=enabled]").check()
    form.locator("[name=slot_minutes]").fill("3")                # too short: refused next to the field
    form.locator("[name=capacity]").fill("2")
    form.locator("[name=opens]").fill("00:00")
    form.locator("[name=closes]").fill("23:59")
    form.locator("[name=early_min]").fill("60")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-error-for=slot_minutes]")).to_contain_text("A whole number of minutes from 5 to 240.")
    expect(form.locator("[name=slot_minutes]")).to_have_attribute("aria-invalid", "true")
    form.locator("[name=slot_minutes]").fill("15")
    form.locator("[name=lunch_from]").fill("14:00")              # lunch needs its end too
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-error-for=lunch_from]")).to_contain_text("give both times")
    screenshot(page, "admin_bookings_rule_error_en")
    form.locator("[name=lunch_from]").fill("")
    form.locator("button[type=submit]").click()
    expect(form).to_be_hidden()
    expect(row.locator("td").nth(1)).to_have_text("yes")
    expect(row.locator("td").nth(3)).to_have_text("2")
    expect(row.locator("td").nth(5)).to_have_text("00:00–23:59")

    settings = page.locator("#booking-settings-form")
    settings.locator("[name=appointments_in_row]").fill("99")
    settings.locator("button[type=submit]").click()
    expect(settings.locator("[data-error-for=appointments_in_row]")).to_contain_text("A whole number from 0 to 50.")
    settings.locator("[name=appointments_in_row]").fill("2")
    for box in settings.locator("#b-weekdays input").all():      # every day, so that today takes bookings
        box.check()
    settings.locator("button[type=submit]").click()
    expect(page.locator("#notice")).to_have_text("Saved.")

    holiday = (live_server.now().date() + timedelta(days=20)).isoformat()
    page.click("[data-tab=office]")            # a holiday closes the whole office: it is set with the hours
    page.fill("#holiday-form [name=day]", holiday)
    page.fill("#holiday-form [name=name]", "Independence Day")
    page.click("#holiday-form button[type=submit]")
    expect(page.locator("#b-holidays")).to_contain_text("Independence Day")
    page.click("[data-tab=bookings]")
    closed = (live_server.now().date() + timedelta(days=1)).isoformat()
    page.fill("#closed-form [name=day]", closed)
    page.fill("#closed-form [name=slot_time]", "25:00")
    page.click("#closed-form button[type=submit]")
    expect(page.locator("#closed-form [data-error-for=slot_time]")).to_contain_text("A time as HH:MM, or empty.")
    page.fill("#closed-form [name=slot_time]", "10:30")
    page.select_option("#closed-form [name=service]", str(HOUSING))
    page.fill("#closed-form [name=reason]", "Staff training")
    page.click("#closed-form button[type=submit]")
    expect(page.locator("#b-closed tr", has_text="Staff training")).to_contain_text("10:30")
    screenshot(page, "admin_bookings_en")
    page.screenshot(path=str(SCREENSHOTS / "admin_bookings_en_full.png"), full_page=True)

    # The saved configuration is what the API serves.
    config = live_server.session("admin").get(live_server.url + "/api/v1/booking-config").json()
    assert config["settings"]["appointments_in_row"] == 2 and config["settings"]["weekdays"] == [1, 2, 3, 4, 5, 6, 7]
    assert config["rules"][str(HOUSING)]["capacity"] == 2 and config["rules"][str(HOUSING)]["early_min"] == 60
    assert any(h["day"] == holiday for h in config["holidays"])
    slots = requests.get(f"{live_server.url}/api/v1/booking/services/{HOUSING}/slots", params={"day": closed},
                         timeout=5).json()["slots"]
    assert next(s for s in slots if s["time"] == "10:30")["free"] == 0

    # A visitor books the next free time, checks in at the kiosk, is called and served at desk 3.
    today = live_server.now().date().isoformat()
    slot = next(s for s in requests.get(f"{live_server.url}/api/v1/booking/services/{HOUSING}/slots",
                                        params={"day": today}, timeout=5).json()["slots"] if s["free"])
    booking = requests.post(f"{live_server.url}/api/v1/bookings", json={"service": HOUSING, "at": slot["at"]}, timeout=5)
    assert booking.status_code == 201, booking.text
    code = booking.json()["code"]
    ticket = requests.post(f"{live_server.url}/api/v1/bookings/{code}/check-in", json={"lang": "en"}, timeout=5,
                           headers={"Authorization": f"Bearer {live_server.demo['kiosk_token']}"})
    assert ticket.status_code == 201, ticket.text
    op = live_server.session("operator1")
    called = op.post(f"{live_server.url}/api/v1/desks/3/call-next")
    assert called.status_code == 200 and called.json()["id"] == ticket.json()["id"], called.text
    op.post(f"{live_server.url}/api/v1/tickets/{ticket.json()['id']}/start").raise_for_status()
    op.post(f"{live_server.url}/api/v1/tickets/{ticket.json()['id']}/finish").raise_for_status()
    requests.post(f"{live_server.url}/api/v1/bookings", json={"service": HOUSING, "at": slot["at"]},
                  timeout=5).raise_for_status()                  # a second booking, not kept yet

    page.click("[data-tab=reports]")
    card = page.locator("#rb-card")
    expect(card.locator("[data-key=bookings] strong")).to_have_text("2")
    expect(card.locator("[data-key=checked_in] strong")).to_have_text("1")
    expect(card.locator("[data-key=on_time_share] strong")).to_have_text("100%")
    line = card.locator(f"#rb-body tr[data-service='{HOUSING}']")
    expect(line).to_contain_text("Housing and utilities")
    cells = line.locator("td")
    expect(cells.nth(1)).to_have_text("2")       # bookings
    expect(cells.nth(2)).to_have_text("1")       # checked in
    expect(cells.nth(5)).to_have_text("1")       # upcoming
    expect(cells.nth(7)).to_have_text("100%")    # booked share of this service's visits
    assert cells.nth(8).inner_text() != "—"      # call delay vs the slot (negative: called before it)
    card.scroll_into_view_if_needed()
    screenshot(page, "admin_bookings_report_en")

    for lang, tab, title in (("kk", "Алдын ала жазылу", "Есептер"), ("ru", "Предварительная запись", "Отчёты")):
        page.click(f".ad-lang[data-lang={lang}]")
        expect(page.locator("[data-tab=bookings]")).to_have_text(tab)
        expect(card.locator("h2")).to_have_text(tab)
        card.scroll_into_view_if_needed()
        screenshot(page, f"admin_bookings_report_{lang}")
        page.click("[data-tab=bookings]")
        expect(page.locator(f"#b-rules tr[data-service='{HOUSING}'] td").nth(5)).to_have_text("00:00–23:59")
        screenshot(page, f"admin_bookings_{lang}")
        page.click("[data-tab=reports]")
        expect(page.locator("[data-tab=reports]")).to_have_text(title)


def test_a_manager_sees_the_bookings_report_but_not_the_bookings_settings(live_server, new_page):
    page = new_page("desk")
    sign_in(page, live_server.url, "manager", lang="ru")
    expect(page.locator("[data-tab=bookings]")).to_be_hidden()
    page.click("[data-tab=reports]")
    expect(page.locator("#rb-card h2")).to_have_text("Предварительная запись")
    expect(page.locator("#rb-card [data-key=no_show_share] span")).to_have_text("Доля неявок")


def test_a_signed_in_staff_member_can_book_on_the_public_booking_page(live_server, new_page):
    """The page sends the session's CSRF token when this browser is signed in (else the write is refused)."""
    admin = live_server.session("admin")
    admin.put(live_server.url + "/api/v1/services/1/booking-rule", json={"opens": "00:00", "closes": "23:59"},
              timeout=5).raise_for_status()
    admin.patch(live_server.url + "/api/v1/booking-config/settings", json={"weekdays": [1, 2, 3, 4, 5, 6, 7]},
                timeout=5).raise_for_status()
    page = new_page("phone")
    signed = page.context.request.post(live_server.url + "/api/v1/login",
                                       data={"username": "operator1", "password": DEMO_PASSWORD})
    assert signed.status == 200
    page.goto(f"{live_server.url}/book/?lang=en")
    page.locator("#services .service").first.click()
    page.locator("#times .time").first.click()
    page.locator("#btn-book").click()
    expect(page.locator("#step-booking")).to_be_visible()
    code = page.locator("#booking-code").inner_text().replace(" ", "")
    assert requests.get(f"{live_server.url}/api/v1/bookings/{code}", timeout=5).json()["status"] == "booked"
