"""The operator desk in real Chromium for a clerk of two offices: pick the office, work there, keep it."""
from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from kezek.base import database
from kezek.base.clock import utcnow
from kezek.bookings import rules
from kezek.office import accounts, config
from tests.e2e.conftest import DEMO_PASSWORD, screenshot, wait_js

pytestmark = [
    pytest.mark.e2e,
    # tests/e2e/conftest.py hands Popen a log file it never closes (as in test_operator.py).
    pytest.mark.filterwarnings(r"ignore:Exception ignored in. <_io.FileIO name=.*server\.log"
                               r":pytest.PytestUnraisableExceptionWarning"),
]

NORTH = {"name_kk": "Солтүстік кеңсе", "name_ru": "Северный офис", "name_en": "North office"}
DEMO_NAMES = {"kk": "Алмалы ауданы әкімдігінің халыққа қызмет көрсету орталығы",
              "ru": "Фронт-офис акимата Алмалинского района", "en": "Almaly District Akimat Front Office"}
CHOOSE = {"kk": "Кеңсені таңдаңыз", "ru": "Выберите офис", "en": "Choose your office"}
CHANGE = {"kk": "Кеңсені ауыстыру", "ru": "Сменить офис", "en": "Change office"}


@pytest.fixture(scope="module")
def north(live_server):
    """A second office beside the running demo one: a bookable service С, desks N1 and N2, its own
    kiosk, and `clerk2`, an operator of both offices. Made in the database the server runs on."""
    db = database.open_db(str(live_server.db))
    now = utcnow()
    try:
        config.create_office(db, "north", NORTH, now)
        service = config.create_service(db, "north", {"prefix": "С", "name_kk": "Салық", "name_ru": "Налоги",
                                                      "name_en": "Taxes"}, now)
        rules.set_rule(db, service["id"], {"enabled": True, "slot_minutes": 15, "capacity": 3,
                                                    "days_ahead": 14, "opens": "00:00", "closes": "23:59"}, now)
        rules.set_settings(db, "north", {"weekdays": [1, 2, 3, 4, 5, 6, 7]}, now)
        desks = [config.create_desk(db, "north", {"name": f"N{i}", "service_ids": [service["id"]]}, now)
                 for i in (1, 2)]
        _, kiosk_token = accounts.create_device(db, "north", "kiosk", "North kiosk", now)
        accounts.create_user(db, "clerk2", "operator", now, password=DEMO_PASSWORD, offices=["demo", "north"])
    finally:
        db.close()
    return {"service": service, "desks": desks, "kiosk_token": kiosk_token}


def issue_north(live_server, north) -> dict:
    r = requests.post(f"{live_server.url}/api/v1/tickets", json={"service": north["service"]["id"]}, timeout=5,
                      headers={"Authorization": f"Bearer {north['kiosk_token']}"})
    r.raise_for_status()
    return r.json()


def sign_in(page, live_server, user: str, lang: str = "en") -> None:
    page.goto(f"{live_server.url}/operator/?lang={lang}")
    page.wait_for_selector("#op-login-form", state="visible")
    page.fill("#op-username", user)
    page.fill("#op-password", DEMO_PASSWORD)
    page.click("#op-login-submit")


def status(live_server, ticket: dict) -> str:
    return requests.get(f"{live_server.url}/api/v1/tickets/{ticket['token']}", timeout=5).json()["status"]


