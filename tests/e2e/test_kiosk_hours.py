"""The office's lunch break: the kiosk gives no ticket and each service says the break; the refusal and the desk
screen say "lunch break until …" (not "closed")."""
from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_kiosk import LANG_BUTTONS, assert_fits, open_kiosk

SERVER_CLOCK = "10:00"   # office time: a lunch break around now, far from midnight (tests/e2e/clocked_server.py)
pytestmark = pytest.mark.e2e
LUNCH = {"kk": "Түскі үзіліс", "ru": "Обеденный перерыв", "en": "Lunch break"}


@pytest.fixture(scope="module")
def at_lunch(live_server):
    """Every weekday open 00:05–23:55 with a lunch break around now (office time)."""
    now = live_server.now()
    lunch = ((now - timedelta(minutes=30)).strftime("%H:%M"), (now + timedelta(minutes=40)).strftime("%H:%M"))
    admin = live_server.session("admin")
    days = [{"weekday": d, "opens": "00:05", "closes": "23:55", "lunch_from": lunch[0], "lunch_to": lunch[1]}
            for d in range(1, 8)]
    assert admin.put(f"{live_server.url}/api/v1/offices/demo/hours", json={"days": days}).status_code == 200
    return live_server, lunch


@pytest.mark.parametrize("size", ["kiosk_portrait", "kiosk_landscape"])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_at_lunch_the_kiosk_gives_no_ticket_and_says_the_hours(at_lunch, new_page, size, lang):
    server, lunch = at_lunch
    page = open_kiosk(new_page(size), server)
    page.get_by_role("button", name=LANG_BUTTONS[lang], exact=True).click()
    first = page.locator("#services .service").first
    expect(first).to_be_visible()
    expect(first.locator(".svc-reason")).to_have_text(f"{LUNCH[lang]}: {lunch[0]}–{lunch[1]}")
    assert first.is_disabled()
    assert_fits(page)
    screenshot(page, f"kiosk-lunch-{lang}-{size}")


UNTIL = {"kk": "Түскі үзіліс {}-қа дейін", "ru": "Обеденный перерыв до {}", "en": "Lunch break until {}"}   # 10:40: қырық


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_at_lunch_the_desk_screen_and_the_refusal_say_lunch_break_until_its_end(at_lunch, new_page, lang):
    server, lunch = at_lunch
    assert lunch[1] == "10:40"
    refused = requests.post(server.url + "/api/v1/tickets", json={"service": 1}, timeout=5,
                            headers={"Authorization": f"Bearer {server.demo['kiosk_token']}"})
    assert refused.status_code == 409
    assert refused.json()["error"]["details"] == {"closed_for": "lunch", "until": lunch[1]}
    page = new_page((1280, 800))
    page.goto(f"{server.url}/display/desk/1?lang={lang}")
    expect(page.locator("#desk-say")).to_have_text(UNTIL[lang].format(lunch[1]))
    screenshot(page, f"desk-screen-lunch-{lang}")


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_at_lunch_a_waiting_tickets_page_says_until_when(at_lunch, new_page, lang):
    server, lunch = at_lunch
    admin = server.session("admin")
    week = admin.get(f"{server.url}/api/v1/offices/demo/hours", timeout=5).json()["days"]
    assert admin.put(f"{server.url}/api/v1/offices/demo/hours", json={"days": []}, timeout=5).ok   # no lunch …
    try:
        ticket = server.issue(2)                                                    # … for the ticket's issue
    finally:
        assert admin.put(f"{server.url}/api/v1/offices/demo/hours", json={"days": week}, timeout=5).ok
    page = new_page("phone")
    page.goto(f"{server.url}/t/{ticket['token']}?lang={lang}")
    expect(page.locator("#lunch")).to_have_text({
        "kk": f"Түскі үзіліс {lunch[1]}-қа дейін: шақыру одан кейін жалғасады.",
        "ru": f"Обеденный перерыв до {lunch[1]}: вызов продолжится после него.",
        "en": f"Lunch break until {lunch[1]}: calls go on after it."}[lang])
    expect(page.locator("#wait")).to_be_hidden()   # no "less than a minute" while nobody is called
    screenshot(page, f"ticket-lunch-{lang}")
