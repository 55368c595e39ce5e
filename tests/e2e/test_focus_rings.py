"""Focus rings of at least 3:1 on every screen (#16): walked with the Tab key in real Chromium.

axe-core does not measure a focus indicator, so this test does: for each element the keyboard reaches, the
ring's colour against what is behind it (the nearest opaque ancestor), or, where the ring is dark on a dark
bar, the white halo against the bar and the ring against the halo (WCAG 2.2 1.4.11 and 2.4.7; EN 301 549
9.1.4.11). The amber ring the staff screens drew (#f0a000, 2.2:1 on white) and inputs with `outline: none`
fail it.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, screenshot

pytestmark = pytest.mark.e2e

TABS = 25   # Tab presses on each screen: past its first controls, the language bar and the main actions

RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const rgb = (c) => { const m = /rgba?\\(([^)]+)\\)/.exec(c || ''); if (!m) return null;
                       const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
                       return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = (c) => [c.r, c.g, c.b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                                    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  let behind = null;
  for (let up = el.parentElement; up && !behind; up = up.parentElement) {
    const c = rgb(getComputedStyle(up).backgroundColor);
    if (c && c.a > 0.5) behind = c;
  }
  behind = behind || {r: 255, g: 255, b: 255, a: 1};
  const cs = getComputedStyle(el);
  const ring = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 ? rgb(cs.outlineColor) : null;
  const halo = rgb((/rgba?\\([^)]+\\)/.exec(cs.boxShadow) || [''])[0]);
  const label = (el.getAttribute('aria-label') || el.getAttribute('name') || el.textContent || '').trim().slice(0, 24);
  return {what: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${String(el.className).split(' ')[0]} "${label}"`,
          ring: ring ? ratio(ring, behind) : 0, halo: halo ? ratio(halo, behind) : 0,
          ring_on_halo: ring && halo ? ratio(ring, halo) : 0};
}"""


def walk(page, name: str) -> list[dict]:
    """Tab through the screen; every element reached must show a ring of 3:1 or more. Returns those reached."""
    page.locator("body").click(position={"x": 1, "y": 1})   # start from the page, not the address bar
    seen: dict[str, dict] = {}
    for _ in range(TABS):
        page.keyboard.press("Tab")
        found = page.evaluate(RING)
        if found:
            seen.setdefault(found["what"], found)
    weak = [f for f in seen.values()
            if not (f["ring"] >= 3 or (f["halo"] >= 3 and f["ring_on_halo"] >= 3))]
    assert len(seen) >= 3, f"{name}: the keyboard reached only {list(seen)}"
    assert weak == [], f"{name}: focus rings under 3:1: {weak}"
    screenshot(page, f"focus-ring-{name}")
    return list(seen.values())


def test_every_staff_screen_shows_a_ring_of_at_least_3_to_1_on_each_control(live_server, new_page):
    page = new_page("desk")
    page.goto(f"{live_server.url}/operator/?lang=kk")
    expect(page.locator("#op-login-form")).to_be_visible()
    walk(page, "operator-sign-in")
    page.fill("#op-username", "operator1")
    page.fill("#op-password", DEMO_PASSWORD)
    page.click("#op-login-submit")
    page.click('.op-desk-choice[data-desk="1"]')
    expect(page.locator(".op-button").first).to_be_visible()
    walk(page, "operator-desk")

    admin = new_page("desk")
    admin.goto(f"{live_server.url}/admin/?lang=ru")
    walk(admin, "admin-sign-in")
    admin.fill("input[name=username]", "admin")
    admin.fill("input[name=password]", DEMO_PASSWORD)
    admin.click("#login-form button[type=submit]")
    expect(admin.locator("#app")).to_be_visible()
    walk(admin, "admin")


def test_every_public_screen_shows_a_ring_of_at_least_3_to_1_on_each_control(live_server, new_page):
    ticket = live_server.issue(1)
    for name, path, size in [("board", "/board/demo?lang=kk", "phone"), ("booking", "/book/?lang=en", "phone"),
                             ("ticket", None, "phone"),
                             ("kiosk", f"/kiosk/?token={live_server.demo['kiosk_token']}", "kiosk_portrait")]:
        page = new_page(size)
        page.goto(ticket["url"] if path is None else live_server.url + path)
        page.wait_for_load_state("networkidle")
        walk(page, name)
