"""The self-service kiosk in real Chromium: a ticket in three touches in kk, ru and en, at 1080×1920 and 1920×1080."""
from __future__ import annotations

import io
import re
import sqlite3

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, screenshot

pytestmark = pytest.mark.e2e

SIZES = {"kiosk_portrait": "portrait", "kiosk_landscape": "landscape"}
LANG_BUTTONS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
SERVICES_TITLE = {"kk": "Қызметті таңдаңыз", "ru": "Выберите услугу", "en": "Select a service"}
PHOTOGRAPH = {"kk": "Осы кодты суретке түсіріңіз", "ru": "Сфотографируйте этот код", "en": "Photograph this code"}
PRINTING = {"kk": "Талон басылып жатыр…", "ru": "Печать талона…", "en": "Printing your ticket…"}
UNAVAILABLE = {"kk": "Киоск уақытша жұмыс істемейді", "ru": "Киоск временно недоступен",
               "en": "Kiosk temporarily unavailable"}
NOT_PAIRED = {"kk": "Бұл киоск қосылмаған", "ru": "Этот киоск не подключён", "en": "This kiosk is not paired"}
THANKS = {"kk": "Рақмет!", "ru": "Спасибо!", "en": "Thank you!"}
WAIT_MS = 20000


def open_kiosk(page, server: LiveServer, token: str | None = None):
    """Pair the page with the demo kiosk's token and wait for the start screen."""
    page.goto(f"{server.url}/kiosk/?token={token or server.demo['kiosk_token']}")
    expect(page.locator("#screen-start")).to_be_visible(timeout=WAIT_MS)
    assert "token" not in page.url, "the pairing token stays out of the address bar"
    page.evaluate("window.kezekNoReload = true")  # gone if the page ever reloads
    return page


def assert_fits(page):
    """No scrollbars, nothing outside the screen or cut off, every button at least ~15 mm tall."""
    fit = page.evaluate("""() => {
      const s = document.scrollingElement;
      const bad = [];
      document.querySelectorAll('#kiosk button, #kiosk p, #kiosk h1, #kiosk h2, #kiosk img').forEach((el) => {
        if (!el.getClientRects().length) return;
        const r = el.getBoundingClientRect();
        if (r.width === 0) return;
        const out = r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1;
        const cut = el.scrollHeight > el.clientHeight + 2 || el.scrollWidth > el.clientWidth + 2;
        const small = el.tagName === 'BUTTON' && r.height < 90;
        if (out || cut || small) bad.push(el.tagName + ' ' + (el.id || el.className) + ' ' + el.textContent.slice(0, 40));
      });
      return {scroll: [s.scrollHeight, innerHeight, s.scrollWidth, innerWidth], bad};
    }""")
    height, inner_height, width, inner_width = fit["scroll"]
    if fit["bad"] or height > inner_height or width > inner_width:
        screenshot(page, "kiosk-does-not-fit")
    assert height <= inner_height and width <= inner_width, fit
    assert fit["bad"] == [], fit["bad"]


def waiting(server: LiveServer, service: int) -> int:
    services = requests.get(server.url + "/api/v1/services", timeout=5).json()["services"]
    return next(s["waiting"] for s in services if s["id"] == service)


def priority_reason(server: LiveServer, token: str) -> str | None:
    """The priority group as stored (the public ticket view keeps it private)."""
    with sqlite3.connect(server.db) as conn:
        return conn.execute("SELECT priority_reason FROM tickets WHERE token = ?", (token,)).fetchone()[0]


def ticket_on_screen(page, server: LiveServer) -> dict:
    """The ticket the kiosk shows, as the public API knows it (its token is in the QR image's address)."""
    expect(page.locator("#screen-ticket")).to_be_visible(timeout=WAIT_MS)
    src = page.locator("#ticket-qr").get_attribute("src")
    token = re.fullmatch(r"/qr/(.+)\.svg", src).group(1)
    answer = requests.get(f"{server.url}/api/v1/tickets/{token}", timeout=5)
    assert answer.status_code == 200
    ticket = answer.json()
    assert page.locator("#ticket-number").inner_text() == ticket["number"]
    return ticket | {"token": token}


