"""The region's screens in Chromium: the public board of offices and the region admin's live monitor with reports."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kezek.base import database
from kezek.printing import store as printing_store
from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, screenshot


@pytest.fixture(scope="module")
def region_server(tmp_path_factory):
    """The demo office, a second office with a kiosk, and a region admin."""
    server = LiveServer(tmp_path_factory.mktemp("region"))
    server.start()      # it answers /api/v1/services while it has one office; the second comes after
    server.cli("create-office", "esil", "--name-kk", "Есіл ауданы ХҚКО", "--name-ru", "ЦОН района Есиль",
               "--name-en", "Esil District Front Office")
    server.cli("create-user", "region", "--role", "region_admin", "--password", DEMO_PASSWORD)
    yield server
    server.stop()


def _issue(server):
    """A ticket from the demo kiosk (service 1)."""
    return server.issue(1)


def test_the_regional_board_lists_the_offices_in_each_language(region_server, new_page):
    _issue(region_server)
    page = new_page("tv")
    page.goto(region_server.url + "/region/")
    rows = page.locator("#rows tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Алмалы")
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("1")
    screenshot(page, "region_board_kk")
    page.get_by_role("button", name="Русский").click()
    expect(page.locator("h1")).to_have_text("Офисы региона")
    expect(rows.nth(1)).to_contain_text("ЦОН района Есиль")
    screenshot(page, "region_board_ru")
    page.get_by_role("button", name="English").click()
    expect(rows.nth(0).get_by_role("link")).to_have_attribute("href", "/board/demo")
    screenshot(page, "region_board_en")


def test_the_regional_monitor_asks_to_sign_in_then_shows_every_office_live(region_server, new_page):
    page = new_page("desk")
    page.goto(region_server.url + "/region/monitor?lang=en")
    expect(page.locator("#signin")).to_be_visible()
    screenshot(page, "region_monitor_signin_en")
    r = page.request.post(region_server.url + "/api/v1/login", data={"username": "region", "password": DEMO_PASSWORD})
    assert r.ok
    polls = []
    page.on("request", lambda r: polls.append(r.url) if r.url.endswith("/api/v1/region/monitor") else None)
    page.reload()
    rows = page.locator("#mon-rows tr")
    expect(rows).to_have_count(2)
    demo = rows.nth(0)
    before = int(demo.locator("td").nth(0).inner_text())
    _issue(region_server)
    expect(demo.locator("td").nth(0)).to_have_text(str(before + 1))       # live: pushed over Socket.IO
    page.wait_for_timeout(6000)        # longer than the fallback poll's 5 s: none is made while the link is up
    assert len(polls) == 1, polls      # the page's first look, which says whether to sign in
    expect(demo.get_by_role("link")).to_have_attribute("href", "/admin/?office=demo")
    expect(page.locator("#rep-rows tr")).to_have_count(2)
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#rep-totals td").nth(1)).to_have_text(str(before + 1))   # tickets issued today
    screenshot(page, "region_monitor_en")
    page.get_by_role("button", name="Қазақша").click()
    expect(page.locator("h1")).to_have_text("Өңірлік мониторинг")
    screenshot(page, "region_monitor_kk")


def test_an_office_admin_is_told_the_monitor_is_not_theirs(region_server, new_page):
    page = new_page("desk")
    page.request.post(region_server.url + "/api/v1/login", data={"username": "admin", "password": DEMO_PASSWORD})
    page.goto(region_server.url + "/region/monitor?lang=ru")
    expect(page.locator("#refused")).to_be_visible()
    expect(page.locator("#now")).to_be_hidden()
    screenshot(page, "region_monitor_refused_ru")


def _printer_out_of_paper(server) -> None:
    """The demo kiosk's printer reports paper out (what its poll would write); the polling may later say offline."""
    db = database.open_db(str(server.db))
    try:
        kiosk = database.scalar(db, "SELECT id FROM devices WHERE office_id = 'demo' AND kind = 'kiosk'")
        db.execute("UPDATE devices SET printer_url = 'tcp://192.0.2.10:9100' WHERE id = ?", (kiosk,))
        printing_store.save_printer_state(db, kiosk, "paper_out", "out of paper", "2026-11-23T05:10:00Z")
    finally:
        db.close()


@pytest.mark.parametrize("size", ["desk", "tv"])      # 1366 x 768, 1920 x 1080
def test_the_regional_monitor_fits_the_screen_in_each_language(region_server, new_page, size):
    _printer_out_of_paper(region_server)     # the longest cell: a printer needing attention, in words
    page = new_page(size)
    r = page.request.post(region_server.url + "/api/v1/login", data={"username": "region", "password": DEMO_PASSWORD})
    assert r.ok
    for lang in ("kk", "ru", "en"):
        page.goto(region_server.url + f"/region/monitor?lang={lang}")
        expect(page.locator("#mon-rows tr")).to_have_count(2)
        expect(page.locator("#rep-rows tr")).to_have_count(2)
        fit = page.evaluate("""() => {
            const width = document.documentElement.clientWidth;
            const cut = [...document.querySelectorAll("table, th, td")].filter(
                (e) => e.getBoundingClientRect().right > width + 0.5 || e.scrollWidth > e.clientWidth + 1);
            return {page: document.documentElement.scrollWidth <= width, cut: cut.map((e) => e.textContent)};
        }""")
        screenshot(page, f"region_monitor_{size}_{lang}" + ("" if fit == {"page": True, "cut": []} else "_does-not-fit"))
        assert fit == {"page": True, "cut": []}, (lang, size, fit)
        trouble = page.locator("#mon-rows tr").nth(0).locator("td").last
        expect(trouble).to_have_class("trouble")
        words = {"kk": ("Қағаз таусылды", "Байланыс жоқ"), "ru": ("Закончилась бумага", "Нет связи"),
                 "en": ("Out of paper", "Offline")}[lang]
        assert any(w in trouble.inner_text() for w in words), trouble.inner_text()   # in words, not paper_out


@pytest.fixture
def restartable(tmp_path):
    """One office and a region admin: a server that can be stopped and started again (it answers
    /api/v1/services, the start's readiness check, while it has one office)."""
    server = LiveServer(tmp_path)
    server.cli("create-user", "region", "--role", "region_admin", "--password", DEMO_PASSWORD)
    server.start()
    yield server
    server.stop()


def test_the_regional_monitor_polls_only_while_its_link_is_down(restartable, new_page):
    region_server = restartable
    page = new_page("desk")
    r = page.request.post(region_server.url + "/api/v1/login", data={"username": "region", "password": DEMO_PASSWORD})
    assert r.ok
    polls = []
    page.on("request", lambda q: polls.append(q.url) if q.url.endswith("/api/v1/region/monitor") else None)
    page.goto(region_server.url + "/region/monitor?lang=ru")
    waiting = page.locator("#mon-rows tr").nth(0).locator("td").nth(0)
    expect(waiting).not_to_have_text("")
    before = int(waiting.inner_text())
    region_server.stop()                  # a restart: the link drops, the page falls back to polling
    try:
        expect(page.locator("#kezek-offline")).to_be_visible()
        page.wait_for_timeout(6_000)      # past one poll period
        assert len(polls) >= 2, polls     # the first look, then a poll while the server was away
    finally:
        region_server.start()
    _issue(region_server)
    expect(waiting).to_have_text(str(before + 1))     # live again (pushed, or the last poll before it)
    expect(page.locator("#kezek-offline")).to_be_hidden()
    settled = len(polls)
    page.wait_for_timeout(6_000)          # linked again: no more polling
    assert len(polls) == settled, polls
    screenshot(page, "region_monitor_back_ru")
