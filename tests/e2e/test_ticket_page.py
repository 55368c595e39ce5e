"""The ticket page on a phone (360×740) in real Chromium: place in line, the call, rating, cancel."""
from __future__ import annotations

import sqlite3

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, wait_js

pytestmark = pytest.mark.e2e

WAIT_MS = 15000
LANGS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
AHEAD = {"kk": "Сіздің алдыңызда: {} адам", "ru": "Перед вами: {} чел.", "en": "People ahead of you: {}"}
NEXT = {"kk": "Келесі кезек — сіздікі", "ru": "Вы следующий в очереди", "en": "You are next"}
GO = {"kk": "{}-терезеге келіңіз", "ru": "Пройдите к окну {}", "en": "Please go to desk {}"}
THANKS = {"kk": "Бағаңыз үшін рақмет!", "ru": "Спасибо за оценку!", "en": "Thank you for your rating!"}
CANCELLED = {"kk": "Талоныңыз жойылды", "ru": "Ваш талон отменён", "en": "Your ticket has been cancelled"}
NOT_FOUND = {"kk": "Талон табылмады", "ru": "Талон не найден", "en": "Ticket not found"}
SERVICE_В = {"kk": "Тұрғын үй-коммуналдық шаруашылық", "ru": "Жилищно-коммунальное хозяйство",
             "en": "Housing and utilities"}
# Demo desks: 2 serves А only, 3 serves Б and В, 4 В and Г, 6 Ж only.
А, Б, В, Г, Д, Ж = 1, 2, 3, 4, 5, 7


@pytest.fixture(scope="module")
def staff(live_server):
    return live_server.session("operator1")


def post(staff, live_server, path, **body):
    r = staff.post(live_server.url + path, json=body, timeout=5)
    assert r.status_code in (200, 204), r.text
    return r.json() if r.status_code == 200 else None


def open_ticket(new_page, live_server, ticket, lang=None):
    page = new_page("phone")
    url = ticket["url"] + (f"?lang={lang}" if lang else "")
    response = page.goto(url)
    assert response.status == 200
    expect(page.locator("#number")).to_have_text(ticket["number"])
    return page


def fits_the_phone(page):
    """Nothing wider than the 360 px screen."""
    return page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")


def test_the_place_in_line_falls_as_others_are_called(live_server, staff, new_page):
    tickets = [live_server.issue(Д) for _ in range(3)]           # desk 5 serves Г Д Е
    mine = live_server.issue(Д, lang="ru")
    page = open_ticket(new_page, live_server, mine)
    expect(page.locator("#ahead")).to_have_text(AHEAD["ru"].format(3))
    expect(page.locator("#wait")).to_contain_text("Примерное время ожидания:")
    for lang in LANGS:
        page.get_by_role("button", name=LANGS[lang]).click()
        expect(page.locator("#ahead")).to_have_text(AHEAD[lang].format(3))
        assert fits_the_phone(page)
        screenshot(page, f"ticket-waiting-{lang}")
    page.get_by_role("button", name=LANGS["ru"]).click()
    for left in (2, 1, 0):
        post(staff, live_server, "/api/v1/desks/5/call-next")
        expect(page.locator("#ahead")).to_have_text(AHEAD["ru"].format(left))
    expect(page.locator("#waiting-status")).to_have_text(NEXT["ru"])
    assert len(tickets) == 3


def test_the_call_turns_the_page_to_the_desk(live_server, staff, new_page):
    for lang in LANGS:
        ticket = live_server.issue(Ж, lang=lang)                    # only desk 6 serves Ж
        page = open_ticket(new_page, live_server, ticket)
        expect(page.locator("#ahead")).to_have_text(AHEAD[lang].format(0))
        page.evaluate("window.kezekNoReload = true")
        called = post(staff, live_server, "/api/v1/desks/6/call-next")
        assert called["number"] == ticket["number"]
        expect(page.locator("#go")).to_have_text(GO[lang].format(6))
        expect(page.locator("body")).to_have_class("screen-ticket tk-is-called")
        assert page.evaluate("window.kezekNoReload") is True, "the page changed without a reload"
        assert fits_the_phone(page)
        screenshot(page, f"ticket-called-{lang}")
        post(staff, live_server, f"/api/v1/tickets/{called['id']}/no-show")


