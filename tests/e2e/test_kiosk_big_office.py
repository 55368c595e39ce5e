"""A kiosk for 120 services in real Chromium (#20): search on the on-screen keyboard in kk and ru, A–Z, state
bodies whose cards say what they hold, pages instead of clipping, the most asked first, the ticket's desks."""
from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest
import requests
from playwright.sync_api import expect

from kezek.base import database
from kezek.office import catalogue
from tests.big_office import build  # the CSV an admin imports, imported in process
from tests.e2e.conftest import LiveServer, screenshot, wait_js
from tests.e2e.test_kiosk import assert_fits, open_kiosk, ticket_on_screen

pytestmark = pytest.mark.e2e

SIZES = {"kiosk_portrait": "portrait", "kiosk_landscape": "landscape"}
LANG_BUTTONS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


class TwoOffices(LiveServer):
    """The demo office and the big one: the readiness check names an office (two answer no office by default)."""

    def start(self, timeout: float = 30) -> None:
        with self.log.open("a") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "server.py", "run", "--db", str(self.db), "--port", str(self.port), "--quiet"],
                cwd=self.root, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if requests.get(self.url + "/api/v1/services?office=demo", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("server did not start:\n" + self.log.read_text()[-3000:])


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    server = TwoOffices(tmp_path_factory.mktemp("big"))
    db = database.init_db(server.db)
    server.big = build(db, datetime.now(timezone.utc))
    db.close()
    server.start()
    yield server
    server.stop()


def open_big(new_page, server, size, lang):
    page = open_kiosk(new_page(size), server, server.big.kiosk_token)
    page.get_by_role("button", name=LANG_BUTTONS[lang], exact=True).click()
    expect(page.locator("#screen-services")).to_be_visible()
    return page


def cards_fit(page, scope="#kiosk") -> dict:
    """Every visible card's content inside it (scrollWidth/scrollHeight against its client box), and on screen."""
    return page.evaluate("""(scope) => {
      const out = {count: 0, clipped: []};
      document.querySelectorAll(scope + ' .service, ' + scope + ' .letter').forEach((el) => {
        if (!el.getClientRects().length) return;
        out.count += 1;
        const r = el.getBoundingClientRect();
        const inside = r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
        if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1 || !inside)
          out.clipped.push([el.textContent.slice(0, 50), el.scrollWidth, el.clientWidth, el.scrollHeight, el.clientHeight]);
      });
      return out;
    }""", scope)


def assert_cards_fit(page, scope="#kiosk"):
    fit = cards_fit(page, scope)
    assert fit["count"] > 0
    assert fit["clipped"] == [], fit["clipped"]
    assert_fits(page)


def type_on_screen(page, text: str) -> None:
    """Type with the kiosk's own keyboard, a touch a letter (switching its layout if needed)."""
    for ch in text:
        key = page.locator(f'#keyboard [data-char="{ch}"]')
        if not key.count():
            for layout in ("kk", "ru", "en"):
                switch = page.locator(f'#keyboard [data-layout="{layout}"]')
                if switch.count():
                    switch.click()
                    if page.locator(f'#keyboard [data-char="{ch}"]').count():
                        break
            key = page.locator(f'#keyboard [data-char="{ch}"]')
        key.click()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang, word, found", [
    ("kk", "паспорт", "Жеке куәлік алу"),                  # a synonym the admin added (no name of it says so)
    ("kk", "туу", "Туу туралы куәлік"),                    # a word of the Kazakh name, with ү
    ("ru", "рожд", "Регистрация рождения"),
    ("ru", "төлқұжат", "Получение удостоверения личности"),  # a Kazakh synonym on the Russian screen
], ids=["kk-synonym", "kk-name", "ru-name", "ru-kk-synonym"])
def test_search_on_the_screen_keyboard_finds_a_service(big_server, new_page, size, lang, word, found):
    page = open_big(new_page, big_server, size, lang)
    page.locator('#find-nav [data-nav="search"]').click()
    expect(page.locator("#screen-search")).to_be_visible()
    keys = page.evaluate("Array.from(document.querySelectorAll('#keyboard [data-char]'), k => k.dataset.char).join('')")
    if lang == "kk":
        assert all(ch in keys for ch in "әғқңөұүһі"), keys
    type_on_screen(page, word)     # the keys type small letters; names start with capitals
    results = page.locator("#search-results .service")
    expect(results.first).to_be_visible()
    expect(results.filter(has_text=found)).to_have_count(1)
    assert_cards_fit(page, "#search-results")
    screenshot(page, f"kiosk-big-search-{lang}-{word.split()[0]}-{SIZES[size]}")
    results.filter(has_text=found).click()
    page.locator('#screen-priority [data-priority=""]').click()
    ticket = ticket_on_screen(page, big_server)
    assert ticket["desks"], ticket
    expect(page.locator("#ticket-desks")).to_contain_text(ticket["desks"][0])
    expect(page.locator("#print-status")).not_to_have_attribute("data-state", "photo")   # printer none: a normal ticket
    screenshot(page, f"kiosk-big-ticket-{lang}-{SIZES[size]}")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_body_is_reached_on_pages_and_no_card_is_clipped(big_server, new_page, size, lang):
    page = open_big(new_page, big_server, size, lang)
    expect(page.locator("#services-title")).not_to_have_text("")
    bodies = page.locator("#find-nav [data-nav='bodies']")
    if bodies.is_visible():
        bodies.click()
    seen = set()
    pages = page.locator("#pager .page-status")
    expect(pages).to_be_visible()
    total = int(pages.get_attribute("data-m"))
    assert total >= 2
    for n in range(1, total + 1):
        expect(pages).to_have_attribute("data-n", str(n))
        assert_cards_fit(page, "#services")
        # A body card says what it holds: a count and service names, not prefixes.
        holds = page.locator("#services .service.group .svc-holds").first.text_content()
        assert "·" not in holds and len(holds) > 10
        seen |= set(page.evaluate("Array.from(document.querySelectorAll('#services .group'), g => g.dataset.group)"))
        screenshot(page, f"kiosk-big-bodies-{lang}-{SIZES[size]}-p{n}")
        if n < total:
            page.locator('#pager [data-page="1"]').click()
    assert len(seen) == 20
    # The migration service lists its six and the birth registration it also does.
    page.locator('#pager [data-page="-1"]').click() if total > 1 else None
    migration = {"kk": "Көші-қон қызметі", "ru": "Миграционная служба", "en": "Migration Service"}[lang]
    while not page.locator("#services .group", has_text=migration).count():
        page.locator('#pager [data-page="-1"]').click()
    page.locator("#services .group", has_text=migration).click()
    expect(page.locator("#services-title")).to_have_text(migration)
    birth = {"kk": "Туу туралы куәлік", "ru": "Регистрация рождения", "en": "Birth registration"}[lang]
    expect(page.locator("#services .service", has_text=birth)).to_have_count(1)
    assert page.locator("#services .service[data-service-id]").count() == 7 or page.locator("#pager").is_visible()
    assert_cards_fit(page, "#services")
    screenshot(page, f"kiosk-big-body-{lang}-{SIZES[size]}")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang, letter, name", [("kk", "Қ", "Қайтыс болуды тіркеу"),
                                                ("ru", "В", "Выдача справок"),
                                                ("en", "I", "Identity card")], ids=["kk", "ru", "en"])
