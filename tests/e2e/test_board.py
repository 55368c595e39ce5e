"""The open board in real Chromium: public, numbers only, updated live."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

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
