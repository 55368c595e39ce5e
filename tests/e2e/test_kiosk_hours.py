"""The kiosk in the office's lunch break: no ticket, and each service says today's hours and the lunch break."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_kiosk import LANG_BUTTONS, assert_fits, open_kiosk

pytestmark = pytest.mark.e2e
LUNCH = {"kk": "Түскі үзіліс", "ru": "Обеденный перерыв", "en": "Lunch break"}


@pytest.fixture(scope="module")
def at_lunch(live_server):
    """Every weekday open 00:05–23:55 with a lunch break around now (office time)."""
    now = datetime.now(ZoneInfo("Asia/Almaty"))
    if not "00:40" < now.strftime("%H:%M") < "23:10":
        pytest.skip("too close to midnight in the office's time zone for a lunch break around now")
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