def test_a_to_z_reaches_a_service(big_server, new_page, size, lang, letter, name):
    page = open_big(new_page, big_server, size, lang)
    page.locator('#find-nav [data-nav="az"]').click()
    expect(page.locator("#services .letter").first).to_be_visible()
    assert_cards_fit(page, "#services")
    screenshot(page, f"kiosk-big-az-{lang}-{SIZES[size]}")
    page.locator(f'#services .letter[data-letter="{letter}"]').click()
    expect(page.locator("#services-title")).to_contain_text(letter)
    while not page.locator("#services .service", has_text=name).count():
        page.locator('#pager [data-page="1"]').click()
    assert_cards_fit(page, "#services")
    screenshot(page, f"kiosk-big-letter-{lang}-{SIZES[size]}")
    page.locator("#services .service", has_text=name).click()
    expect(page.locator("#screen-priority")).to_be_visible()
    page.locator('#screen-priority [data-action="back"]').click()
    expect(page.locator("#services-title")).to_contain_text(letter)   # back where the visitor was


def test_the_most_asked_come_first_in_the_admins_order(big_server, new_page):
    db = database.open_db(big_server.db)
    ids = big_server.big.services
    chosen = [ids["cso-1"], ids["zags-1"], ids["revenue-1"], ids["pension-2"]]
    catalogue.set_most_asked(db, "abay", chosen, datetime.now(timezone.utc))
    db.close()
    try:
        for size in SIZES:
            page = open_big(new_page, big_server, size, "kk")
            expect(page.locator("#services-sub")).to_have_text("Жиі сұралатын қызметтер")
            screenshot(page, f"kiosk-big-most-asked-kk-{SIZES[size]}")
            shown = page.evaluate("Array.from(document.querySelectorAll('#services .service'), b => +b.dataset.serviceId)")
            assert shown == chosen
            assert_cards_fit(page, "#services")
            wait_js(page, "() => document.activeElement && document.activeElement.id === 'services-title'")
    finally:
        db = database.open_db(big_server.db)
        catalogue.set_most_asked(db, "abay", [], datetime.now(timezone.utc))
        db.close()