ALERT_SPY = """
window.spy = {vibrations: 0, notifications: []};
navigator.vibrate = () => { window.spy.vibrations += 1; return true; };
const record = (title, options) => window.spy.notifications.push([title, options.body]);
ServiceWorkerRegistration.prototype.showNotification = function (title, options) {
  record(title, options); return Promise.resolve();
};
const RealNotification = window.Notification;   // the page falls back to it before the worker is ready
window.Notification = function (title, options) { record(title, options); };
Object.defineProperty(window.Notification, "permission", {get: () => RealNotification.permission});
window.Notification.requestPermission = () => RealNotification.requestPermission();
"""


def test_the_call_vibrates_and_notifies_once_per_call(live_server, staff, new_page):
    ticket = live_server.issue(Ж, lang="kk")
    page = new_page("phone", permissions=["notifications"])        # the visitor allowed notifications
    page.add_init_script(ALERT_SPY)
    page.goto(ticket["url"])
    # This server has no VAPID key: no push with the page closed (it says so), but the open page notifies.
    expect(page.locator("#notify-why")).to_have_text("Бұл серверде хабарламалар бапталмаған.")
    expect(page.locator("#notify")).to_be_hidden()
    wait_js(page, "navigator.serviceWorker.getRegistration('/ticket/static/').then(Boolean)")
    assert page.evaluate("window.spy.vibrations") == 0                 # nothing before the call
    called = post(staff, live_server, "/api/v1/desks/6/call-next")
    expect(page.locator("#go")).to_have_text(GO["kk"].format(6))
    wait_js(page, "window.spy.notifications.length === 1")
    assert page.evaluate("window.spy.notifications") == [[f"Талон {ticket['number']}", GO["kk"].format(6)]]
    assert page.evaluate("window.spy.vibrations") == 1
    post(staff, live_server, f"/api/v1/tickets/{called['id']}/recall")
    wait_js(page, "window.spy.vibrations === 2 && window.spy.notifications.length === 2")
    post(staff, live_server, f"/api/v1/tickets/{called['id']}/start")
    expect(page.locator("#serving")).to_have_text("Сізге 6-терезеде қызмет көрсетілуде")
    assert page.evaluate("window.spy.vibrations") == 2
    post(staff, live_server, f"/api/v1/tickets/{called['id']}/finish")


CHOSEN = {"kk": "5-тен 4 — Жақсы", "ru": "4 из 5 — Хорошо", "en": "4 of 5 — Good"}
GOLD = "rgb(255, 210, 63)"


def test_a_rating_is_chosen_then_commented_then_sent_once(live_server, staff, new_page):
    for lang in LANGS:
        ticket = live_server.issue(Ж, lang=lang)
        page = open_ticket(new_page, live_server, ticket)
        called = post(staff, live_server, "/api/v1/desks/6/call-next")
        post(staff, live_server, f"/api/v1/tickets/{called['id']}/start")
        post(staff, live_server, f"/api/v1/tickets/{called['id']}/finish")
        expect(page.locator("#rate")).to_be_visible(timeout=WAIT_MS)
        screenshot(page, f"ticket-done-{lang}")
        # The comment box is under the stars; no star is gold before one is chosen.
        stars, comment = page.locator(".tk-stars").bounding_box(), page.locator("#comment").bounding_box()
        assert comment["y"] >= stars["y"] + stars["height"]
        backgrounds = page.eval_on_selector_all(".tk-star", "els => els.map(e => getComputedStyle(e).backgroundColor)")
        assert GOLD not in backgrounds
        page.locator(".tk-star[data-stars='4']").click()
        # One tap only chooses: the choice is shown in words, four stars gold, the fifth not; nothing is sent yet.
        expect(page.locator("#rate-chosen")).to_have_text(CHOSEN[lang])
        backgrounds = page.eval_on_selector_all(".tk-star", "els => els.map(e => getComputedStyle(e).backgroundColor)")
        assert backgrounds[:4] == [GOLD] * 4 and backgrounds[4] != GOLD
        expect(page.get_by_role("radio", name=CHOSEN[lang].split(" — ")[0])).to_be_checked()
        page.wait_for_timeout(500)
        with sqlite3.connect(f"file:{live_server.db}?mode=ro", uri=True) as db:
            assert db.execute("SELECT rating FROM tickets WHERE token = ?", (ticket["token"],)).fetchone() == (None,)
        expect(page.locator("#rate")).to_be_visible()
        page.locator("#comment").fill("Жылдам әрі сыпайы.")
        screenshot(page, f"ticket-rating-chosen-{lang}")
        page.locator("#rate-send").click()
        expect(page.locator("#rated")).to_have_text(THANKS[lang])
        expect(page.locator("#rate")).to_be_hidden()
        screenshot(page, f"ticket-rated-{lang}")
        again = requests.post(f"{live_server.url}/api/v1/tickets/{ticket['token']}/rating", json={"stars": 1},
                              timeout=5)
        assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"
        page.reload()
        expect(page.locator("#rated")).to_be_visible()
        expect(page.locator("#rate")).to_be_hidden()
        with sqlite3.connect(f"file:{live_server.db}?mode=ro", uri=True) as db:
            assert db.execute("SELECT rating FROM tickets WHERE token = ?", (ticket["token"],)).fetchone() == (4,)
            logged = db.execute("SELECT desk_id, user_id, details FROM events WHERE name = 'ticket.rated'"
                                " AND ticket_id = ?", (called["id"],)).fetchall()
        assert len(logged) == 1 and logged[0][0] == 6 and logged[0][1] is not None
        assert "Жылдам әрі сыпайы." in logged[0][2]


