"""A big hall's zones on the ticket: the kiosk's ticket names the zoned TV that shows its calls, and that TV its name."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, wait_js
from tests.e2e.test_kiosk import LANG_BUTTONS, assert_fits, open_kiosk, ticket_on_screen

pytestmark = pytest.mark.e2e

ZONE = {"kk": "Аймақ: Зал Б", "ru": "Зона: Зал Б", "en": "Zone: Зал Б"}


@pytest.fixture(scope="module")
def zoned(live_server):
    """The demo's Б and В on a TV of their own, "Зал Б" (desks 3 and 4); the demo's display shows the rest."""
    admin = live_server.session("admin")
    r = admin.post(f"{live_server.url}/api/v1/devices", timeout=10, json={
        "kind": "display", "name": "Зал Б", "settings": {"services": [2, 3], "desks": [3, 4]}})
    assert r.status_code == 201, r.text
    live_server.zone_token = r.json()["token"]
    return live_server


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_kiosks_ticket_names_the_zone_where_its_calls_show(zoned, new_page, lang):
    page = open_kiosk(new_page("kiosk_portrait"), zoned)
    page.get_by_role("button", name=LANG_BUTTONS[lang], exact=True).click()
    page.locator('#services [data-service-id="2"]').click()          # Б: served at desk 3, in Зал Б
    page.locator('#screen-priority [data-priority=""]').click()
    ticket = ticket_on_screen(page, zoned)
    assert ticket["zones"] == ["Зал Б"]
    expect(page.locator("#ticket-desks")).to_contain_text(ZONE[lang])
    assert_fits(page)
    screenshot(page, f"kiosk-ticket-zone-{lang}")


def test_a_service_outside_every_zone_names_none(zoned, new_page):
    page = open_kiosk(new_page("kiosk_portrait"), zoned)
    page.get_by_role("button", name=LANG_BUTTONS["kk"], exact=True).click()
    page.locator('#services [data-service-id="7"]').click()          # Ж: desk 6, on no zoned TV
    page.locator('#screen-priority [data-priority=""]').click()
    ticket_on_screen(page, zoned)
    expect(page.locator("#ticket-desks")).to_be_visible()
    expect(page.locator("#ticket-desks")).not_to_contain_text("Аймақ")


def test_the_zoned_tv_shows_its_name_and_the_unzoned_one_does_not(zoned, new_page):
    page = new_page("tv")
    page.goto(f"{zoned.url}/display/?token={zoned.zone_token}&lang=kk")
    wait_js(page, "() => window.kezekDisplay && kezekDisplay.state.snapshots > 0", timeout=15_000)
    expect(page.locator("#zone-name")).to_have_text(ZONE["kk"])
    screenshot(page, "display-zone-name-kk")
    other = new_page("tv")
    other.goto(f"{zoned.url}/display/?token={zoned.demo['display_token']}&lang=kk")
    wait_js(other, "() => window.kezekDisplay && kezekDisplay.state.snapshots > 0", timeout=15_000)
    expect(other.locator("#zone-name")).to_be_hidden()
