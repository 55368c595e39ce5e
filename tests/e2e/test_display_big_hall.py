"""The hall display of a big office (20 bodies, 120 services, 40 desks, everyone waiting): the call never loses its space."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import big_office
from tests.e2e.conftest import LiveServer, wait_js
from tests.e2e.test_admin import sign_in
from tests.e2e.test_display import screenshot, tv, tv_browser  # noqa: F401  (fixtures)

pytestmark = pytest.mark.e2e

BOXES = """() => {
  const box = (sel) => { const el = document.querySelector(sel); if (!el || !el.getClientRects().length) return null;
                         const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const cells = Array.from(document.querySelectorAll('#waiting li')).map((li) => {
    const r = li.getBoundingClientRect(); return {box: [r.left, r.top, r.right, r.bottom],
      count: Number(li.querySelector('.display-waiting-count').textContent), service: li.dataset.service || null,
      body: li.dataset.body || null}; });
  return {w: innerWidth, h: innerHeight, now: box('#now'), number: box('#now-number'), desk: box('#now-desk'),
          numberFont: parseFloat(getComputedStyle(document.getElementById('now-number')).fontSize),
          legible: parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--legible')),
          recent: Array.from(document.querySelectorAll('#recent li')).map((li) => {
            const r = li.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }),
          waiting: box('.display-waiting'), ticker: box('#ticker'), cells, page: document.getElementById('waiting-page').textContent,
          body: document.getElementById('now-body').textContent,
          scroll: document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth};
}"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("bighall"), env={"KEZEK_ISSUE_RATE_LIMIT": "0"})
    server.start()
    admin = server.session("admin")
    admin.patch(f"{server.url}/api/v1/offices/{server.demo['office']}", timeout=10, json={
        "ticker_kk": "Құжаттарыңызды алдын ала дайындаңыз", "ticker_ru": "Подготовьте документы заранее",
        "ticker_en": "Have your documents ready"})
    server.hall = big_office.build_through_api(server.url, admin)     # the CSV an admin imports, dry run first
    for service in server.hall.services.values():
        server.issue(service)
        server.issue(service)
    operator = server.session("operator1")
    server.called = []
    for desk in server.hall.desk_ids()[:6]:
        r = operator.post(f"{server.url}/api/v1/desks/{desk}/call-next", timeout=10)
        assert r.status_code == 200, r.text
        server.called.append(r.json())
    yield server
    server.stop()


def inside(box, w, h) -> bool:
    left, top, right, bottom = box
    return left >= -1 and top >= -1 and right <= w + 1 and bottom <= h + 1


@pytest.mark.parametrize("size", ["tv", "tv_portrait"])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_with_every_service_waiting_the_call_keeps_its_space_and_size(tv, live_server, size, lang):  # noqa: F811
    page = tv(f"?lang={lang}", size=size)
    newest = live_server.called[-1]
    wait_js(page, "n => document.getElementById('now').dataset.number === n", arg=newest["number"])
    page.wait_for_timeout(3500)   # the blink ends
    m = page.evaluate(BOXES)
    w, h = m["w"], m["h"]
    assert not m["scroll"]
    # The current call: whole, on screen, large (at least a fifth of the screen's shorter side), above the queues.
    for part in ("now", "number", "desk"):
        assert m[part] and inside(m[part], w, h), (part, m[part])
    # Large: its letters well above the legible size the queues and recent calls have (a five-character number
    # beside its desk is as large as the width allows), its box at least an eighth of the screen's shorter side.
    assert m["numberFont"] >= 1.2 * m["legible"], (m["numberFont"], m["legible"])
    assert m["number"][3] - m["number"][1] >= min(w, h) / 8, m["number"]
    assert m["now"][3] <= m["waiting"][1] + 1, (m["now"], m["waiting"])
    # Recent calls keep whole rows on screen, above the queues too.
    assert m["recent"], "no recent call on screen"
    assert all(inside(r, w, h) and r[3] <= m["waiting"][1] + 1 for r in m["recent"])
    # The ticker stays on screen, below everything.
    assert m["ticker"] and inside(m["ticker"], w, h) and m["ticker"][1] >= m["waiting"][3] - 1
    # The queues: only some with people, each cell whole inside the band, paged visibly.
    assert m["cells"] and all(c["count"] > 0 for c in m["cells"])
    assert all(inside(c["box"], w, h) and c["box"][3] <= m["waiting"][3] + 1 for c in m["cells"])
    assert m["page"].startswith("1 / "), m["page"]
    # The body goes with the call.
    assert m["body"] == live_server.hall.body_of(newest["service_id"])[f"name_{lang}"]
    mm = 1218.0 / max(w, h) * m["numberFont"] * 0.729
    print(f"{size} {lang}: call number {m['numberFont']:.0f} px (capitals {mm:.0f} mm on 55\"), box"
          f" {m['number'][3] - m['number'][1]:.0f} px high, {len(m['recent'])} recent, {len(m['cells'])} cells,"
          f" page {m['page']}")
    screenshot(page, f"display_big_hall_{size}_{lang}")


def test_the_waiting_part_turns_its_pages_and_says_which(tv, live_server):  # noqa: F811
    page = tv("?lang=kk")
    first = page.evaluate("kezekDisplay.waiting")
    assert first["pages"] >= 2 and first["mode"] == "bodies", first   # 120 services: per body at 5 m on 55"
    shown = page.evaluate("Array.from(document.querySelectorAll('#waiting li'), li => li.dataset.body)")
    wait_js(page, "() => kezekDisplay.waiting.page === 1", timeout=12000)
    assert page.text_content("#waiting-page") == f"2 / {first['pages']}"
    after = page.evaluate("Array.from(document.querySelectorAll('#waiting li'), li => li.dataset.body)")
    assert set(after).isdisjoint(shown)


def test_a_zone_of_one_body_shows_its_services_one_by_one(tv, live_server):  # noqa: F811
    admin = live_server.session("admin")
    device = f"{live_server.url}/api/v1/devices/{live_server.demo['display_id']}"
    services = live_server.hall.by_body()[2]                       # the civil registry's six
    desks = live_server.hall.desk_ids()[4:6]                        # its two desks
    r = admin.patch(device, json={"settings": {"services": services, "desks": desks}}, timeout=10)
    assert r.status_code == 200, r.text
    try:
        page = tv(f"?token={live_server.demo['display_token']}&lang=kk")
        cells = page.evaluate("Array.from(document.querySelectorAll('#waiting li'), li => Number(li.dataset.service))")
        assert cells and set(cells) <= set(services)
        assert page.evaluate("kezekDisplay.waiting.mode") == "services"
        screenshot(page, "display_big_hall_zone_tv_kk")
    finally:
        admin.patch(device, json={"settings": {}}, timeout=10)


def test_the_server_works_out_what_the_browser_measures(tv, live_server):  # noqa: F811
    admin = live_server.session("admin")
    for size, orientation in (("tv", "landscape"), ("tv_portrait", "portrait")):
        page = tv("?lang=kk", size=size)
        measured = page.evaluate("kezekDisplay.waiting")
        worked_out = admin.get(f"{live_server.url}/api/v1/displays/layout",
                               params={"screen_in": 55, "viewing_m": 5, "orientation": orientation}, timeout=10).json()
        assert (measured["columns"], measured["rows"]) == (worked_out["columns"], worked_out["rows"]), size


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_admin_sees_the_zone_does_not_fit_and_applies_a_proposed_one(new_page, live_server, lang):
    admin = live_server.session("admin")
    device = f"{live_server.url}/api/v1/devices/{live_server.demo['display_id']}"
    admin.patch(device, json={"settings": {}}, timeout=10)
    page = new_page("desk")
    sign_in(page, live_server.url, "admin", lang)
    page.click("[data-tab=devices]")
    expect(page.locator("#zones")).to_be_visible()
    expect(page.locator("#z-fit")).to_have_class("form-error")       # 127 services on one 55" TV at 5 m
    page.click("#z-propose")
    expect(page.locator("#z-zones li").first).to_be_visible()
    assert page.locator("#z-zones li").count() >= 10
    page.locator("#z-zones li").nth(1).locator("button").click()
    expect(page.locator("#z-fit")).not_to_have_class("form-error")
    settings = admin.get(f"{live_server.url}/api/v1/devices", timeout=10).json()["devices"]
    saved = next(d for d in settings if d["id"] == live_server.demo["display_id"])["settings"]
    assert saved["services"] and saved["desks"] and saved["screen_in"] == 55
    page.locator("#zones").scroll_into_view_if_needed()
    screenshot(page, f"admin_display_zones_{lang}")
    admin.patch(device, json={"settings": {}}, timeout=10)