def test_sending_without_a_star_asks_for_one(live_server, staff, new_page):
    ticket = live_server.issue(Ж, lang="kk")
    page = open_ticket(new_page, live_server, ticket)
    called = post(staff, live_server, "/api/v1/desks/6/call-next")
    post(staff, live_server, f"/api/v1/tickets/{called['id']}/start")
    post(staff, live_server, f"/api/v1/tickets/{called['id']}/finish")
    expect(page.locator("#rate")).to_be_visible(timeout=WAIT_MS)
    page.locator("#rate-send").click()
    expect(page.locator("#rate-error")).to_have_text("1-ден 5-ке дейін жұлдыз таңдаңыз.")
    expect(page.locator("#rate")).to_be_visible()


def test_cancel_removes_the_ticket_from_the_queue(live_server, new_page):
    def waiting_in_г():
        services = requests.get(f"{live_server.url}/api/v1/services", timeout=5).json()["services"]
        return next(s["waiting"] for s in services if s["id"] == Г)

    ticket = live_server.issue(Г, lang="kk")
    before = waiting_in_г()
    page = open_ticket(new_page, live_server, ticket)
    page.locator("#cancel").click()
    expect(page.locator("#cancel-confirm")).to_be_visible()
    screenshot(page, "ticket-cancel-confirm-kk")
    page.locator("#cancel-no").click()                              # changed their mind: nothing happens
    expect(page.locator("#cancel-confirm")).to_be_hidden()
    assert waiting_in_г() == before
    page.locator("#cancel").click()
    page.locator("#cancel-yes").click()
    expect(page.locator("#ended-title")).to_have_text(CANCELLED["kk"])
    assert waiting_in_г() == before - 1
    status = requests.get(f"{live_server.url}/api/v1/tickets/{ticket['token']}", timeout=5).json()["status"]
    assert status == "cancelled"
    screenshot(page, "ticket-cancelled-kk")


def test_a_transfer_shows_the_new_service(live_server, staff, new_page):
    ticket = live_server.issue(Б, lang="en")
    page = open_ticket(new_page, live_server, ticket)
    called = post(staff, live_server, "/api/v1/desks/3/call", ticket=ticket["id"], reason="e2e: this visitor")
    expect(page.locator("#go")).to_have_text(GO["en"].format(3))
    post(staff, live_server, f"/api/v1/tickets/{called['id']}/transfer", service=В)
    expect(page.locator("#service")).to_have_text(SERVICE_В["en"])
    expect(page.locator("#transferred")).to_be_visible()
    expect(page.locator("#ahead")).to_contain_text("People ahead of you:")
    screenshot(page, "ticket-transferred-en")