def decode_qr(page) -> str:
    import zxingcpp
    from PIL import Image
    expect(page.locator("#ticket-qr")).to_have_js_property("complete", True)
    image = Image.open(io.BytesIO(page.locator("#ticket-qr").screenshot()))
    found = zxingcpp.read_barcodes(image)
    assert found, "the QR code on screen can be read"
    return found[0].text


def choose(page, lang: str, service: int):
    page.get_by_role("button", name=LANG_BUTTONS[lang], exact=True).click()
    expect(page.locator("#services-title")).to_have_text(SERVICES_TITLE[lang])
    page.locator(f'#services [data-service-id="{service}"]').click()
    expect(page.locator("#screen-priority")).to_be_visible()


WALKS = [("kk", 1, None), ("ru", 3, "elderly"), ("en", 4, "disability")]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang,service,reason", WALKS)
def test_a_visitor_gets_a_ticket_in_three_touches(live_server, new_page, size, lang, service, reason):
    page = open_kiosk(new_page(size), live_server)
    tag = f"{lang}-{SIZES[size]}"
    assert page.locator("html").get_attribute("lang") == "kk"
    assert_fits(page)
    screenshot(page, f"kiosk-start-kk-{SIZES[size]}")

    page.get_by_role("button", name=LANG_BUTTONS[lang], exact=True).click()
    expect(page.locator("#services-title")).to_have_text(SERVICES_TITLE[lang])
    expect(page.locator("#services .service")).to_have_count(7)
    assert page.locator("html").get_attribute("lang") == lang
    assert_fits(page)
    screenshot(page, f"kiosk-services-{tag}")

    page.locator(f'#services [data-service-id="{service}"]').click()
    expect(page.locator("#screen-priority")).to_be_visible()
    assert_fits(page)
    screenshot(page, f"kiosk-priority-{tag}")

    before = waiting(live_server, service)
    page.locator(f'#screen-priority [data-priority="{reason or ""}"]').click()
    ticket = ticket_on_screen(page, live_server)
    # The demo kiosk has no printer: the ticket on screen is a normal ticket, not a warning (#19).
    expect(page.locator("#print-status")).to_have_attribute("data-state", "screen")
    expect(page.locator("#print-title")).to_have_text(THANKS[lang])
    assert_fits(page)
    screenshot(page, f"kiosk-ticket-{tag}")

    assert ticket["status"] == "waiting"
    assert ticket["service_id"] == service
    assert ticket["lang"] == lang
    assert ticket["priority"] is (reason is not None)
    assert priority_reason(live_server, ticket["token"]) == reason
    assert "priority_reason" not in ticket, "the public view does not say which group the visitor is in"
    assert waiting(live_server, service) == before + 1
    assert decode_qr(page) == f"{live_server.url}/t/{ticket['token']}"

    page.get_by_role("button", name={"kk": "Басты бет", "ru": "Главная", "en": "Home"}[lang]).click()
    expect(page.locator("#screen-start")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "kk", "the next visitor starts in Kazakh"


def add_print_state(state: str):
    """Answer the issue as a kiosk with a printer would: {print: {state}} (the printing contract)."""
    def handler(route):
        response = route.fetch()
        data = response.json()
        data["print"] = {"state": state}
        route.fulfill(response=response, json=data)
    return handler


@pytest.mark.parametrize("lang", LANG_BUTTONS)
def test_printing_then_the_code_on_screen_when_no_print_result_comes(live_server, new_page, lang):
    page = open_kiosk(new_page("kiosk_portrait"), live_server)
    page.route("**/api/v1/tickets", add_print_state("pending"))
    choose(page, lang, 2)
    page.locator('#screen-priority [data-priority=""]').click()
    expect(page.locator("#print-title")).to_have_text(PRINTING[lang])
    expect(page.locator("#btn-reprint")).to_be_hidden()
    ticket_on_screen(page, live_server)
    assert_fits(page)
    screenshot(page, f"kiosk-printing-{lang}-portrait")
    # No ticket.printed within the wait: the same number and code, to photograph, and a way to retry.
    expect(page.locator("#print-title")).to_have_text(PHOTOGRAPH[lang], timeout=WAIT_MS)
    expect(page.locator("#btn-reprint")).to_be_visible()
    assert_fits(page)
    screenshot(page, f"kiosk-photograph-{lang}-portrait")


def test_a_double_tap_issues_one_ticket(live_server, new_page):
    page = open_kiosk(new_page("kiosk_landscape"), live_server)
    before = waiting(live_server, 5)
    choose(page, "en", 5)
    page.locator('#screen-priority [data-priority=""]').dblclick()
    first = ticket_on_screen(page, live_server)
    assert waiting(live_server, 5) == before + 1

    # Two taps within the same instant, before the first answer can disable anything on screen.
    page.get_by_role("button", name="Home").click()
    choose(page, "en", 5)
    page.evaluate("""() => { const b = document.querySelector('#screen-priority [data-priority="veteran"]');
                             b.click(); b.click(); }""")
    second = ticket_on_screen(page, live_server)
    assert second["number"] != first["number"]
    assert priority_reason(live_server, second["token"]) == "veteran"
    queue = live_server.session("operator1").get(live_server.url + "/api/v1/queue", timeout=5).json()["queue"]
    assert [t["number"] for t in queue if t["service_id"] == 5].count(second["number"]) == 1
    assert waiting(live_server, 5) == before + 2


def test_a_lost_answer_is_retried_with_the_same_key_and_gives_the_same_ticket(live_server, new_page):
    page = open_kiosk(new_page("kiosk_portrait"), live_server)
    before = waiting(live_server, 6)
    issued = []

    def lose_first_answer(route):
        if issued:
            route.continue_()
            return
        issued.append(route.fetch().json())   # the server issues the ticket ...
        route.abort("connectionreset")       # ... and the kiosk never hears the answer

    page.route("**/api/v1/tickets", lose_first_answer)
    choose(page, "ru", 6)
    page.locator('#screen-priority [data-priority=""]').click()
    expect(page.locator("#notice")).to_be_visible()
    expect(page.locator("#notice-text")).to_have_text("Нет связи с сервером: талон не выдан. Попробуйте ещё раз.")
    assert_fits(page)
    screenshot(page, "kiosk-notice-ru-portrait")
    page.get_by_role("button", name="Понятно").click()
    expect(page.locator('#screen-priority [data-priority=""]')).to_be_enabled()
    page.locator('#screen-priority [data-priority=""]').click()
    ticket = ticket_on_screen(page, live_server)
    assert ticket["number"] == issued[0]["number"]
    assert waiting(live_server, 6) == before + 1


def test_an_unavailable_service_is_shown_and_cannot_be_chosen(live_server, new_page):
    admin = live_server.session("admin")
    page = open_kiosk(new_page("kiosk_portrait"), live_server)
    choose(page, "kk", 1)
    page.get_by_role("button", name="Артқа").click()
    card = page.locator('#services [data-service-id="7"]')
    expect(card).to_be_enabled()
    try:
        assert admin.patch(live_server.url + "/api/v1/services/7", json={"active": False}, timeout=5).ok
        # The open kiosk learns it live.
        expect(card).to_be_disabled(timeout=WAIT_MS)
        expect(card).to_contain_text("Қызмет уақытша қолжетімсіз")
        expect(card).to_have_attribute("aria-disabled", "true")
        assert_fits(page)
        screenshot(page, "kiosk-services-unavailable-kk-portrait")
        card.click(force=True)
        expect(page.locator("#screen-services")).to_be_visible()
        expect(page.locator("#screen-priority")).to_be_hidden()

        for lang, reason in (("ru", "Услуга временно недоступна"), ("en", "Service temporarily unavailable")):
            fresh = open_kiosk(new_page("kiosk_landscape"), live_server)
            fresh.get_by_role("button", name=LANG_BUTTONS[lang], exact=True).click()
            expect(fresh.locator('#services [data-service-id="7"]')).to_contain_text(reason)
            expect(fresh.locator('#services [data-service-id="7"]')).to_be_disabled()
            screenshot(fresh, f"kiosk-services-unavailable-{lang}-landscape")
        assert waiting(live_server, 7) == 0
    finally:
        admin.patch(live_server.url + "/api/v1/services/7", json={"active": True}, timeout=5)
    expect(card).to_be_enabled(timeout=WAIT_MS)


def test_a_kiosk_without_its_token_says_it_is_not_paired(live_server, new_page):
    for size in SIZES:
        page = new_page(size)
        page.goto(f"{live_server.url}/kiosk/")
        expect(page.locator("#screen-unpaired")).to_be_visible()
        for text in NOT_PAIRED.values():
            expect(page.locator("#screen-unpaired")).to_contain_text(text)
        assert_fits(page)
        screenshot(page, f"kiosk-unpaired-all-{SIZES[size]}")

    revoked = new_page("kiosk_portrait")
    revoked.goto(f"{live_server.url}/kiosk/?token=not-a-kiosk-token")
    expect(revoked.locator("#screen-unpaired")).to_be_visible(timeout=WAIT_MS)


def test_the_pairing_is_kept_after_a_reload(live_server, new_page):
    page = open_kiosk(new_page("kiosk_portrait"), live_server)
    page.goto(f"{live_server.url}/kiosk/")
    expect(page.locator("#screen-start")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#office-name")).to_have_text("Алмалы ауданы әкімдігінің халыққа қызмет көрсету орталығы")


@pytest.fixture(scope="module")
def short_idle_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("kiosk-idle"), env={"KEZEK_KIOSK_IDLE_S": "3"})
    server.start()
    yield server
    server.stop()


def test_an_idle_kiosk_returns_to_the_start_in_kazakh(short_idle_server, new_page):
    page = open_kiosk(new_page("kiosk_portrait"), short_idle_server)
    assert page.locator("#kiosk").get_attribute("data-idle-s") == "3"
    page.get_by_role("button", name="Русский", exact=True).click()
    expect(page.locator("#screen-services")).to_be_visible()
    expect(page.locator("#screen-start")).to_be_visible(timeout=WAIT_MS)
    assert page.locator("html").get_attribute("lang") == "kk"
    expect(page.locator("#services-title")).to_have_text("Қызметті таңдаңыз")

    # From the ticket screen too, and with a notice open.
    choose(page, "en", 2)
    page.locator('#screen-priority [data-priority=""]').click()
    expect(page.locator("#screen-ticket")).to_be_visible()
    # The ticket screen stays six idle times (18 s here), then asks "Need more time?" before it goes.
    page.wait_for_timeout(12_000)
    expect(page.locator("#screen-ticket")).to_be_visible()
    expect(page.locator("#screen-start")).to_be_visible(timeout=40_000)
    page.route("**/api/v1/tickets", lambda route: route.abort("connectionrefused"))
    choose(page, "en", 2)
    page.locator('#screen-priority [data-priority=""]').click()
    expect(page.locator("#notice")).to_be_visible()
    expect(page.locator("#screen-start")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#notice")).to_be_hidden()


@pytest.fixture(scope="module")
def restartable_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("kiosk-restart"))
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("size", SIZES)
def test_the_kiosk_says_so_while_the_server_is_down_and_recovers_without_a_reload(restartable_server, new_page, size):
    server = restartable_server
    page = open_kiosk(new_page(size), server)
    choose(page, "ru", 3)
    server.stop()
    offline = page.locator("#screen-offline")
    expect(offline).to_be_visible(timeout=WAIT_MS)
    for text in UNAVAILABLE.values():
        expect(offline).to_contain_text(text)
    assert_fits(page)
    screenshot(page, f"kiosk-offline-all-{SIZES[size]}")

    server.start()
    expect(offline).to_be_hidden(timeout=WAIT_MS)
    expect(page.locator("#screen-priority")).to_be_visible()
    before = waiting(server, 3)
    page.locator('#screen-priority [data-priority="pregnant"]').click()
    ticket = ticket_on_screen(page, server)
    assert priority_reason(server, ticket["token"]) == "pregnant" and ticket["lang"] == "ru"
    assert waiting(server, 3) == before + 1
    assert page.evaluate("window.kezekNoReload") is True


PRINTER_OFF = {"kk": "Талон басып шығару қолжетімсіз: талоныңыз экранда көрсетіледі.",
               "ru": "Печать недоступна: талон будет показан на экране.",
               "en": "Printing is unavailable: you will get your ticket on screen."}


@pytest.mark.parametrize("size", SIZES)
def test_a_kiosk_whose_printer_is_out_of_paper_says_so_before_anyone_taps(live_server, new_page, size):
    admin = live_server.session("admin")
    made = admin.post(live_server.url + "/api/v1/devices", timeout=5, json={
        "kind": "kiosk", "name": f"Kiosk by the door ({size})", "printer_url": "tcp://127.0.0.1:9"}).json()
    with sqlite3.connect(live_server.db) as db:   # the printer's last known state, as the printing side records it
        db.execute("INSERT OR REPLACE INTO printer_state (device_id, state, detail, changed_at) VALUES (?, ?, ?, ?)",
                   (made["device"]["id"], "paper_out", "paper end", "2026-01-01T00:00:00Z"))
    page = open_kiosk(new_page(size), live_server, made["token"])
    notice = page.locator("#printer-notice")
    expect(notice).to_be_visible()
    for text in PRINTER_OFF.values():
        expect(notice).to_contain_text(text)
    assert_fits(page)
    screenshot(page, f"kiosk-start-printer-off-all-{SIZES[size]}")

    # Revoking the device in the admin screen turns the kiosk into "not paired", by itself.
    assert admin.delete(f"{live_server.url}/api/v1/devices/{made['device']['id']}", timeout=5).ok
    expect(page.locator("#screen-unpaired")).to_be_visible(timeout=WAIT_MS)


TAX_SERVICES = [("З", "Мүлік салығы", "Налог на имущество", "Property tax"),
                ("И", "Көлік салығы", "Транспортный налог", "Vehicle tax"),
                ("К", "Жер салығы", "Земельный налог", "Land tax"),
                ("Л", "Салық берешегі", "Налоговая задолженность", "Tax arrears"),
                ("М", "Декларациялар", "Декларации", "Declarations"),
                ("Н", "Салық кеңесі", "Налоговая консультация", "Tax advice")]


@pytest.mark.parametrize("size", SIZES)
def test_with_many_services_the_visitor_picks_a_group_first(restartable_server, new_page, size):
    server = restartable_server
    admin = server.session("admin")
    if len(requests.get(server.url + "/api/v1/services", timeout=5).json()["services"]) < 13:
        for order, (prefix, kk, ru, en) in enumerate(TAX_SERVICES):
            assert admin.post(server.url + "/api/v1/services", timeout=5, json={
                "prefix": prefix, "name_kk": kk, "name_ru": ru, "name_en": en, "group_kk": "Салықтар",
                "group_ru": "Налоги", "group_en": "Taxes", "sort_order": 10 + order}).status_code == 201
    page = open_kiosk(new_page(size), server)
    page.get_by_role("button", name="English", exact=True).click()
    groups = page.locator("#services .service.group")
    expect(groups).to_have_count(6)
    expect(page.locator("#services-title")).to_have_text("Select a service")
    assert_fits(page)
    screenshot(page, f"kiosk-groups-en-{SIZES[size]}")

    groups.filter(has_text="Taxes").click()
    expect(page.locator("#services .service[data-service-id]")).to_have_count(6)
    expect(page.locator("#services-title")).to_have_text("Taxes")   # the heading names the group
    page.locator('#screen-services [data-action="back"]').click()       # back to the groups
    expect(page.locator("#services-title")).to_have_text("Select a service")
    groups.filter(has_text="Taxes").click()
    assert_fits(page)
    screenshot(page, f"kiosk-group-services-en-{SIZES[size]}")
    page.locator("#services .service", has_text="Vehicle tax").click()
    page.locator('#screen-priority [data-priority=""]').click()
    ticket = ticket_on_screen(page, server)
    assert ticket["number"].startswith("И") and ticket["lang"] == "en"