def test_a_clerk_of_two_offices_picks_one_works_there_and_a_reload_keeps_it(new_page, live_server, north):
    demo_ticket = live_server.issue(1)                       # А, in the first (demo) office
    north_ticket = issue_north(live_server, north)
    assert north_ticket["number"].startswith("С")
    demo_queue = live_server.session("operator2").get(f"{live_server.url}/api/v1/queue", timeout=5).json()

    page = new_page("desk")
    sign_in(page, live_server, "clerk2")
    expect(page.locator("#op-offices h1")).to_have_text(CHOOSE["en"])
    choices = page.locator(".op-office-choice")
    expect(choices).to_have_text([DEMO_NAMES["en"], NORTH["name_en"]])
    page.click('.op-office-choice[data-office="north"]')

    # The north office's desks only, under the office's name, with a way back to the picker.
    expect(page.locator(".op-desk-choice")).to_have_count(2)
    expect(page.locator(".op-desk-choice strong")).to_have_text(["Desk N1", "Desk N2"])
    expect(page.locator("#op-office-name")).to_have_text(NORTH["name_en"])
    expect(page.locator("#op-change-office")).to_have_text(CHANGE["en"])
    screenshot(page, "operator_offices_desks_en")
    page.click(f'.op-desk-choice[data-desk="{north["desks"][0]["id"]}"]')
    page.wait_for_selector('body[data-desk-state="idle"]', state="attached")
    expect(page.locator("#op-officename")).to_have_text(NORTH["name_en"])
    expect(page.locator(f'#op-queue .op-ticket[data-number="{north_ticket["number"]}"]')).to_have_count(1)
    # The live connection joined the north office's rooms: a new north ticket shows up by itself.
    later = issue_north(live_server, north)
    expect(page.locator(f'#op-queue .op-ticket[data-number="{later["number"]}"]')).to_have_count(1)

    page.click('#op-actions [data-action="call-next"]')
    expect(page.locator("#op-current-number")).to_have_text(north_ticket["number"])
    assert status(live_server, north_ticket) == "called"
    screenshot(page, "operator_offices_called_en")
    # The first office's queue is untouched.
    assert status(live_server, demo_ticket) == "waiting"
    after = live_server.session("operator2").get(f"{live_server.url}/api/v1/queue", timeout=5).json()
    assert [t["number"] for t in after["queue"]] == [t["number"] for t in demo_queue["queue"]]

    # A reload goes straight back to the same office and desk, with the same visitor.
    page.reload()
    page.wait_for_selector('body[data-desk-state="called"]', state="attached")
    expect(page.locator("#op-current-number")).to_have_text(north_ticket["number"])
    expect(page.locator("#op-officename")).to_have_text(NORTH["name_en"])
    assert page.locator("#op-offices").is_hidden()

    # Change desk, then change office: the picker again, and the demo office's six desks.
    page.click("#op-change-desk")
    page.click("#op-change-office")
    expect(page.locator("#op-offices h1")).to_be_visible()
    page.click('.op-office-choice[data-office="demo"]')
    expect(page.locator(".op-desk-choice")).to_have_count(6)
    expect(page.locator("#op-office-name")).to_have_text(DEMO_NAMES["en"])
    page.reload()
    expect(page.locator(".op-desk-choice")).to_have_count(6)
    assert page.locator("#op-offices").is_hidden()
    page.click('.op-lang[data-lang="kk"]')
    page.click('.op-desk-choice[data-desk="3"]')
    expect(page.locator("#op-officename")).to_have_text(DEMO_NAMES["kk"])
    screenshot(page, "operator_offices_demo_desk_kk")


def test_booking_for_a_caller_books_in_the_chosen_office(new_page, live_server, north):
    page = new_page("desk")
    sign_in(page, live_server, "clerk2")
    page.click('.op-office-choice[data-office="north"]')
    page.click(f'.op-desk-choice[data-desk="{north["desks"][1]["id"]}"]')
    page.wait_for_selector("body[data-desk-state]:not([data-desk-state=loading])", state="attached")
    page.click("#op-book-open")
    services = page.locator("#op-book input[name=book-service]")
    expect(services).to_have_count(1)          # the north office's bookable service, not the demo's А and Ж
    services.first.check()
    first = page.locator("#op-book-times .op-book-time").first
    first.click()
    page.click("#op-book-submit")
    page.wait_for_selector("#op-book-done", state="visible")
    code = page.locator("#op-book-code").inner_text().replace(" ", "")
    booking = requests.get(f"{live_server.url}/api/v1/bookings/{code}", timeout=5).json()
    assert booking["status"] == "booked" and booking["service_id"] == north["service"]["id"]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_office_picker_in_each_language(new_page, live_server, north, lang):
    page = new_page("desk")
    sign_in(page, live_server, "clerk2", lang)
    expect(page.locator("#op-offices h1")).to_have_text(CHOOSE[lang])
    expect(page.locator(".op-office-choice")).to_have_text([DEMO_NAMES[lang], NORTH[f"name_{lang}"]])
    screenshot(page, f"operator_offices_picker_{lang}")
    page.click('.op-office-choice[data-office="north"]')
    expect(page.locator("#op-change-office")).to_have_text(CHANGE[lang])
    screenshot(page, f"operator_offices_desks_{lang}")
    # The language switch renames the offices on the picker too.
    page.click("#op-change-office")
    other = "ru" if lang == "kk" else "kk"
    page.click(f'.op-lang[data-lang="{other}"]')
    expect(page.locator("#op-offices h1")).to_have_text(CHOOSE[other])
    expect(page.locator(".op-office-choice").nth(1)).to_have_text(NORTH[f"name_{other}"])


def test_a_one_office_operator_goes_straight_to_the_desks(new_page, live_server, north):
    page = new_page("desk")
    sign_in(page, live_server, "operator1")
    expect(page.locator(".op-desk-choice")).to_have_count(6)
    wait_js(page, "() => !document.getElementById('op-desks').hidden")
    assert page.locator("#op-offices").is_hidden()
    assert page.locator("#op-office-bar").is_hidden()
    assert page.locator("#op-change-office").is_hidden()
    page.click('.op-desk-choice[data-desk="2"]')
    page.wait_for_selector("body[data-desk-state]:not([data-desk-state=loading])", state="attached")
    assert page.locator("#op-officename").is_hidden()
    screenshot(page, "operator_offices_single_en")