def test_the_not_found_page_opens_in_kazakh_whatever_the_phone_speaks(live_server, new_page):
    # No ticket, so no ticket language: Kazakh, as every public page, until the visitor chooses; the choice is kept.
    page = new_page("phone", locale="ru-RU")
    response = page.goto(f"{live_server.url}/t/no-such-ticket-token")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text(NOT_FOUND["kk"])
    for lang in LANGS:
        page.get_by_role("button", name=LANGS[lang]).click()
        expect(page.locator("h1")).to_have_text(NOT_FOUND[lang])
        screenshot(page, f"ticket-not-found-{lang}")
    page.goto(f"{live_server.url}/t/another-unknown-token")
    expect(page.locator("h1")).to_have_text(NOT_FOUND["en"])


def test_the_page_shows_the_number_served_now_and_when_the_ticket_was_issued(live_server, staff, new_page):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    mine = live_server.issue(Ж, lang="kk")
    page = open_ticket(new_page, live_server, mine)
    issued = datetime.fromisoformat(mine["issued_at"].replace("Z", "+00:00")).astimezone(ZoneInfo("Asia/Almaty"))
    expect(page.locator("#issued")).to_have_text(f"Берілген уақыты: {issued:%H:%M}")
    called = post(staff, live_server, "/api/v1/desks/6/call-next")
    if called["number"] != mine["number"]:
        expect(page.locator("#now-serving")).to_have_text(f"Қазір қызмет көрсетілуде: {called['number']}")
        post(staff, live_server, f"/api/v1/tickets/{called['id']}/no-show")
        called = post(staff, live_server, "/api/v1/desks/6/call-next")
    assert called["number"] == mine["number"]
    behind = live_server.issue(Ж, lang="ru")
    page = open_ticket(new_page, live_server, behind)
    expect(page.locator("#now-serving")).to_have_text(f"Сейчас обслуживается: {mine['number']}")
    screenshot(page, "ticket-now-serving-ru")
    for lang, word in (("kk", "Қазір қызмет көрсетілуде"), ("en", "Now serving")):
        page.get_by_role("button", name=LANGS[lang]).click()
        expect(page.locator("#now-serving")).to_have_text(f"{word}: {mine['number']}")
        screenshot(page, f"ticket-now-serving-{lang}")
    post(staff, live_server, f"/api/v1/tickets/{called['id']}/no-show")
    requests.post(f"{live_server.url}/api/v1/tickets/{behind['token']}/cancel", json={}, timeout=5).raise_for_status()


ONE_LINE = """(id) => {
  const el = document.getElementById(id);
  const text = el.firstChild;
  const at = text.data.search(/\\d/);
  const range = document.createRange();
  range.setStart(text, at);
  range.setEnd(text, text.data.length);
  return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size === 1;
}"""


@pytest.mark.parametrize("lang", list(LANGS))
def test_the_count_and_its_word_stay_on_one_line(live_server, new_page, lang):
    for _ in range(4):
        live_server.issue(6)                                   # Е: no test calls it
    ticket = live_server.issue(6, lang=lang)
    for width in (320, 360, 412):
        page = new_page((width, 740))
        page.goto(ticket["url"])
        expect(page.locator("#ahead")).to_contain_text(AHEAD[lang].split(":")[0])
        assert page.evaluate(ONE_LINE, "ahead"), f"{lang} at {width} px: the count breaks from its word"
        assert page.evaluate(ONE_LINE, "wait"), f"{lang} at {width} px: the minutes break from 'min'"
        if width == 360:
            screenshot(page, f"ticket-ahead-{lang}")


def test_the_page_catches_up_after_the_server_was_away(live_server, new_page):
    from kezek.base import database
    from kezek.base.clock import utcnow
    from kezek.queue import tickets

    ticket = live_server.issue(Ж, lang="kk")
    page = open_ticket(new_page, live_server, ticket)
    expect(page.locator("#ahead")).to_have_text(AHEAD["kk"].format(0))
    live_server.stop()
    expect(page.locator("#kezek-offline")).to_be_visible(timeout=WAIT_MS)
    db = database.open_db(live_server.db)                              # the call happens while the page is cut off
    try:
        tickets.call_next(db, 6, utcnow())
    finally:
        db.close()
    live_server.start()
    expect(page.locator("#go")).to_have_text(GO["kk"].format(6), timeout=WAIT_MS)
    expect(page.locator("#kezek-offline")).to_be_hidden()
